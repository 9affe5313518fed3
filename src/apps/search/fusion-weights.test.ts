import { describe, expect, it } from "vitest";
import { DEFAULT_FUSION_WEIGHTS, resolveFusionWeights } from "./fusion-weights.js";

describe("fusion weights", () => {
  it("weighs every ranking fully by default", () => {
    const all = { keyword: 1, semantic: 1, lateInteraction: 1 };
    expect(resolveFusionWeights(undefined)).toEqual(all);
    expect(DEFAULT_FUSION_WEIGHTS).toEqual(all);
  });

  it("lets a caller override any weight", () => {
    expect(resolveFusionWeights({ semantic: 0.2 })).toEqual({
      keyword: 1,
      semantic: 0.2,
      lateInteraction: 1,
    });
    expect(resolveFusionWeights({ keyword: 0 })).toEqual({
      keyword: 0,
      semantic: 1,
      lateInteraction: 1,
    });
    expect(resolveFusionWeights({ lateInteraction: 0 })).toEqual({
      keyword: 1,
      semantic: 1,
      lateInteraction: 0,
    });
  });

  it("rejects weights that are negative, not numbers, or all zero", () => {
    expect(() => resolveFusionWeights({ semantic: -1 })).toThrow(
      "weights.semantic must be a finite number >= 0 (1 counts fully, 0 only breaks ties), got -1",
    );
    expect(() => resolveFusionWeights({ keyword: Number.POSITIVE_INFINITY })).toThrow(
      /weights.keyword must be a finite number/,
    );
    expect(() => resolveFusionWeights({ lateInteraction: Number.NaN })).toThrow(
      /weights.lateInteraction must be a finite number/,
    );
    expect(() => resolveFusionWeights({ keyword: 0, semantic: 0, lateInteraction: 0 })).toThrow(
      "weights must give at least one ranking a weight above 0",
    );
  });
});
