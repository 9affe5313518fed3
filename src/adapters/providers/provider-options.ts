/** Options every HTTP provider adapter accepts, and the requests built from them. */
import { invalidInput } from "../../core/errors/index.js";
import type { FetchFunction, ProviderRequest } from "./provider-request.js";
import type { CallOptions } from "./types.js";

export interface HttpProviderOptions {
  /** API root, without a trailing slash. */
  baseUrl?: string;
  /** The key; defaults to the provider's environment variable. Never logged or returned. */
  apiKey?: string;
  /** A `fetch` to use instead of the global one (proxies, tests). */
  fetch?: FetchFunction;
  /** Headers sent with every request (they override the adapter's own, except per-call ones). */
  defaultHeaders?: Record<string, string>;
}

/** Builds one provider's request to `path` (under its base URL) with `body`. */
export type ProviderRequestBuilder = (
  path: string,
  body: unknown,
  call: CallOptions | undefined,
) => ProviderRequest;

/**
 * The request builder of an HTTP provider. Headers are the provider's own (authentication,
 * version), then `defaultHeaders`, then the call's, each overriding the ones before; the key is
 * listed as a secret so no error can show it. `fetch` is resolved now, at creation.
 *
 * @example
 * ```ts
 * const request = createRequestBuilder({ provider: "openai", baseUrl, apiKey, options, headers: { authorization: `Bearer ${apiKey}` } });
 * await postJsonForJson(request("chat/completions", body, call));
 * ```
 */
export function createRequestBuilder(settings: {
  provider: string;
  /** The normalized base URL (see {@link normalizeBaseUrl}). */
  baseUrl: string;
  apiKey: string | undefined;
  options: HttpProviderOptions;
  /** The provider's own headers. */
  headers: Record<string, string>;
}): ProviderRequestBuilder {
  const { provider, baseUrl, apiKey, options, headers } = settings;
  const fetchFunction = options.fetch ?? globalThis.fetch;
  return (path, body, call) => {
    const merged = { ...headers, ...options.defaultHeaders, ...call?.headers };
    return {
      provider,
      url: joinUrl(baseUrl, path),
      body,
      headers: merged,
      fetch: fetchFunction,
      call,
      secrets: [apiKey, ...secretsOfHeaders(merged)],
    };
  };
}

const SECRET_HEADER = /authorization|api-key|apikey|token|secret|cookie|session/i;

/**
 * The values of credential-bearing headers (Authorization, x-api-key, x-goog-api-key, a
 * proxy's own key...), and the token after "Bearer ", so no error can show them.
 *
 * @example
 * ```ts
 * secretsOfHeaders({ authorization: "Bearer sk-1", "content-type": "json" }); // ["Bearer sk-1", "sk-1"]
 * ```
 */
export function secretsOfHeaders(headers: Record<string, string>): string[] {
  const secrets: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (!SECRET_HEADER.test(name) || typeof value !== "string" || value === "") continue;
    secrets.push(value);
    const token = /^(?:bearer|basic|token)\s+(.+)$/i.exec(value.trim())?.[1];
    if (token !== undefined) secrets.push(token);
  }
  return secrets;
}

/** Joins a base URL and a path without doubling or losing the slash. */
export function joinUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
}

/**
 * Checks that a base URL is an absolute http(s) URL and returns it without trailing slashes.
 *
 * @example
 * ```ts
 * normalizeBaseUrl("http://127.0.0.1:11434/v1/"); // "http://127.0.0.1:11434/v1"
 * ```
 */
export function normalizeBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw invalidInput(
      "baseUrl",
      `must be an absolute URL such as "https://api.openai.com/v1", got "${baseUrl}"`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw invalidInput("baseUrl", `must use http or https, got "${url.protocol}"`);
  }
  if (url.search !== "" || url.username !== "" || url.password !== "") {
    throw invalidInput(
      "baseUrl",
      "must not carry a query string or credentials; pass the key as apiKey",
    );
  }
  return baseUrl.replace(/\/+$/, "");
}
