import { describe, expect, it } from "vitest";
import { createRandom, sampleToken, samplingDistribution, softmax } from "./index.js";

const NEG_INF = Number.NEGATIVE_INFINITY;

function close(values: readonly number[]): unknown[] {
  return values.map((value) => expect.closeTo(value, 14));
}

function drawCounts(
  logits: number[],
  options: Parameters<typeof sampleToken>[1],
  draws: number,
): number[] {
  const counts = new Array<number>(logits.length).fill(0);
  for (let i = 0; i < draws; i++) {
    const index = sampleToken(logits, options);
    counts[index] = (counts[index] as number) + 1;
  }
  return counts;
}

function chiSquare(counts: number[], probabilities: ArrayLike<number>, draws: number): number {
  let statistic = 0;
  counts.forEach((count, i) => {
    const expected = (probabilities[i] as number) * draws;
    if (expected > 0) statistic += (count - expected) ** 2 / expected;
  });
  return statistic;
}

// Expected distributions computed with NumPy.
describe("samplingDistribution", () => {
  it("applies temperature, then top-k, then top-p, renormalizing each time", () => {
    const logits = [2, 1, 0, -1];
    expect(Array.from(samplingDistribution(logits, { temperature: 0.7 }))).toEqual(
      close([0.76286527907225, 0.18282145479510925, 0.04381335112544119, 0.010499915007199427]),
    );
    expect(Array.from(samplingDistribution(logits, { temperature: 0.7, topK: 3 }))).toEqual(
      close([0.7709602966611171, 0.18476143415029567, 0.044278269188587266, 0]),
    );
    // After top-k the first two hold 0.9557 ≥ 0.9, so top-p drops the third as well.
    expect(
      Array.from(samplingDistribution(logits, { temperature: 0.7, topK: 3, topP: 0.9 })),
    ).toEqual(close([0.8066786301976913, 0.1933213698023087, 0, 0]));
  });

  it("defaults to plain softmax at temperature 1", () => {
    expect(Array.from(samplingDistribution([2, 1, 0, -1]))).toEqual(
      Array.from(softmax([2, 1, 0, -1])),
    );
  });

  it("treats top-k of 1 as greedy and top-p of 1 or k beyond the vocabulary as no-ops", () => {
    expect(Array.from(samplingDistribution([1, 4, 2], { topK: 1 }))).toEqual([0, 1, 0]);
    const plain = Array.from(softmax([1, 4, 2]));
    expect(Array.from(samplingDistribution([1, 4, 2], { topK: 99, topP: 1 }))).toEqual(plain);
  });

  it("validates top-k and top-p even when they would not cut anything", () => {
    expect(() => samplingDistribution([1, 2], { topK: 0 })).toThrowError(/topK/);
    expect(() => samplingDistribution([1, 2], { topP: 2 })).toThrowError(/topP/);
    expect(() => samplingDistribution([1, 2], { temperature: -1 })).toThrowError(/temperature/);
  });
});

describe("sampleToken", () => {
  it("draws with the softmax frequencies at T = 1 (10,000 seeded draws)", () => {
    const logits = [2, 1, 0, -1];
    const draws = 10_000;
    const counts = drawCounts(logits, { random: createRandom(2024) }, draws);
    const probabilities = softmax(logits);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(draws);
    counts.forEach((count, i) => {
      expect(Math.abs(count / draws - (probabilities[i] as number))).toBeLessThan(0.015);
    });
    // 16.27 is the chi-square critical value for 3 degrees of freedom at p = 0.001.
    expect(chiSquare(counts, probabilities, draws)).toBeLessThan(16.27);
  });

  it("draws only from the filtered set with top-k and top-p", () => {
    const logits = [2, 1, 0, -1];
    const options = { temperature: 0.7, topK: 3, topP: 0.9 };
    const draws = 10_000;
    const counts = drawCounts(logits, { ...options, random: createRandom("nucleus") }, draws);
    expect(counts[2]).toBe(0);
    expect(counts[3]).toBe(0);
    expect(Math.abs((counts[0] as number) / draws - 0.8066786301976913)).toBeLessThan(0.015);
    expect(chiSquare(counts, samplingDistribution(logits, options), draws)).toBeLessThan(10.83);
  });

  it("is the argmax at T = 0 and draws no random number", () => {
    const random = () => {
      throw new Error("random must not be called at temperature 0");
    };
    expect(sampleToken([0.1, 5, 5, 2], { temperature: 0, random })).toBe(1);
    expect(sampleToken([NEG_INF, -3, -2], { temperature: 0, topP: 0.5, random })).toBe(2);
  });

  it("concentrates on the argmax as temperature approaches 0", () => {
    const counts = drawCounts([1, 2, 1.5], { temperature: 0.01, random: createRandom(1) }, 1000);
    expect(counts).toEqual([0, 1000, 0]);
  });

  it("only ever returns the one token that is not masked", () => {
    const logits = [NEG_INF, NEG_INF, -42, NEG_INF];
    for (const temperature of [0, 0.5, 1, 5]) {
      expect(drawCounts(logits, { temperature, random: createRandom(9) }, 200)).toEqual([
        0, 0, 200, 0,
      ]);
    }
  });

  it("never returns a zero-probability token, even for a draw just below 1", () => {
    const justBelowOne = () => 1 - 2 ** -53;
    expect(sampleToken([0, 0, NEG_INF], { random: justBelowOne })).toBe(1);
    // exp(-800) underflows to exactly 0.
    expect(sampleToken([0, -800], { random: justBelowOne })).toBe(0);
    expect(sampleToken([1, 1], { random: () => 0 })).toBe(0);
    expect(sampleToken([1, 1], { random: () => 0.5 })).toBe(1);
  });

  it("is reproducible with a seed", () => {
    const logits = [0.3, 0.1, 0.2, 0.25, 0];
    const first = [1, 2, 3, 4, 5].map((seed) => sampleToken(logits, { seed }));
    const again = [1, 2, 3, 4, 5].map((seed) => sampleToken(logits, { seed }));
    expect(again).toEqual(first);
    expect(sampleToken(logits, { seed: "a" })).toBe(
      sampleToken(logits, { random: createRandom("a") }),
    );
  });

  it("rejects ambiguous or broken randomness", () => {
    expect(() => sampleToken([1, 2], { seed: 1, random: Math.random })).toThrowError(
      /seed cannot be combined with random/,
    );
    expect(() => sampleToken([1, 2], { random: () => 1 })).toThrowError(
      /random must return a float in \[0, 1\), returned 1/,
    );
    expect(() => sampleToken([1, 2], { random: () => Number.NaN })).toThrowError(/random/);
    expect(() => sampleToken([1, 2], { seed: 0.5 })).toThrowError(/seed/);
  });

  it("falls back to Math.random and still returns a valid index", () => {
    const index = sampleToken([1, 2, 3]);
    expect([0, 1, 2]).toContain(index);
  });
});
