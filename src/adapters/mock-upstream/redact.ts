/** Credentials the mock must never keep in its request log. */

const SECRET_HEADERS = new Set(["authorization", "x-api-key", "x-goog-api-key", "api-key"]);
const SECRET_QUERY_PARAMETERS = new Set(["key", "api_key"]);

export const REDACTED = "[redacted]";

/**
 * @example
 * ```ts
 * redactHeaders({ authorization: "Bearer sk-1", accept: "*\/*" });
 * // { authorization: "[redacted]", accept: "*\/*" }
 * ```
 */
export function redactHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    out[lower] = SECRET_HEADERS.has(lower)
      ? REDACTED
      : Array.isArray(value)
        ? value.join(", ")
        : value;
  }
  return out;
}

/** The query parameters, with keys redacted. */
export function redactQuery(searchParams: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of searchParams) {
    out[name] = SECRET_QUERY_PARAMETERS.has(name.toLowerCase()) ? REDACTED : value;
  }
  return out;
}
