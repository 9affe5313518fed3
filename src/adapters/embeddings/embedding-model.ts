/**
 * Facts about an embedding model that indexing needs before spending anything: its price and
 * the tokenizer its inputs are counted with.
 */
import { type Catalog, defaultCatalog } from "../../core/catalog/index.js";
import { type Picodollars, usd } from "../../core/money/index.js";
import type { EncodingName } from "../../core/tokens/index.js";
import { OFFLINE_EMBEDDING_MODEL } from "./offline-embedder.js";

export interface EmbeddingModelFacts {
  /** Price per million input tokens, or undefined when the catalog does not know the model. */
  pricePerMillion: Picodollars | undefined;
  /** Exact tokenizer to chunk and count with (cl100k_base when the model's is not public). */
  tokenizer: EncodingName;
  /** Most tokens the model takes in one input, when known. */
  maxInputTokens: number | undefined;
}

const ENCODINGS: readonly string[] = ["o200k_base", "cl100k_base", "p50k_base", "r50k_base"];

/**
 * @example
 * ```ts
 * describeEmbeddingModel("text-embedding-3-small");
 * // { pricePerMillion: 20_000_000_000n ($0.02), tokenizer: "cl100k_base", maxInputTokens: 8191 }
 * describeEmbeddingModel("tokenwise-offline-glove-100d").pricePerMillion; // 0n
 * ```
 */
export function describeEmbeddingModel(
  model: string,
  catalog: Catalog = defaultCatalog,
): EmbeddingModelFacts {
  if (model === OFFLINE_EMBEDDING_MODEL) {
    return { pricePerMillion: 0n, tokenizer: "cl100k_base", maxInputTokens: undefined };
  }
  const info = catalog.find(model);
  const tokenizer =
    info !== undefined && ENCODINGS.includes(info.tokenizer) ? info.tokenizer : "cl100k_base";
  return {
    pricePerMillion: info === undefined ? undefined : usd(info.prices.input, "prices.input"),
    tokenizer: tokenizer as EncodingName,
    maxInputTokens: info?.maxInputTokens ?? info?.contextWindow,
  };
}
