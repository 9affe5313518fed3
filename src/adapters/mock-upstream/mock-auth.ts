/**
 * How each provider reads a request's credentials, as the mock enforces them: OpenAI a
 * `Bearer` token in `authorization`, Anthropic `x-api-key` (and a required
 * `anthropic-version`), Gemini `x-goog-api-key` or the `key` query parameter. The server
 * answers a problem found here in the provider's own error body.
 */
import type { MockProvider } from "./types.js";

/** Request headers as Node gives them (lower-case names). */
export type RequestHeaders = Record<string, string | string[] | undefined>;

/** Why a request is refused before it reaches a model endpoint. */
export interface AuthProblem {
  /** 400 for a missing required header, 401 for a missing or wrong key. */
  status: 400 | 401;
  message: string;
}

/**
 * The API key a request presents, read where the provider reads it (undefined when none).
 *
 * @example
 * ```ts
 * presentedKey("openai", { authorization: "Bearer sk-test" }, new URLSearchParams()); // "sk-test"
 * presentedKey("gemini", {}, new URLSearchParams("key=AIza-1")); // "AIza-1"
 * ```
 */
export function presentedKey(
  provider: MockProvider,
  headers: RequestHeaders,
  query: URLSearchParams,
): string | undefined {
  if (provider === "openai") return header(headers, "authorization")?.replace(/^Bearer\s+/i, "");
  if (provider === "anthropic") return header(headers, "x-api-key");
  return header(headers, "x-goog-api-key") ?? query.get("key") ?? undefined;
}

/**
 * Checks the provider's required headers, then the key against `apiKeys[provider]` (any key,
 * or none, passes when that is unset).
 *
 * @example
 * ```ts
 * checkAuth("anthropic", { "x-api-key": "a-1" }, new URLSearchParams(), { anthropic: "a-1" });
 * // { status: 400, message: "anthropic-version: header is required" }
 * ```
 */
export function checkAuth(
  provider: MockProvider,
  headers: RequestHeaders,
  query: URLSearchParams,
  apiKeys: Partial<Record<MockProvider, string>>,
): AuthProblem | undefined {
  if (provider === "anthropic" && header(headers, "anthropic-version") === undefined) {
    return { status: 400, message: "anthropic-version: header is required" };
  }
  const expected = apiKeys[provider];
  if (expected === undefined) return undefined;
  const presented = presentedKey(provider, headers, query);
  if (presented === expected) return undefined;
  return {
    status: 401,
    message: presented === undefined ? "Missing API key." : "Incorrect API key provided.",
  };
}

/** A header's value; the first one when it was sent more than once. */
function header(headers: RequestHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
