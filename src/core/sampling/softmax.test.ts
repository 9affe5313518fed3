import { describe, expect, it } from "vitest";
import { TokenwiseError } from "../errors/index.js";
import { softmax } from "./index.js";

function expectClose(actual: ArrayLike<number>, expected: number[], digits = 12): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((value, i) => {
    expect(actual[i]).toBeCloseTo(value, digits);
  });
}

// Expected values computed with NumPy: e = exp((x - max) / T); e / e.sum().
describe("softmax", () => {
  it("matches the textbook formula at several temperatures", () => {
    expectClose(softmax([2, 1, 0]), [0.6652409557748218, 0.24472847105479764, 0.09003057317038046]);
    expectClose(
      softmax([2, 1, 0], 0.5),
      [0.8668133321973347, 0.11731042782619835, 0.015876239976466762],
    );
    expectClose(softmax([2, 1, 0], 2), [0.506480391055654, 0.3071958857184984, 0.1863237232258476]);
  });

  it("returns a Float64Array summing to 1 and accepts typed arrays", () => {
    const probabilities = softmax(new Float32Array([0.5, -2, 3, 3]));
    expect(probabilities).toBeInstanceOf(Float64Array);
    expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
    expect(probabilities[2]).toBe(probabilities[3]);
  });

  it("is stable for huge logits where a naive exp overflows", () => {
    expect(Math.exp(1000)).toBe(Number.POSITIVE_INFINITY);
    expectClose(softmax([1000, 999, -1000]), [0.7310585786300049, 0.2689414213699951, 0]);
  });

  it("gives masked (-Infinity) tokens exactly 0", () => {
    const probabilities = softmax([3, 1, Number.NEGATIVE_INFINITY, 0]);
    expect(probabilities[2]).toBe(0);
    expectClose(probabilities, [0.8437947344813395, 0.11419519938459449, 0, 0.04201006613406605]);
    expect(
      Array.from(softmax([Number.NEGATIVE_INFINITY, 5, Number.NEGATIVE_INFINITY], 0.3)),
    ).toEqual([0, 1, 0]);
  });

  it("temperature 0 is one-hot on the argmax, lowest index among ties", () => {
    expect(Array.from(softmax([1, 3, 2], 0))).toEqual([0, 1, 0]);
    expect(Array.from(softmax([1, 3, 3], 0))).toEqual([0, 1, 0]);
    expect(Array.from(softmax([Number.NEGATIVE_INFINITY, -7], 0))).toEqual([0, 1]);
  });

  it("approaches the one-hot limit as temperature falls, never producing NaN", () => {
    const cold = softmax([1, 3, 2], 0.01);
    expect(cold[1]).toBe(1);
    expect((cold[2] as number) / Math.exp(-100)).toBeCloseTo(1, 12);
    expect((cold[0] as number) / Math.exp(-200)).toBeCloseTo(1, 12);
    const tiny = softmax([1, 3, 2], Number.MIN_VALUE);
    expect(Array.from(tiny)).toEqual([0, 1, 0]);
    // Tied maxima share the mass evenly in the limit; only T = 0 itself breaks the tie.
    expect(Array.from(softmax([3, 3, 1], 1e-300))).toEqual([0.5, 0.5, 0]);
  });

  it("approaches uniform as temperature rises", () => {
    expectClose(softmax([2, 1, 0], 1e9), [1 / 3, 1 / 3, 1 / 3], 8);
  });

  it("rejects bad temperatures, naming the field", () => {
    expect(() => softmax([1, 2], -0.1)).toThrowError(/temperature must be a finite number >= 0/);
    expect(() => softmax([1, 2], Number.NaN)).toThrowError(/temperature.*got NaN/);
    expect(() => softmax([1, 2], Number.POSITIVE_INFINITY)).toThrowError(/temperature/);
  });

  it("rejects bad logits, naming the index", () => {
    expect(() => softmax([1, Number.NaN])).toThrowError(/logits\[1\] must be a finite number/);
    expect(() => softmax([Number.POSITIVE_INFINITY])).toThrowError(/logits\[0\]/);
    expect(() => softmax([])).toThrowError(/logits must contain at least one logit/);
    expect(() => softmax([Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY])).toThrowError(
      /logits are all -Infinity/,
    );
    try {
      softmax(["1" as unknown as number]);
      expect.unreachable();
    } catch (error) {
      expect(TokenwiseError.hasCode(error, "invalid_input")).toBe(true);
    }
  });
});
