import { TokenwiseError } from "../../core/errors/index.js";

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

/**
 * What went wrong with one model, and what to check, in a clause (no final period): the
 * network failure with the address tried, the HTTP status and code with how many attempts saw
 * it, or the error's own message (for errors raised here: timeouts, budgets). Never a
 * provider's message, which may quote the prompt or a key.
 *
 * @example
 * ```ts
 * explainFailure(refused, "openai");
 * // "could not connect to openai at 127.0.0.1:1 (ECONNREFUSED) after 3 attempts: is the server running? Check its baseUrl"
 * ```
 */
export function explainFailure(error: unknown, provider: string): string {
  const attempts = attemptsOf(error);
  const times = attempts > 1 ? ` ${attempts} times` : "";
  const after = attempts > 1 ? ` after ${attempts} attempts` : "";
  const network = networkCodeOf(error);
  if (network !== undefined) {
    const target = addressOf(error);
    if (network === "ENOTFOUND" || network === "EAI_AGAIN") {
      return `could not resolve the host of ${provider}${target === undefined ? "" : ` "${target}"`} (${network})${after}: check its baseUrl and your DNS`;
    }
    const at = target === undefined ? "" : ` at ${target}`;
    if (network === "ECONNREFUSED") {
      return `could not connect to ${provider}${at} (ECONNREFUSED)${after}: is the server running? Check its baseUrl`;
    }
    return `${NETWORK_CODES[network]} talking to ${provider}${at} (${network})${after}: check the network and its baseUrl`;
  }
  if (!TokenwiseError.isInstance(error)) {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
  const { status } = error.details;
  if (typeof status === "number") {
    return `HTTP ${status} ${error.code} from ${provider}${times}${statusHint(status)}`;
  }
  // After the retries ran out, "can be retried" no longer helps the reader.
  const message = error.message.replace(/\s*The request can be retried\.$/, "").replace(/\.$/, "");
  return `${message.charAt(0).toLowerCase()}${message.slice(1)}${after}`;
}

function statusHint(status: number): string {
  if (status === 401 || status === 403) return ": check the API key";
  if (status === 404) return ": check the model name and the baseUrl";
  if (status === 429)
    return ": rate limited; lower the request rate or raise the provider's limits";
  if (status >= 500) return ": the provider is failing; try again later or configure fallbacks";
  return "";
}

function attemptsOf(error: unknown): number {
  if (!TokenwiseError.isInstance(error)) return 1;
  const attempts = (error.details.retry as { attempts?: unknown } | undefined)?.attempts;
  return typeof attempts === "number" ? attempts : 1;
}

/** The host:port (or host) a network failure names, read from its messages. */
function addressOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    const texts = [
      (current as { message?: unknown }).message,
      TokenwiseError.isInstance(current) ? current.details.providerMessage : undefined,
    ];
    for (const text of texts) {
      if (typeof text !== "string") continue;
      const found = /\b(?:E[A-Z_]+|UND_ERR_[A-Z_]+)\s+([\w.-]+(?::\d+)?|\[[0-9a-f:]+\]:\d+)/i.exec(
        text,
      );
      if (found?.[1] !== undefined && !/^E[A-Z]+$/.test(found[1])) return found[1];
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
