// The adapters decide `retryable` with this same list; one source keeps the two in step.
import { RETRYABLE_STATUSES } from "../../adapters/providers/index.js";
import { TokenwiseError, type TokenwiseErrorCode } from "../../core/errors/index.js";

/** Statuses that fail the same way on every try, whatever an error claims about itself. */
export const NON_RETRYABLE_STATUSES: ReadonlySet<number> = new Set([400, 401, 403, 404, 422]);

/** Retrying these cannot help: the caller stopped, the budget is spent, or the input is wrong. */
const NON_RETRYABLE_CODES: ReadonlySet<TokenwiseErrorCode> = new Set<TokenwiseErrorCode>([
  "aborted",
  "budget_exceeded",
  "context_window_exceeded",
  "invalid_input",
  "unknown_model",
  "mixed_embeddings",
  "not_found",
  "missing_dependency",
]);

/** Node and undici codes of connections that broke or never formed: transient by nature. */
const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_CLOSED",
]);

/** Messages undici and node:http use for a dropped connection when no code is set. */
const NETWORK_ERROR_MESSAGES: ReadonlySet<string> = new Set([
  "fetch failed",
  "socket hang up",
  "other side closed",
  "terminated",
]);

/** How deep to follow `cause` chains: undici nests the socket error one or two levels down. */
const MAX_CAUSE_DEPTH = 5;

/**
 * Whether another attempt could succeed where this one failed.
 *
 * - `TokenwiseError`: never for "aborted", "budget_exceeded", "context_window_exceeded" and
 *   other input errors, nor for status 400/401/403/404/422; otherwise `details.retryable` when
 *   the provider set it, else the status list, else true for "rate_limited" and "timeout".
 * - Other errors: a numeric `status`/`statusCode` in the providers' `RETRYABLE_STATUSES`
 *   (408, 409, 425, 429, 500, 502, 503, 504, 529), a network reset (ECONNRESET, "fetch failed",
 *   "socket hang up"... anywhere in the `cause` chain), or a `TimeoutError` from
 *   `AbortSignal.timeout`.
 *
 * @example
 * ```ts
 * isRetryableError(new TokenwiseError("rate_limited", "slow down", { details: { status: 429, retryable: true } })); // true
 * isRetryableError(new TokenwiseError("provider_error", "bad request", { details: { status: 400, retryable: false } })); // false
 * ```
 */
export function isRetryableError(error: unknown): boolean {
  if (TokenwiseError.isInstance(error)) return isRetryableTokenwiseError(error);
  if (error instanceof Error && error.name === "TimeoutError") return true;
  const status = numericProperty(error, "status") ?? numericProperty(error, "statusCode");
  if (status !== undefined) return RETRYABLE_STATUSES.has(status);
  return isNetworkError(error);
}

function isRetryableTokenwiseError(error: TokenwiseError): boolean {
  if (NON_RETRYABLE_CODES.has(error.code)) return false;
  const status = numericProperty(error.details, "status");
  if (status !== undefined && NON_RETRYABLE_STATUSES.has(status)) return false;
  const retryable = error.details.retryable;
  if (typeof retryable === "boolean") return retryable;
  if (status !== undefined) return RETRYABLE_STATUSES.has(status);
  return error.code === "rate_limited" || error.code === "timeout";
}

/**
 * True for errors of a connection that dropped or could not be made, looking through `cause`.
 *
 * @example
 * ```ts
 * isNetworkError(new TypeError("fetch failed", { cause: Object.assign(new Error("read"), { code: "ECONNRESET" }) })); // true
 * ```
 */
export function isNetworkError(error: unknown): boolean {
  let current: unknown = error;
  for (
    let depth = 0;
    depth < MAX_CAUSE_DEPTH && typeof current === "object" && current !== null;
    depth += 1
  ) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && NETWORK_ERROR_CODES.has(code)) return true;
    const message = (current as { message?: unknown }).message;
    if (typeof message === "string" && NETWORK_ERROR_MESSAGES.has(message.toLowerCase()))
      return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

function numericProperty(value: unknown, key: string): number | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const property = (value as Record<string, unknown>)[key];
  return typeof property === "number" && Number.isFinite(property) ? property : undefined;
}
