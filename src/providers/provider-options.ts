/** Options every HTTP provider adapter accepts. */
import { invalidInput } from "../errors/index.js";
import type { FetchFunction } from "./provider-request.js";

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
