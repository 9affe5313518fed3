import { describe, expect, it } from "vitest";
import { DEFAULT_SIF_SMOOTHING, sifWeightOfRow, sifWeightsByRank } from "./sif-weights.js";

describe("sifWeightsByRank", () => {
  it("weighs rank r as a / (a + 1 / (r × H(N)))", () => {
    const weights = sifWeightsByRank({ words: 4, smoothing: 0.1 });
    const harmonic = 1 + 1 / 2 + 1 / 3 + 1 / 4;
    const expected = [1, 2, 3, 4].map((rank) => 0.1 / (0.1 + 1 / (rank * harmonic)));
    expect(Array.from(weights)).toEqual(expected.map((value) => Math.fround(value)));
  });

  it("gives the documented weights for the GloVe vocabulary at the default smoothing", () => {
    expect(DEFAULT_SIF_SMOOTHING).toBe(1e-4);
    const weights = sifWeightsByRank({ words: 341_479 });
    expect(weights[0]).toBeCloseTo(0.00133, 5);
    expect(weights[99]).toBeCloseTo(0.118, 3);
    expect(weights[999]).toBeCloseTo(0.571, 3);
    expect(weights[9999]).toBeCloseTo(0.93, 3);
  });
});

describe("sifWeightOfRow", () => {
  it("gives exactly the Float32 weight sifWeightsByRank stores, row by row", () => {
    for (const options of [{ words: 341_479 }, { words: 7, smoothing: 0.3 }]) {
      const all = sifWeightsByRank(options);
      const weightOf = sifWeightOfRow(options);
      for (const row of [0, 1, 2, 6, 99, 9_999, 341_478]) {
        if (row < options.words) expect(weightOf(row)).toBe(all[row]);
      }
    }
  });
});
