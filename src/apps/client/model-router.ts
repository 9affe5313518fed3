import type { ChatProvider } from "../../adapters/providers/index.js";
import {
  createProvider,
  type ProviderSpec,
  parseModelReference,
} from "../../adapters/providers/index.js";
import type { Catalog, ModelInfo } from "../../core/catalog/index.js";
import { invalidInput, TokenwiseError } from "../../core/errors/index.js";

/** Where one model reference goes. */
export interface ModelRoute {
  /** The reference as the caller wrote it ("gpt-4o-mini", "anthropic/claude-haiku-4-5"). */
  reference: string;
  /** The model id sent to the provider (the reference without its provider prefix). */
  model: string;
  /** The catalog entry that prices the call. */
  info: ModelInfo;
  /** The key of the provider in the client's `providers` (or the built-in kind). */
  providerName: string;
  /** Builds the provider on first use (reading its key from the environment if needed). */
  provider(): ChatProvider;
}

export interface ModelRouter {
  /** Looks the reference up in the catalog: `unknown_model` (with suggestions) before any I/O. */
  route(reference: string, field?: string): ModelRoute;
  /** The provider for `route`, or undefined when it cannot be built because no key is set. */
  providerIfKeyed(route: ModelRoute): ChatProvider | undefined;
}

/**
 * Resolves "provider/model" references: a prefix naming one of `providers` wins, otherwise
 * the catalog's provider for the model (or the prefix openai/, anthropic/, gemini/, google/,
 * ollama/). Providers given as specs, and built-in ones left out, are built lazily and once.
 *
 * @example
 * ```ts
 * const router = createModelRouter({ catalog: defaultCatalog, providers: { openai } });
 * router.route("gpt-4o-mini").provider(); // openai
 * router.route("gpt-4o-mnii"); // throws unknown_model: Did you mean gpt-4o-mini, ...?
 * ```
 */
export function createModelRouter(options: {
  catalog: Catalog;
  providers: Record<string, ChatProvider | ProviderSpec>;
}): ModelRouter {
  const { catalog, providers } = options;
  const built = new Map<string, ChatProvider>();

  const providerNamed = (name: string): ChatProvider => {
    const existing = built.get(name);
    if (existing !== undefined) return existing;
    const configured = providers[name];
    let provider: ChatProvider;
    if (isChatProvider(configured)) provider = configured;
    else if (configured !== undefined) provider = createProvider(configured);
    else provider = createProvider({ provider: name } as ProviderSpec);
    built.set(name, provider);
    return provider;
  };

  return {
    route(reference, field = "model") {
      if (typeof reference !== "string" || reference.trim() === "") {
        throw invalidInput(
          field,
          `must be a model name such as "gpt-4o-mini", got ${String(reference)}`,
        );
      }
      const slash = reference.indexOf("/");
      const prefix = slash > 0 ? reference.slice(0, slash) : undefined;
      if (prefix !== undefined && Object.hasOwn(providers, prefix)) {
        const model = reference.slice(slash + 1);
        const info = catalog.get(model);
        return makeRoute({ reference, model, info, providerName: prefix });
      }
      const info = catalog.get(reference);
      const parsed = parseModelReference(reference, { catalogProvider: info.provider });
      return makeRoute({ reference, model: parsed.model, info, providerName: parsed.provider });
    },
    providerIfKeyed(route) {
      try {
        return route.provider();
      } catch (error) {
        if (TokenwiseError.hasCode(error, "invalid_input") && error.details.field === "apiKey") {
          return undefined;
        }
        throw error;
      }
    },
  };

  function makeRoute(fields: Omit<ModelRoute, "provider">): ModelRoute {
    return { ...fields, provider: () => providerNamed(fields.providerName) };
  }
}

function isChatProvider(value: ChatProvider | ProviderSpec | undefined): value is ChatProvider {
  return typeof (value as ChatProvider | undefined)?.chat === "function";
}
