import { describe, expect, it } from "vitest";
import { describeEmbeddingModel } from "./embedding-model.js";

describe("describeEmbeddingModel", () => {
  it("reads price and tokenizer from the catalog", () => {
    expect(describeEmbeddingModel("text-embedding-3-small")).toEqual({
      pricePerMillion: 20_000_000_000n,
      tokenizer: "cl100k_base",
      maxInputTokens: 8191,
    });
  });

  it("prices the offline model at zero", () => {
    expect(describeEmbeddingModel("tokenwise-offline-glove-100d").pricePerMillion).toBe(0n);
  });

  it("leaves the price of an unknown model undefined and counts with cl100k_base", () => {
    expect(describeEmbeddingModel("nomic-embed-text")).toEqual({
      pricePerMillion: undefined,
      tokenizer: "cl100k_base",
      maxInputTokens: undefined,
    });
  });
});
