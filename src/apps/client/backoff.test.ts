import { describe, expect, it } from "vitest";
import { backoffDelay } from "./index.js";

const policy = { baseDelayMs: 500, maxDelayMs: 30_000 };

describe("backoffDelay", () => {
  it("doubles the ceiling per attempt and takes a random share of it", () => {
    expect(backoffDelay({ ...policy, attempt: 1, random: () => 0.5 })).toBe(250);
    expect(backoffDelay({ ...policy, attempt: 2, random: () => 0.5 })).toBe(500);
    expect(backoffDelay({ ...policy, attempt: 3, random: () => 0.25 })).toBe(500);
    expect(backoffDelay({ ...policy, attempt: 4, random: () => 0.999 })).toBe(3996);
  });

  it("caps the ceiling at maxDelayMs", () => {
    expect(backoffDelay({ ...policy, attempt: 7, random: () => 0.5 })).toBe(15_000);
    expect(backoffDelay({ ...policy, attempt: 40, random: () => 0.5 })).toBe(15_000);
  });

  it("clamps a random source that strays outside [0, 1]", () => {
    expect(backoffDelay({ ...policy, attempt: 1, random: () => -3 })).toBe(0);
    expect(backoffDelay({ ...policy, attempt: 1, random: () => 7 })).toBe(500);
  });
});
