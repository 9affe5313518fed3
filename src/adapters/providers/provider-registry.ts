/**
 * Picks the adapter for a model: an explicit "provider/model" prefix ("openai/gpt-4o",
 * "anthropic/claude-haiku-4-5", "gemini/gemini-2.5-flash", "ollama/llama3"), else the catalog's
 * provider name for the model, else the model's family name (gpt-/o1/o3/o4 → openai,
 * claude- → anthropic, gemini- → gemini).
 */
import { TokenwiseError } from "../../core/errors/index.js";
import { type AnthropicProviderOptions, createAnthropicProvider } from "./anthropic-provider.js";
import { createGeminiProvider, type GeminiProviderOptions } from "./gemini-provider.js";
import {
  createOpenAICompatibleProvider,
  type OpenAICompatibleProviderOptions,
} from "./openai-compatible-provider.js";
import type { ChatProvider } from "./types.js";

export type ProviderKind = "openai" | "anthropic" | "gemini" | "ollama";

export const OLLAMA_BASE_URL = "http://127.0.0.1:11434/v1";

/** Which adapter to build, with its options. */
export type ProviderSpec =
  | ({ provider: "openai" } & OpenAICompatibleProviderOptions)
  | ({ provider: "ollama" } & OpenAICompatibleProviderOptions)
  | ({ provider: "anthropic" } & AnthropicProviderOptions)
  | ({ provider: "gemini" } & GeminiProviderOptions);

const PROVIDER_ALIASES: Record<string, ProviderKind> = {
  openai: "openai",
  anthropic: "anthropic",
  gemini: "gemini",
  google: "gemini",
  ollama: "ollama",
};

/**
 * @example
 * ```ts
 * const ollama = createProvider({ provider: "ollama" }); // http://127.0.0.1:11434/v1, no key
 * const claude = createProvider({ provider: "anthropic", apiKey: process.env.MY_KEY });
 * ```
 */
export function createProvider(spec: ProviderSpec): ChatProvider {
  switch (spec.provider) {
    case "openai":
      return createOpenAICompatibleProvider(withoutKind(spec));
    case "ollama":
      return createOpenAICompatibleProvider({
        ...withoutKind(spec),
        name: spec.name ?? "ollama",
        baseUrl: spec.baseUrl ?? OLLAMA_BASE_URL,
      });
    case "anthropic":
      return createAnthropicProvider(withoutKind(spec));
    case "gemini":
      return createGeminiProvider(withoutKind(spec));
    default: {
      const unknown: { provider?: unknown } = spec;
      throw unknownProvider(String(unknown.provider));
    }
  }
}

/**
 * Splits "provider/model" and infers the provider when there is no known prefix.
 *
 * @example
 * ```ts
 * parseModelReference("ollama/llama3"); // { provider: "ollama", model: "llama3" }
 * parseModelReference("claude-haiku-4-5"); // { provider: "anthropic", model: "claude-haiku-4-5" }
 * parseModelReference("llama3", { catalogProvider: "google" }); // { provider: "gemini", ... }
 * ```
 */
export function parseModelReference(
  modelReference: string,
  options: { catalogProvider?: string } = {},
): { provider: ProviderKind; model: string } {
  const slash = modelReference.indexOf("/");
  if (slash > 0) {
    const prefix = PROVIDER_ALIASES[modelReference.slice(0, slash).toLowerCase()];
    const model = modelReference.slice(slash + 1);
    if (prefix !== undefined && model !== "") return { provider: prefix, model };
  }
  if (options.catalogProvider !== undefined) {
    const provider = PROVIDER_ALIASES[options.catalogProvider.toLowerCase()];
    if (provider === undefined) throw unknownProvider(options.catalogProvider);
    return { provider, model: modelReference };
  }
  const family = providerFromModelName(modelReference);
  if (family !== undefined) return { provider: family, model: modelReference };
  throw new TokenwiseError(
    "unknown_model",
    `No provider known for model "${modelReference}": prefix it with one of openai/, anthropic/, gemini/, ollama/ (for example "ollama/${modelReference}").`,
    { details: { field: "model", model: modelReference } },
  );
}

/**
 * Builds the provider for a model reference and returns it with the bare model id to send.
 * `providers` holds per-provider options (keys, base URLs).
 *
 * @example
 * ```ts
 * const { provider, model } = resolveModel("ollama/llama3");
 * await provider.chat({ model, messages: [{ role: "user", content: "Hi" }] });
 * ```
 */
export function resolveModel(
  modelReference: string,
  options: {
    catalogProvider?: string;
    providers?: Partial<{
      openai: OpenAICompatibleProviderOptions;
      ollama: OpenAICompatibleProviderOptions;
      anthropic: AnthropicProviderOptions;
      gemini: GeminiProviderOptions;
    }>;
  } = {},
): { provider: ChatProvider; model: string } {
  const reference = parseModelReference(modelReference, options);
  const settings = options.providers?.[reference.provider] ?? {};
  const provider = createProvider({ ...settings, provider: reference.provider } as ProviderSpec);
  return { provider, model: reference.model };
}

function providerFromModelName(model: string): ProviderKind | undefined {
  const name = model.toLowerCase();
  if (/^(gpt-|o\d|chatgpt-|text-embedding-3|text-embedding-ada|omni-moderation)/.test(name)) {
    return "openai";
  }
  if (name.startsWith("claude-")) return "anthropic";
  if (/^(gemini-|models\/gemini-|text-embedding-004|embedding-001)/.test(name)) return "gemini";
  return undefined;
}

function withoutKind<T extends { provider: string }>(spec: T): Omit<T, "provider"> {
  const { provider: _provider, ...options } = spec;
  return options;
}

function unknownProvider(provider: string): TokenwiseError {
  return new TokenwiseError(
    "invalid_input",
    `provider "${provider}" is not supported: use openai, anthropic, gemini (or google) or ollama.`,
    { details: { field: "provider" } },
  );
}
