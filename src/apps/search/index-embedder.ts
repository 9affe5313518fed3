/**
 * The embedder that matches an index: the model it was built with (or the one asked for),
 * behind the embedding cache in the same SQLite file when the model costs money.
 */

import type { ConversionProgress, Embedder } from "../../adapters/embeddings/index.js";
import {
  createCachedEmbedder,
  describeEmbedderModel,
  embeddingModelId,
  OFFLINE_EMBEDDING_MODEL,
  resolveEmbedder,
} from "../../adapters/embeddings/index.js";
import {
  createSqliteStore,
  type KeyValueStore,
  type SqliteDatabase,
} from "../../adapters/stores/index.js";
import { defaultCatalog } from "../../core/catalog/index.js";
import { TokenwiseError } from "../../core/errors/index.js";
import type { IndexSettings } from "./index-database.js";

/** Table of the embedding cache inside the tokenwise SQLite file. */
export const EMBEDDING_CACHE_TABLE = "tokenwise_embedding_cache";

export interface IndexEmbedderOptions {
  /** Model name as the user gives it ("offline", "text-embedding-3-small", "ollama/nomic-embed-text"). */
  model: string;
  dataDir: string;
  /** Connection of the index, where the embedding cache table lives. */
  database: SqliteDatabase;
  dimensions?: number;
  /**
   * The index's settings: when it was built with this model at a size other than the model's
   * default, that size is asked for again (unless `dimensions` says otherwise).
   */
  index?: IndexSettings;
  onConversionProgress?: (progress: ConversionProgress) => void;
  /**
   * For dry runs: no API client is created, so no key is needed; the embedder knows its model
   * and size but refuses to embed.
   */
  planOnly?: boolean;
}

export interface IndexEmbedder {
  /** The model itself: give it to indexing together with `cache`, which counts real calls. */
  embedder: Embedder;
  /** The cache store for API models (undefined for the free offline model). */
  cache: KeyValueStore | undefined;
  /** `embedder` behind `cache`, for queries. */
  cachedEmbedder: Embedder;
}

/**
 * @example
 * ```ts
 * const { embedder, cache } = createIndexEmbedder({ model: "offline", dataDir, database });
 * await index.index(["docs"], { embedder, embeddingCache: cache });
 * ```
 */
export function createIndexEmbedder(options: IndexEmbedderOptions): IndexEmbedder {
  const dimensions = options.dimensions ?? rememberedDimensions(options.model, options.index);
  const embedder =
    options.planOnly === true
      ? planningEmbedder(options.model, dimensions)
      : resolveEmbedder(options.model, {
          dataDir: options.dataDir,
          dimensions,
          onConversionProgress: options.onConversionProgress,
        });
  // Offline vectors are computed faster than they are read back: caching them only costs disk.
  if (embedder.model === OFFLINE_EMBEDDING_MODEL) {
    return { embedder, cache: undefined, cachedEmbedder: embedder };
  }
  const cache = createSqliteStore({ database: options.database, table: EMBEDDING_CACHE_TABLE });
  return { embedder, cache, cachedEmbedder: createCachedEmbedder({ embedder, store: cache }) };
}

/** The index's vector size for this model, when it is not the model's default size. */
function rememberedDimensions(model: string, index: IndexSettings | undefined): number | undefined {
  const id = embeddingModelId(model);
  if (index === undefined || index.model !== id || id === OFFLINE_EMBEDDING_MODEL) return undefined;
  return defaultCatalog.find(id)?.embeddingDimensions === index.dimensions
    ? undefined
    : index.dimensions;
}

function planningEmbedder(model: string, dimensions: number | undefined): Embedder {
  const described = describeEmbedderModel(model, { dimensions });
  return {
    ...described,
    async embed() {
      throw new TokenwiseError(
        "invalid_input",
        `the ${described.model} embedder was created for planning only (a dry run); create it without planOnly to embed`,
      );
    },
  };
}
