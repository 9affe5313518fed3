/**
 * Puts the embedding cache in front of any {@link Embedder}: texts embedded before with the
 * same model and dimensions are read from the store instead of paid for again.
 */
import { createEmbeddingCache, type EmbeddingCacheOptions } from "../cache/index.js";
import type { KeyValueStore } from "../stores/index.js";
import { type Embedder, embedChecked } from "./embedder.js";

export interface CachedEmbedderOptions
  extends Omit<EmbeddingCacheOptions, "store" | "embed" | "model" | "dimensions"> {
  embedder: Embedder;
  store: KeyValueStore;
}

/** A cached embedder also reports how the cache did. */
export interface CachedEmbedder extends Embedder {
  readonly stats: { hits: number; misses: number; providerCalls: number };
}

/**
 * @example
 * ```ts
 * const embedder = createCachedEmbedder({
 *   embedder: createProviderEmbedder({ provider: openai, model: "text-embedding-3-small" }),
 *   store: createSqliteStore({ path: ".tokenwise/tokenwise.db", table: "tokenwise_embeddings" }),
 * });
 * await embedder.embed(["hello"]); // one API call
 * await embedder.embed(["hello"]); // none: read from the store
 * ```
 */
export function createCachedEmbedder(options: CachedEmbedderOptions): CachedEmbedder {
  const { embedder, store, ...cacheOptions } = options;
  const cache = createEmbeddingCache({
    ...cacheOptions,
    store,
    model: embedder.model,
    dimensions: embedder.dimensions,
    embed: (texts) => embedChecked(embedder, texts),
  });
  const stats = { hits: 0, misses: 0, providerCalls: 0 };
  // Computed from the word vectors themselves: nothing to cache, passed through.
  const lateInteraction = embedder.lateInteraction?.bind(embedder);
  const wordRows = embedder.wordRows?.bind(embedder);
  return {
    model: embedder.model,
    dimensions: embedder.dimensions,
    stats,
    ...(lateInteraction === undefined ? {} : { lateInteraction }),
    ...(wordRows === undefined ? {} : { wordRows }),
    async embed(texts: string[]) {
      if (texts.length === 0) return [];
      const result = await cache.embedMany(texts);
      stats.hits += result.hits;
      stats.misses += result.misses;
      stats.providerCalls += result.batches;
      return result.vectors;
    },
  };
}
