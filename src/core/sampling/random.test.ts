import { describe, expect, it } from "vitest";
import { TokenwiseError } from "../errors/index.js";
import { createRandom } from "./index.js";

function firstValues(seed: number | string, count = 4): number[] {
  const random = createRandom(seed);
  return Array.from({ length: count }, () => random());
}

// Expected values come from the reference C code of SplitMix64 and xoshiro128** (Vigna),
// compiled separately, each float built as ((a >> 5) * 2^26 + (b >> 6)) / 2^53.
describe("createRandom", () => {
  it("matches the reference xoshiro128** sequence for integer seeds", () => {
    expect(firstValues(42)).toEqual([
      0.41370166815658871, 0.0039839933778147429, 0.65008370276388672, 0.68460201861414161,
    ]);
    expect(firstValues(0)).toEqual([
      0.87025477440427201, 0.66979715053109778, 0.36165862067339571, 0.75919063867070502,
    ]);
    expect(firstValues(-1)).toEqual([
      0.11122081116347982, 0.12938300625619603, 0.014282055722108056, 0.57706732748012712,
    ]);
  });

  it("hashes string seeds with FNV-1a over UTF-8 bytes", () => {
    expect(firstValues("tokenwise")).toEqual([
      0.79680444024338259, 0.68575299999027173, 0.9408427922051148, 0.60865734509424518,
    ]);
    expect(firstValues("héllo")).toEqual([
      0.23816267798466506, 0.85695996067616953, 0.81509941096647742, 0.12058391232603294,
    ]);
  });

  it("gives the same sequence for the same seed and a different one otherwise", () => {
    expect(firstValues(7, 50)).toEqual(firstValues(7, 50));
    expect(firstValues(7, 5)).not.toEqual(firstValues(8, 5));
    expect(firstValues("7", 5)).not.toEqual(firstValues(7, 5));
  });

  it("stays in [0, 1) with a mean near 1/2", () => {
    const random = createRandom(123);
    let sum = 0;
    let min = 1;
    let max = 0;
    for (let i = 0; i < 100_000; i++) {
      const value = random();
      sum += value;
      min = Math.min(min, value);
      max = Math.max(max, value);
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(sum / 100_000).toBeCloseTo(0.5, 2);
  });

  it("rejects seeds that are not safe integers or strings", () => {
    for (const seed of [1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60]) {
      expect(() => createRandom(seed)).toThrowError(/seed must be a safe integer or a string/);
    }
    expect(() => createRandom({} as unknown as number)).toThrowError(TokenwiseError);
  });
});
