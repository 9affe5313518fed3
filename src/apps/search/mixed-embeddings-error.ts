import { TokenwiseError } from "../../core/errors/index.js";
import type { IndexSettings } from "./index-database.js";

/**
 * The error for vectors of two models (or two sizes) meeting in one index, where their
 * similarities would be meaningless. Names both and says how to fix it.
 *
 * @example
 * ```ts
 * throw mixedEmbeddingsError({ stored, requested, location: ".tokenwise/tokenwise.db" });
 * ```
 */
export function mixedEmbeddingsError(options: {
  stored: Pick<IndexSettings, "model" | "dimensions"> | undefined;
  requested: Pick<IndexSettings, "model" | "dimensions">;
  location: string;
}): TokenwiseError {
  const { stored, requested, location } = options;
  const have = stored === undefined ? "no vectors" : describe(stored);
  return new TokenwiseError(
    "mixed_embeddings",
    `the search index at ${location} holds vectors from ${have}, but ${describe(requested)} was asked for; vectors of different models cannot be compared. ` +
      `Keep using ${stored?.model ?? requested.model} with this index, use another data directory (--data-dir or TOKENWISE_DATA_DIR), or re-embed everything with "tokenwise index --rebuild --model ${requested.model} <paths>"`,
    {
      details: {
        indexModel: stored?.model,
        indexDimensions: stored?.dimensions,
        requestedModel: requested.model,
        requestedDimensions: Number.isFinite(requested.dimensions)
          ? requested.dimensions
          : undefined,
      },
    },
  );
}

function describe(settings: Pick<IndexSettings, "model" | "dimensions">): string {
  return Number.isFinite(settings.dimensions)
    ? `${settings.model} (${settings.dimensions} dimensions)`
    : settings.model;
}
