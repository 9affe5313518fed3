import { describe, expect, it } from "vitest";
import { applyTopK } from "./index.js";

/** Matches an array of floats to 14 decimal places, so rescaling rounding does not matter. */
function close(values: readonly number[]): unknown[] {
  return values.map((value) => expect.closeTo(value, 14));
}

describe("applyTopK", () => {
  it("keeps the k most probable tokens and rescales them to sum to 1", () => {
    expect(Array.from(applyTopK([0.5, 0.3, 0.2], 2))).toEqual(close([0.625, 0.375, 0]));
    expect(Array.from(applyTopK([0.1, 0.6, 0.3], 1))).toEqual(close([0, 1, 0]));
  });

  it("keeps everything when k is at least the number of tokens", () => {
    expect(Array.from(applyTopK([0.5, 0.3, 0.2], 3))).toEqual(close([0.5, 0.3, 0.2]));
    expect(Array.from(applyTopK([0.5, 0.3, 0.2], 10))).toEqual(close([0.5, 0.3, 0.2]));
  });

  it("keeps exactly k tokens, preferring lower indices among ties at the cut", () => {
    expect(Array.from(applyTopK([0.25, 0.25, 0.25, 0.25], 2))).toEqual(close([0.5, 0.5, 0, 0]));
    expect(Array.from(applyTopK([0.2, 0.4, 0.2, 0.2], 2))).toEqual(close([1 / 3, 2 / 3, 0, 0]));
  });

  it("accepts unnormalized weights and does not modify its input", () => {
    const weights = new Float64Array([2, 6, 2]);
    expect(Array.from(applyTopK(weights, 2))).toEqual(close([0.25, 0.75, 0]));
    expect(Array.from(weights)).toEqual([2, 6, 2]);
  });

  it("rejects a k that is not a positive integer", () => {
    expect(() => applyTopK([0.5, 0.5], 0)).toThrowError(/topK must be a positive integer.*got 0/);
    expect(() => applyTopK([0.5, 0.5], 1.5)).toThrowError(/topK/);
    expect(() => applyTopK([0.5, 0.5], Number.NaN)).toThrowError(/topK/);
  });

  it("rejects inputs that are not probabilities", () => {
    expect(() => applyTopK([0.5, -0.5], 1)).toThrowError(
      /probabilities\[1\] must be a finite number >= 0/,
    );
    expect(() => applyTopK([0, 0], 1)).toThrowError(/at least one probability above 0/);
    expect(() => applyTopK([], 1)).toThrowError(/at least one probability above 0/);
  });
});
