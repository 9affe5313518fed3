/**
 * An embedding cache over any {@link KeyValueStore}: texts already embedded with the same
 * model and dimensions are read back; only the rest are sent to the provider, once each, in
 * provider-sized batches.
 */
import { invalidInput, TokenwiseError } from "../../core/errors/index.js";
import type { KeyValueStore, StoreEntry } from "../stores/index.js";
// Internal: assertTtlMs stays out of the public index of adapters/stores.
import { assertTtlMs } from "../stores/store-input.js";
import { decodeEmbedding, type EmbeddingDerivation, encodeEmbedding } from "./embedding-bytes.js";
import { embeddingCacheKey } from "./embedding-cache-key.js";
import {
  type CountTokens,
  splitByTokens,
  type TokenChunk,
  truncateToTokens,
} from "./split-by-tokens.js";

/** What to do with a text longer than `maxInputTokens`. */
export type TooLongPolicy = "error" | "truncate" | "chunk-average";

export interface EmbeddingCacheOptions {
  store: KeyValueStore;
  /** Embeds texts with the provider; returns one vector per text, in order. */
  embed: (texts: string[]) => Promise<Float32Array[]>;
  model: string;
  /** Requested vector size, for models that can shorten vectors; part of the cache key. */
  dimensions?: number;
  /** Most texts per provider call (default 2048, OpenAI's limit). */
  maxBatchInputs?: number;
  /** Most tokens in one text (default 8191, OpenAI's embedding models). Checked with `countTokens`. */
  maxInputTokens?: number;
  /** Most tokens in one provider call (OpenAI: 300,000). Checked with `countTokens`. */
  maxBatchTokens?: number;
  /** Counts a text's tokens for the model; without it no length is checked. */
  countTokens?: CountTokens;
  /**
   * A text over `maxInputTokens`: "error" (default) refuses the whole call before anything is
   * sent; "truncate" embeds its first `maxInputTokens` tokens; "chunk-average" embeds every
   * chunk and stores their token-weighted average, scaled to unit length (the OpenAI cookbook
   * method). The last two need `countTokens`.
   */
  onTooLong?: TooLongPolicy;
  /** How long vectors live in the store, in ms (default: forever; a model's vectors do not change). */
  ttlMs?: number;
}

export interface EmbedManyResult {
  /** One vector per input text, in input order; repeated texts get equal, separate arrays. */
  vectors: Float32Array[];
  /** Inputs answered from the store. */
  hits: number;
  /** Distinct texts that had to be embedded (repeats within one call are embedded once). */
  misses: number;
  /** Provider calls made. */
  batches: number;
}

export interface EmbeddingCache {
  embedMany(texts: readonly string[]): Promise<EmbedManyResult>;
}

/** A distinct text missing from the store, and the pieces sent to embed it. */
interface Miss {
  key: string;
  firstIndex: number;
  derivation: EmbeddingDerivation;
  pieces: TokenChunk[];
  vectors: Float32Array[];
}

/** The kind of vector each policy stores for a too-long text (and so may read back). */
const POLICY_DERIVATION: Record<TooLongPolicy, EmbeddingDerivation | undefined> = {
  error: undefined,
  truncate: "truncated",
  "chunk-average": "chunk-average",
};

const DEFAULT_MAX_BATCH_INPUTS = 2048;
const DEFAULT_MAX_INPUT_TOKENS = 8191;

/**
 * Creates an embedding cache.
 *
 * @example
 * ```ts
 * const cache = createEmbeddingCache({
 *   store: createSqliteStore({ path: "data/cache.db" }),
 *   model: "text-embedding-3-small",
 *   embed: async (texts) => (await provider.embed({ model: "text-embedding-3-small", input: texts })).vectors,
 *   countTokens: (text) => tokenizer.count(text),
 * });
 * const { vectors, hits, misses } = await cache.embedMany(documents);
 * ```
 */
export function createEmbeddingCache(options: EmbeddingCacheOptions): EmbeddingCache {
  const settings = validateOptions(options);
  const { store, embed, model, dimensions, countTokens, onTooLong, ttlMs } = settings;

  const planMiss = (text: string, firstIndex: number, key: string): Miss => {
    const miss = (derivation: EmbeddingDerivation, pieces: TokenChunk[]): Miss => ({
      key,
      firstIndex,
      derivation,
      pieces,
      vectors: [],
    });
    if (countTokens === undefined) return miss("whole", [{ text, tokens: 0 }]);
    const tokens = countTokens(text);
    if (!Number.isSafeInteger(tokens) || tokens < 0) {
      throw invalidInput("countTokens", `must return a non-negative integer, returned ${tokens}`);
    }
    const maxTokens = settings.maxInputTokens;
    if (tokens <= maxTokens) return miss("whole", [{ text, tokens }]);
    if (onTooLong === "truncate") {
      return miss("truncated", [truncateToTokens({ text, maxTokens, countTokens })]);
    }
    if (onTooLong === "chunk-average") {
      return miss("chunk-average", splitByTokens({ text, maxTokens, countTokens }));
    }
    throw invalidInput(
      `texts[${firstIndex}]`,
      `has ${tokens} tokens, more than maxInputTokens ${maxTokens} for ${model}; nothing was embedded. ` +
        'Shorten or split it, or create the cache with onTooLong: "truncate" or "chunk-average"',
    );
  };

  const ownDerivation: EmbeddingDerivation | undefined = POLICY_DERIVATION[onTooLong];
  const isUsable = (stored: { vector: Float32Array; derivation: EmbeddingDerivation }) =>
    (stored.derivation === "whole" || stored.derivation === ownDerivation) &&
    (dimensions === undefined || stored.vector.length === dimensions);

  return {
    async embedMany(texts) {
      assertTexts(texts);
      const keys = texts.map((text) => embeddingCacheKey({ model, dimensions, text }));
      const firstIndexOf = new Map<string, number>();
      keys.forEach((key, index) => {
        if (!firstIndexOf.has(key)) firstIndexOf.set(key, index);
      });
      const distinctKeys = [...firstIndexOf.keys()];
      const storedValues = await store.getMany(distinctKeys);
      const found = new Map<string, Float32Array>();
      const misses: Miss[] = [];
      distinctKeys.forEach((key, position) => {
        const value = storedValues[position];
        const stored = value instanceof Uint8Array ? decodeEmbedding(value) : undefined;
        if (stored !== undefined && isUsable(stored)) {
          found.set(key, stored.vector);
          return;
        }
        const firstIndex = firstIndexOf.get(key) as number;
        misses.push(planMiss(texts[firstIndex] as string, firstIndex, key));
      });
      const hits = keys.filter((key) => found.has(key)).length;

      const batches = planBatches(misses, settings);
      let expectedLength = dimensions;
      for (const batch of batches) {
        const vectors = await embed(batch.map((item) => item.piece.text));
        expectedLength = checkVectors({ vectors, inputs: batch.length, expectedLength, model });
        const finished: StoreEntry[] = [];
        batch.forEach((item, position) => {
          const { miss } = item;
          miss.vectors.push(vectors[position] as Float32Array);
          if (miss.vectors.length < miss.pieces.length) return;
          const vector =
            miss.derivation === "chunk-average"
              ? weightedUnitAverage(miss)
              : (miss.vectors[0] as Float32Array);
          found.set(miss.key, vector);
          finished.push({ key: miss.key, value: encodeEmbedding(vector, miss.derivation), ttlMs });
        });
        // Stored after every batch: vectors already paid for survive a later batch failing.
        await store.setMany(finished);
      }

      const vectors = keys.map((key) => new Float32Array(found.get(key) as Float32Array));
      return { vectors, hits, misses: misses.length, batches: batches.length };
    },
  };
}

interface BatchItem {
  miss: Miss;
  piece: TokenChunk;
}

function planBatches(
  misses: readonly Miss[],
  limits: { maxBatchInputs: number; maxBatchTokens: number | undefined },
): BatchItem[][] {
  const batches: BatchItem[][] = [];
  let current: BatchItem[] = [];
  let tokens = 0;
  for (const miss of misses) {
    for (const piece of miss.pieces) {
      const overTokens =
        limits.maxBatchTokens !== undefined && tokens + piece.tokens > limits.maxBatchTokens;
      if (current.length > 0 && (current.length === limits.maxBatchInputs || overTokens)) {
        batches.push(current);
        current = [];
        tokens = 0;
      }
      current.push({ miss, piece });
      tokens += piece.tokens;
    }
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** Checks what `embed` returned; returns the vector length every later vector must match. */
function checkVectors(options: {
  vectors: unknown;
  inputs: number;
  expectedLength: number | undefined;
  model: string;
}): number | undefined {
  const { vectors, inputs, model } = options;
  let expectedLength = options.expectedLength;
  if (!Array.isArray(vectors) || vectors.length !== inputs) {
    const got = Array.isArray(vectors) ? `${vectors.length} vectors` : String(vectors);
    throw new TokenwiseError(
      "provider_error",
      `embed returned ${got} for ${inputs} texts of ${model}; it must return one Float32Array per text, in order`,
    );
  }
  for (const vector of vectors) {
    if (!(vector instanceof Float32Array)) {
      throw new TokenwiseError(
        "provider_error",
        `embed must return Float32Array vectors for ${model}`,
      );
    }
    expectedLength ??= vector.length;
    if (vector.length !== expectedLength) {
      throw new TokenwiseError(
        "provider_error",
        `embed returned a ${vector.length}-dimensional vector for ${model}, expected ${expectedLength}`,
      );
    }
  }
  return expectedLength;
}

/** Token-weighted mean of the chunk vectors, scaled to unit length. */
function weightedUnitAverage(miss: Miss): Float32Array {
  const length = (miss.vectors[0] as Float32Array).length;
  const sum = new Float64Array(length);
  let totalWeight = 0;
  miss.vectors.forEach((vector, chunk) => {
    const weight = (miss.pieces[chunk] as TokenChunk).tokens;
    totalWeight += weight;
    for (let index = 0; index < length; index++)
      sum[index] = (sum[index] as number) + weight * (vector[index] as number);
  });
  let norm = 0;
  for (let index = 0; index < length; index++) {
    sum[index] = (sum[index] as number) / totalWeight;
    norm += (sum[index] as number) ** 2;
  }
  norm = Math.sqrt(norm);
  return Float32Array.from(sum, (value) => (norm === 0 ? value : value / norm));
}

function assertTexts(texts: unknown): asserts texts is readonly string[] {
  if (!Array.isArray(texts)) throw invalidInput("texts", "must be an array of strings");
  texts.forEach((text: unknown, index) => {
    if (typeof text !== "string") {
      throw invalidInput(`texts[${index}]`, `must be a string, got ${typeof text}`);
    }
    if (text.length === 0) {
      throw invalidInput(`texts[${index}]`, "is empty; embedding providers reject empty input");
    }
  });
}

function validateOptions(options: EmbeddingCacheOptions) {
  if (typeof options !== "object" || options === null) {
    throw invalidInput("options", "must be { store, embed, model, ... }");
  }
  const { store, embed, model, dimensions, countTokens, ttlMs } = options;
  if (typeof store?.getMany !== "function") throw invalidInput("store", "must be a KeyValueStore");
  if (typeof embed !== "function")
    throw invalidInput("embed", "must be a function (texts) => Promise<Float32Array[]>");
  if (typeof model !== "string" || model.length === 0) {
    throw invalidInput("model", `must be a non-empty model name, got ${String(model)}`);
  }
  const positive = (field: string, value: number | undefined) => {
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 1)) {
      throw invalidInput(field, `must be a positive integer, got ${String(value)}`);
    }
  };
  const maxBatchInputs = options.maxBatchInputs ?? DEFAULT_MAX_BATCH_INPUTS;
  const maxInputTokens = options.maxInputTokens ?? DEFAULT_MAX_INPUT_TOKENS;
  positive("dimensions", dimensions);
  positive("maxBatchInputs", maxBatchInputs);
  positive("maxInputTokens", maxInputTokens);
  positive("maxBatchTokens", options.maxBatchTokens);
  if (options.maxBatchTokens !== undefined && options.maxBatchTokens < maxInputTokens) {
    throw invalidInput(
      "maxBatchTokens",
      `(${options.maxBatchTokens}) must be at least maxInputTokens (${maxInputTokens}), or a long text could never be sent`,
    );
  }
  const onTooLong: TooLongPolicy = options.onTooLong ?? "error";
  if (!Object.hasOwn(POLICY_DERIVATION, onTooLong)) {
    throw invalidInput(
      "onTooLong",
      `must be "error", "truncate" or "chunk-average", got ${String(onTooLong)}`,
    );
  }
  if (countTokens !== undefined && typeof countTokens !== "function") {
    throw invalidInput("countTokens", "must be a function (text) => number");
  }
  if (onTooLong !== "error" && countTokens === undefined) {
    throw invalidInput("countTokens", `is required with onTooLong: "${onTooLong}"`);
  }
  if (options.maxBatchTokens !== undefined && countTokens === undefined) {
    throw invalidInput("countTokens", "is required with maxBatchTokens");
  }
  assertTtlMs(ttlMs);
  return {
    store,
    embed,
    model,
    dimensions,
    countTokens,
    onTooLong,
    ttlMs,
    maxBatchInputs,
    maxInputTokens,
    maxBatchTokens: options.maxBatchTokens,
  };
}
