import { describe, expect, it } from "vitest";
import { OFFLINE_EMBEDDING_MODEL } from "../embeddings/offline-embedder.js";
import { defaultFusionWeights, resolveFusionWeights } from "./fusion-weights.js";

describe("fusion weights", () => {
  it("halves the offline embedder's semantic ranking and weighs API models equally", () => {
    expect(defaultFusionWeights(OFFLINE_EMBEDDING_MODEL)).toEqual({ keyword: 1, semantic: 0.5 });
    expect(defaultFusionWeights("text-embedding-3-small")).toEqual({ keyword: 1, semantic: 1 });
  });

  it("lets a caller override either weight", () => {
    expect(resolveFusionWeights({ semantic: 0.2 }, OFFLINE_EMBEDDING_MODEL)).toEqual({
      keyword: 1,
      semantic: 0.2,
    });
    expect(resolveFusionWeights({ keyword: 0 }, "nomic-embed-text")).toEqual({
      keyword: 0,
      semantic: 1,
    });
  });

  it("rejects weights that are negative, not numbers, or all zero", () => {
    expect(() => resolveFusionWeights({ semantic: -1 }, "m")).toThrow(
      "weights.semantic must be a finite number >= 0 (1 counts fully, 0 only breaks ties), got -1",
    );
    expect(() => resolveFusionWeights({ keyword: Number.POSITIVE_INFINITY }, "m")).toThrow(
      /weights.keyword must be a finite number/,
    );
    expect(() => resolveFusionWeights({ keyword: 0, semantic: 0 }, "m")).toThrow(
      "weights must give at least one ranking a weight above 0",
    );
  });
});
