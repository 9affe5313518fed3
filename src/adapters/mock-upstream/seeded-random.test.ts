import { describe, expect, it } from "vitest";
import { createSeededRandom } from "./seeded-random.js";

describe("createSeededRandom", () => {
  it("gives the documented first value for seed 42", () => {
    expect(createSeededRandom(42)()).toBe(0.6011037519201636);
  });

  it("repeats the same sequence for the same seed", () => {
    const first = createSeededRandom(7);
    const second = createSeededRandom(7);
    const a = [first(), first(), first()];
    expect([second(), second(), second()]).toEqual(a);
  });

  it("differs between seeds and stays in [0, 1)", () => {
    const values = Array.from({ length: 1000 }, createSeededRandom(1));
    expect(values.every((value) => value >= 0 && value < 1)).toBe(true);
    expect(createSeededRandom(2)()).not.toBe(createSeededRandom(1)());
  });
});
