import { TokenwiseError } from "../errors/index.js";

/** Network error codes and what they mean, in the words `failureReason` uses. */
const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "DNS lookup failed",
  ECONNRESET: "connection reset",
  ETIMEDOUT: "connection timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  EPIPE: "connection closed",
  UND_ERR_SOCKET: "connection closed",
  UND_ERR_CONNECT_TIMEOUT: "connect timed out",
};

/**
 * The network error code a failure reports ("ECONNREFUSED", "ENOTFOUND"...), read from its
 * message or its causes, or undefined.
 *
 * @example
 * ```ts
 * networkCodeOf(error); // "ECONNREFUSED"
 * ```
 */
export function networkCodeOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && code in NETWORK_CODES) return code;
    const texts = [
      (current as { message?: unknown }).message,
      TokenwiseError.isInstance(current) ? current.details.providerMessage : undefined,
    ];
    for (const text of texts) {
      if (typeof text !== "string") continue;
      const found = Object.keys(NETWORK_CODES).find((name) => text.includes(name));
      if (found !== undefined) return found;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * A short reason for a failed attempt, fit to show a user: the HTTP status and code, the
 * network failure, or the error code. Never a provider message (it may quote the prompt) and
 * never a secret.
 *
 * @example
 * ```ts
 * failureReason(rateLimitedError); // "HTTP 429 rate_limited"
 * failureReason(refusedError); // "connection refused (ECONNREFUSED)"
 * ```
 */
export function failureReason(error: unknown): string {
  const network = networkCodeOf(error);
  if (network !== undefined) return `${NETWORK_CODES[network]} (${network})`;
  if (TokenwiseError.isInstance(error)) {
    const { status } = error.details;
    return typeof status === "number" ? `HTTP ${status} ${error.code}` : error.code;
  }
  return error instanceof Error ? error.name : "unknown error";
}
