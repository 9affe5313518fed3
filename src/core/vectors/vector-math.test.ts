import { describe, expect, it } from "vitest";
import { TokenwiseError } from "../errors/index.js";
import { cosineSimilarity, dot, norm, normalize } from "./index.js";

describe("dot", () => {
  it("sums products across number[], Float32Array and Float64Array", () => {
    expect(dot([1, 2, 3], [4, 5, 6])).toBe(32);
    expect(dot(new Float32Array([1, 2, 3]), new Float64Array([4, -5, 6]))).toBe(12);
    expect(dot([], [])).toBe(0);
  });

  it("names both lengths when they differ", () => {
    expect(() => dot([1, 2, 3], [1, 2])).toThrowError(
      "b must have the same length as a: a has 3 dimensions, b has 2; compare embeddings from the same model",
    );
  });

  it("names the component that is not finite", () => {
    expect(() => dot([1, Number.NaN], [1, 2])).toThrowError(
      /a\[1\] must be a finite number, got NaN/,
    );
    expect(() => dot([1, 2], [Number.POSITIVE_INFINITY, 0])).toThrowError(/b\[0\]/);
  });
});

describe("norm and normalize", () => {
  it("computes the Euclidean length", () => {
    expect(norm([3, 4])).toBe(5);
    expect(norm(new Float32Array([0, 0, 0]))).toBe(0);
    expect(norm([1e200, 1e200])).toBeCloseTo(Math.SQRT2 * 1e200, -186);
  });

  it("returns a unit-length Float32Array", () => {
    const unit = normalize([3, 4]);
    expect(unit).toBeInstanceOf(Float32Array);
    expect(Array.from(unit)).toEqual([Math.fround(0.6), Math.fround(0.8)]);
    expect(norm(normalize(new Float64Array([1, -2, 3, -4, 5])))).toBeCloseTo(1, 7);
  });

  it("refuses to normalize a zero vector", () => {
    try {
      normalize([0, 0, 0]);
      expect.unreachable();
    } catch (error) {
      expect(TokenwiseError.hasCode(error, "invalid_input")).toBe(true);
      expect((error as Error).message).toMatch(/^cannot normalize a zero vector/);
    }
  });
});

describe("cosineSimilarity", () => {
  it("gives the cosine of the angle", () => {
    expect(cosineSimilarity([1, 0], [1, 1])).toBeCloseTo(1 / Math.SQRT2, 7);
    expect(Math.abs(cosineSimilarity([1, 0], [1, 1]) - Math.SQRT1_2)).toBeLessThan(1e-15);
    expect(cosineSimilarity([1, 0], [0, 5])).toBe(0);
    expect(cosineSimilarity([1, 2], [-2, -4])).toBeCloseTo(-1, 15);
    expect(cosineSimilarity(new Float32Array([0.1, 0.2, 0.3]), [1, 2, 3])).toBeCloseTo(1, 7);
  });

  it("stays within [-1, 1] despite rounding", () => {
    // Unclamped, this pair gives 1.0000000000000002.
    const a = [0.9346928959408276, 0.3835020774898595, 0.5194163720679545];
    expect(
      cosineSimilarity(
        a,
        a.map((x) => x * 3),
      ),
    ).toBe(1);
    expect(
      cosineSimilarity(
        a,
        a.map((x) => x * -3),
      ),
    ).toBe(-1);
  });

  it("handles components whose squares overflow", () => {
    expect(cosineSimilarity([1e200, 0], [1e200, 1e200])).toBeCloseTo(Math.SQRT1_2, 12);
  });

  it("throws for a zero vector instead of returning NaN", () => {
    expect(() => cosineSimilarity([0, 0], [1, 1])).toThrowError(
      /^a is a zero vector \(every component is 0\), so its cosine similarity is undefined/,
    );
    expect(() => cosineSimilarity([1, 1], new Float32Array(2))).toThrowError(/^b is a zero vector/);
  });

  it("names both lengths when they differ, and bad components", () => {
    expect(() => cosineSimilarity([1], [1, 2])).toThrowError(/a has 1 dimensions, b has 2/);
    expect(() => cosineSimilarity([1, 2], [Number.NaN, 1])).toThrowError(
      /b\[0\] must be a finite number/,
    );
  });
});
