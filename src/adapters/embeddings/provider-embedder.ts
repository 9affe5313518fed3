/**
 * An {@link Embedder} over a provider adapter's `embed` (OpenAI-compatible servers, Gemini).
 */
import { type Catalog, defaultCatalog } from "../../core/catalog/index.js";
import { invalidInput, TokenwiseError } from "../../core/errors/index.js";
import type { CallOptions, ChatProvider } from "../providers/index.js";
import type { Embedder } from "./embedder.js";

export interface ProviderEmbedderOptions {
  /** A provider with `embed`, e.g. `createOpenAICompatibleProvider()` or `createGeminiProvider()`. */
  provider: ChatProvider;
  /** The embedding model id the provider expects ("text-embedding-3-small", "gemini-embedding-001"). */
  model: string;
  /**
   * Vector size to ask for (models that can shorten vectors: text-embedding-3-*, Gemini).
   * Without it the model's full size from the catalog is expected and nothing is requested.
   */
  dimensions?: number;
  /** Signal, timeout and headers for every call. */
  callOptions?: CallOptions;
  /** Where to look up the model's default dimensions (default: the shipped catalog). */
  catalog?: Catalog;
}

/** An embedder that also counts what it sent. */
export interface ProviderEmbedder extends Embedder {
  /** Calls made and input tokens the provider reported (estimated where it reports none). */
  readonly usage: { calls: number; inputTokens: number };
}

/**
 * @example
 * ```ts
 * const embedder = createProviderEmbedder({
 *   provider: createOpenAICompatibleProvider(), // OPENAI_API_KEY from the environment
 *   model: "text-embedding-3-small",
 * });
 * embedder.dimensions; // 1536
 * ```
 */
export function createProviderEmbedder(options: ProviderEmbedderOptions): ProviderEmbedder {
  const { provider, model, callOptions } = options;
  const embed = provider?.embed;
  if (typeof embed !== "function") {
    throw invalidInput(
      "provider",
      `${provider?.name ?? "this provider"} has no embeddings API; use an OpenAI-compatible or Gemini provider, or the offline embedder`,
    );
  }
  if (typeof model !== "string" || model.trim() === "") {
    throw invalidInput("model", 'must be an embedding model id such as "text-embedding-3-small"');
  }
  const requested = options.dimensions;
  if (requested !== undefined && (!Number.isSafeInteger(requested) || requested < 1)) {
    throw invalidInput("dimensions", `must be a positive integer, got ${String(requested)}`);
  }
  const known = (options.catalog ?? defaultCatalog).find(model)?.embeddingDimensions;
  const dimensions = requested ?? known;
  if (dimensions === undefined) throw unknownDimensions(model);
  const usage = { calls: 0, inputTokens: 0 };
  return {
    model,
    dimensions,
    usage,
    async embed(texts: string[]) {
      if (texts.length === 0) return [];
      const result = await embed.call(
        provider,
        { model, input: texts, ...(requested === undefined ? {} : { dimensions: requested }) },
        callOptions,
      );
      usage.calls++;
      usage.inputTokens += result.usage.inputTokens;
      const wrong = result.vectors.find((vector) => vector.length !== dimensions);
      if (wrong !== undefined) {
        throw new TokenwiseError(
          "mixed_embeddings",
          `${provider.name} returned ${wrong.length}-dimensional vectors for ${model}, expected ${dimensions}; pass dimensions: ${wrong.length} (or the size you want, if the model can shorten its vectors)`,
          { details: { model, expected: dimensions, received: wrong.length } },
        );
      }
      return result.vectors;
    },
  };
}

/**
 * The error for a model whose vector size is neither given nor in the catalog.
 *
 * @example
 * ```ts
 * throw unknownDimensions("nomic-embed-text");
 * ```
 */
export function unknownDimensions(model: string): TokenwiseError {
  return invalidInput(
    "dimensions",
    `is unknown for model "${model}" (not an embedding model in the catalog); pass the size of its vectors, e.g. dimensions: 768 (--dimensions 768)`,
  );
}
