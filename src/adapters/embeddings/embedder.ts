/**
 * The one shape every embedding source takes, so search, indexing and caching never care
 * whether vectors come from an API or from the offline word vectors.
 */
import { invalidInput, TokenwiseError } from "../../core/errors/index.js";

export interface Embedder {
  /** Model id recorded with every vector ("text-embedding-3-small", "tokenwise-offline-glove-100d"). */
  readonly model: string;
  /** Length of every vector this embedder returns. */
  readonly dimensions: number;
  /** One vector per text, in input order. */
  embed(texts: string[]): Promise<Float32Array[]>;
  /**
   * Optional, for word-vector models (the offline embedder): a late-interaction score per text,
   * in input order: the mean over the query's words, weighted as the embedder weights them, of
   * the best cosine between that word's vector and any word of the text (1 when the text holds
   * the word itself; 0 for a text or query with no known word). A text may be given as the
   * rows {@link wordRows} returned for it, which skips splitting it into words. Hybrid search
   * adds it as a third ranking of the candidates (search-index.ts).
   */
  lateInteraction?(query: string, texts: ReadonlyArray<string | Uint32Array>): Promise<number[]>;
  /**
   * Optional, with {@link lateInteraction}: each text's distinct words as the embedder's
   * vocabulary rows, for an index to store beside the vector.
   */
  wordRows?(texts: readonly string[]): Promise<Uint32Array[]>;
}

/**
 * Throws `invalid_input` naming `field` unless `value` looks like an {@link Embedder}.
 *
 * @example
 * ```ts
 * assertEmbedder("embedder", createOfflineEmbedder({ dataDir: ".tokenwise" })); // ok
 * ```
 */
export function assertEmbedder(field: string, value: unknown): asserts value is Embedder {
  const candidate = value as Partial<Embedder> | null;
  if (
    typeof candidate !== "object" ||
    candidate === null ||
    typeof candidate.model !== "string" ||
    candidate.model === "" ||
    typeof candidate.embed !== "function" ||
    !Number.isSafeInteger(candidate.dimensions) ||
    (candidate.dimensions ?? 0) < 1
  ) {
    throw invalidInput(
      field,
      "must be an Embedder { model: string; dimensions: positive integer; embed(texts) }, for example createOfflineEmbedder({ dataDir })",
    );
  }
}

/**
 * Calls `embedder.embed` and checks what came back: one Float32Array per text, each with the
 * embedder's dimensions and only finite numbers. A provider that breaks this contract fails
 * loudly here instead of corrupting an index.
 *
 * @example
 * ```ts
 * const [vector] = await embedChecked(embedder, ["hello"]);
 * ```
 */
export async function embedChecked(embedder: Embedder, texts: string[]): Promise<Float32Array[]> {
  if (texts.length === 0) return [];
  const vectors = await embedder.embed(texts);
  if (!Array.isArray(vectors) || vectors.length !== texts.length) {
    throw new TokenwiseError(
      "provider_error",
      `embedding model ${embedder.model} returned ${Array.isArray(vectors) ? vectors.length : "no"} vectors for ${texts.length} texts`,
      { details: { model: embedder.model, retryable: false } },
    );
  }
  vectors.forEach((vector, index) => {
    if (!(vector instanceof Float32Array) || vector.length !== embedder.dimensions) {
      throw new TokenwiseError(
        "mixed_embeddings",
        `embedding model ${embedder.model} returned a vector of ${vector instanceof Float32Array ? vector.length : "unknown"} dimensions for text ${index}, but it declares ${embedder.dimensions}; set the embedder's dimensions to what the model returns`,
        { details: { model: embedder.model, expected: embedder.dimensions, index } },
      );
    }
    for (const value of vector) {
      if (!Number.isFinite(value)) {
        throw new TokenwiseError(
          "provider_error",
          `embedding model ${embedder.model} returned a non-finite number in the vector for text ${index}`,
          { details: { model: embedder.model, index, retryable: false } },
        );
      }
    }
  });
  return vectors;
}
