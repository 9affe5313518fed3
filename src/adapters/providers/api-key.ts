/**
 * Finds a provider's API key: the explicit option first, then the environment variables in
 * order. A provider that needs a key and finds none fails at creation, naming the variable to
 * set, rather than at the first request with a provider's 401.
 */
import { TokenwiseError } from "../../core/errors/index.js";

export interface ResolveApiKeyOptions {
  provider: string;
  /** The `apiKey` option; an empty string counts as absent. */
  explicit: string | undefined;
  /** Environment variables to try, in order ("GEMINI_API_KEY", "GOOGLE_API_KEY"). */
  envVars: readonly string[];
  /** False for servers that need no key (Ollama, vLLM, llama.cpp). */
  required: boolean;
  env?: NodeJS.ProcessEnv;
}

/**
 * @example
 * ```ts
 * const apiKey = resolveApiKey({ provider: "anthropic", explicit: options.apiKey, envVars: ["ANTHROPIC_API_KEY"], required: true });
 * ```
 */
export function resolveApiKey(options: ResolveApiKeyOptions): string | undefined {
  const env = options.env ?? process.env;
  const candidates = [options.explicit, ...options.envVars.map((name) => env[name])];
  const apiKey = candidates.find((value) => value !== undefined && value.trim() !== "");
  if (apiKey !== undefined) return apiKey.trim();
  if (!options.required) return undefined;
  const variables = options.envVars.join(" or ");
  throw new TokenwiseError(
    "invalid_input",
    `apiKey is missing for provider ${options.provider}: set ${variables} in the environment, or pass { apiKey } when creating the provider.`,
    { details: { field: "apiKey", provider: options.provider, envVars: [...options.envVars] } },
  );
}
