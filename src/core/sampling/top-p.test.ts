import { describe, expect, it } from "vitest";
import { applyTopP } from "./index.js";

/** Matches an array of floats to 14 decimal places, so rescaling rounding does not matter. */
function close(values: readonly number[]): unknown[] {
  return values.map((value) => expect.closeTo(value, 14));
}

describe("applyTopP", () => {
  it("keeps the smallest most-probable set reaching p", () => {
    expect(Array.from(applyTopP([0.5, 0.3, 0.2], 0.8))).toEqual(close([0.625, 0.375, 0]));
    expect(Array.from(applyTopP([0.5, 0.3, 0.2], 0.81))).toEqual(close([0.5, 0.3, 0.2]));
    expect(Array.from(applyTopP([0.2, 0.5, 0.3], 0.5))).toEqual(close([0, 1, 0]));
    expect(Array.from(applyTopP([0.2, 0.5, 0.3], 0.51))).toEqual(close([0, 0.625, 0.375]));
  });

  it("counts a set whose exact total equals p despite float rounding", () => {
    // 0.4 + 0.2 + 0.1 is 0.7000000000000001 and 0.1 + 0.2 is 0.30000000000000004 in floats;
    // either way the set summing to p exactly must be enough.
    const kept = applyTopP([0.1, 0.2, 0.4, 0.3], 0.7);
    expect(kept[0]).toBe(0);
    expect(kept[1]).toBe(0);
    expect(kept[2]).toBeCloseTo(4 / 7, 15);
    expect(kept[3]).toBeCloseTo(3 / 7, 15);
  });

  it("p = 1 keeps every token", () => {
    const probabilities = [0.1, 0.2, 0.4, 0.3];
    expect(Array.from(applyTopP(probabilities, 1))).toEqual(close(probabilities));
  });

  it("always keeps at least one token, even for p = 0", () => {
    expect(Array.from(applyTopP([0.3, 0.7], 0))).toEqual(close([0, 1]));
    expect(Array.from(applyTopP([0.9, 0.1], 0.01))).toEqual(close([1, 0]));
  });

  it("breaks ties by lower index", () => {
    expect(Array.from(applyTopP([0.25, 0.25, 0.25, 0.25], 0.5))).toEqual(close([0.5, 0.5, 0, 0]));
  });

  it("works on unnormalized weights", () => {
    expect(Array.from(applyTopP([5, 3, 2], 0.8))).toEqual(close([0.625, 0.375, 0]));
  });

  it("rejects p outside [0, 1]", () => {
    expect(() => applyTopP([1], 1.01)).toThrowError(/topP must be a number from 0 to 1.*got 1.01/);
    expect(() => applyTopP([1], -0.1)).toThrowError(/topP/);
    expect(() => applyTopP([1], Number.NaN)).toThrowError(/topP/);
  });
});
