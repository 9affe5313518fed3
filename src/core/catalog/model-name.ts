/**
 * How a model name typed by a person, a config file or an SDK becomes a catalog key.
 */
import type { Provider } from "./types.js";

/**
 * Prefixes routers and SDKs put before a provider's own model id ("openai/gpt-4o" in LiteLLM
 * and OpenRouter, "models/gemini-2.0-flash" in Gemini API responses), with the provider they
 * stand for.
 */
const PROVIDER_PREFIXES: ReadonlyMap<string, Provider> = new Map([
  ["openai/", "openai"],
  ["anthropic/", "anthropic"],
  ["google/", "google"],
  ["gemini/", "google"],
  ["models/", "google"],
]);

/**
 * The lookup key for a model name: trimmed and lower-cased.
 *
 * @example
 * ```ts
 * normalizeModelName("  GPT-4o "); // "gpt-4o"
 * ```
 */
export function normalizeModelName(name: string): string {
  return name.trim().toLowerCase();
}

/**
 * Splits a known provider prefix off a normalized model name, or returns undefined when the
 * name has none.
 *
 * @example
 * ```ts
 * stripProviderPrefix("gemini/gemini-2.0-flash");
 * // { name: "gemini-2.0-flash", provider: "google" }
 * ```
 */
export function stripProviderPrefix(
  name: string,
): { name: string; provider: Provider } | undefined {
  for (const [prefix, provider] of PROVIDER_PREFIXES) {
    if (name.startsWith(prefix) && name.length > prefix.length) {
      return { name: name.slice(prefix.length), provider };
    }
  }
  return undefined;
}
