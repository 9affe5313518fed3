/**
 * Builds an {@link Embedder} from a model name, as the CLI's `--model` flag gives it.
 */
import { type Catalog, defaultCatalog } from "../../core/catalog/index.js";
import { TokenwiseError } from "../../core/errors/index.js";
import {
  createProvider,
  type GeminiProviderOptions,
  type OpenAICompatibleProviderOptions,
  type ProviderKind,
  parseModelReference,
} from "../providers/index.js";
import type { ConversionProgress } from "./convert-wink-embeddings.js";
import type { Embedder } from "./embedder.js";
import {
  createOfflineEmbedder,
  OFFLINE_DIMENSIONS,
  OFFLINE_EMBEDDING_MODEL,
  OFFLINE_MODEL_NAMES,
} from "./offline-embedder.js";
import { createProviderEmbedder, unknownDimensions } from "./provider-embedder.js";

export interface ResolveEmbedderOptions {
  /** Data directory for the offline embedder's converted word vectors. */
  dataDir: string;
  /** Vector size to request from an API model that can shorten its vectors. */
  dimensions?: number;
  /** Provider settings (keys, base URLs); keys default to the environment. */
  providers?: {
    openai?: OpenAICompatibleProviderOptions;
    ollama?: OpenAICompatibleProviderOptions;
    gemini?: GeminiProviderOptions;
  };
  onConversionProgress?: (progress: ConversionProgress) => void;
}

/**
 * "offline" (or "tokenwise-offline-glove-100d") gives the offline embedder; anything else is
 * an API model, with an optional provider prefix ("openai/text-embedding-3-small",
 * "gemini/gemini-embedding-001", "ollama/nomic-embed-text").
 *
 * @example
 * ```ts
 * const embedder = resolveEmbedder("text-embedding-3-small", { dataDir: ".tokenwise" });
 * embedder.dimensions; // 1536
 * ```
 */
export function resolveEmbedder(model: string, options: ResolveEmbedderOptions): Embedder {
  if (OFFLINE_MODEL_NAMES.includes(model)) {
    return createOfflineEmbedder({
      dataDir: options.dataDir,
      onConversionProgress: options.onConversionProgress,
    });
  }
  const reference = apiModelReference(model);
  const settings = options.providers?.[reference.provider] ?? {};
  const provider = createProvider({ ...settings, provider: reference.provider });
  return createProviderEmbedder({
    provider,
    model: reference.model,
    dimensions: options.dimensions,
  });
}

/**
 * The model id and vector size an embedder for `model` would have, without creating a
 * client (so without needing an API key): what a dry run prices and checks against an index.
 *
 * @example
 * ```ts
 * describeEmbedderModel("openai/text-embedding-3-small"); // { model: "text-embedding-3-small", dimensions: 1536 }
 * describeEmbedderModel("offline"); // { model: "tokenwise-offline-glove-100d", dimensions: 100 }
 * ```
 */
export function describeEmbedderModel(
  model: string,
  options: { dimensions?: number; catalog?: Catalog } = {},
): { model: string; dimensions: number } {
  if (OFFLINE_MODEL_NAMES.includes(model)) {
    return { model: OFFLINE_EMBEDDING_MODEL, dimensions: OFFLINE_DIMENSIONS };
  }
  const id = embeddingModelId(model);
  const dimensions =
    options.dimensions ?? (options.catalog ?? defaultCatalog).find(id)?.embeddingDimensions;
  if (dimensions === undefined) throw unknownDimensions(id);
  return { model: id, dimensions };
}

/**
 * The id an embedder for `model` records with its vectors: the offline model's full name, or
 * the API model without its provider prefix.
 *
 * @example
 * ```ts
 * embeddingModelId("ollama/nomic-embed-text"); // "nomic-embed-text"
 * embeddingModelId("offline"); // "tokenwise-offline-glove-100d"
 * ```
 */
export function embeddingModelId(model: string): string {
  return OFFLINE_MODEL_NAMES.includes(model)
    ? OFFLINE_EMBEDDING_MODEL
    : apiModelReference(model).model;
}

function apiModelReference(model: string): {
  provider: Exclude<ProviderKind, "anthropic">;
  model: string;
} {
  const reference = parseModelReference(model);
  if (reference.provider === "anthropic") {
    throw new TokenwiseError(
      "invalid_input",
      `model ${model}: Anthropic has no embeddings API; use an OpenAI or Gemini embedding model, or "offline"`,
      { details: { field: "model" } },
    );
  }
  return { provider: reference.provider, model: reference.model };
}
