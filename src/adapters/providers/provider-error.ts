/**
 * How provider failures become {@link TokenwiseError}s. Every error carries
 * `details: { provider, status?, retryable, retryAfterMs?, providerMessage? }` so the retry and
 * fallback layer can decide without parsing messages, and secrets are scrubbed from every text
 * the provider sends back (some echo a key prefix in "invalid key" messages).
 */

import type { Usage } from "../../core/cost/index.js";
import { TokenwiseError } from "../../core/errors/index.js";
import { isRecord } from "./json-record.js";
import { retryAfterMsFromDuration, retryAfterMsFromHeaders } from "./retry-after.js";

/** HTTP statuses worth retrying (529 is Anthropic's "overloaded"). */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([
  408, 409, 425, 429, 500, 502, 503, 504, 529,
]);

const CONTEXT_WINDOW_PATTERNS = [
  /context_length_exceeded/i,
  /prompt is too long/i,
  /exceeds the maximum number of tokens/i,
  /maximum context length/i,
];

const MAX_PROVIDER_MESSAGE_LENGTH = 1000;

/**
 * Error codes that mean asking again cannot help, whatever the status (OpenAI answers an
 * exhausted quota or unpaid bill with 429 `insufficient_quota`).
 */
const FINAL_ERROR_CODES: ReadonlySet<string> = new Set([
  "insufficient_quota",
  "billing_hard_limit_reached",
  "billing_not_active",
]);

/** What the provider said, pulled out of any of the known error bodies. */
export interface ProviderErrorBody {
  message?: string;
  /** OpenAI `error.code`, Gemini `error.status`, or Anthropic `error.type`. */
  code?: string;
  /** Gemini `RetryInfo.retryDelay`, in milliseconds. */
  retryDelayMs?: number;
}

/**
 * Replaces every secret in `text` with `[redacted]`.
 *
 * @example
 * ```ts
 * redactSecrets("bad key sk-123", ["sk-123"]); // "bad key [redacted]"
 * ```
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let redacted = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) redacted = redacted.split(secret).join("[redacted]");
  }
  return redacted;
}

/**
 * Reads the OpenAI (`{ error: { message, code } }`), Anthropic (`{ type: "error", error: { type,
 * message } }`), Gemini (`{ error: { code, message, status, details } }`) and Ollama
 * (`{ error: "text" }`) error shapes; falls back to the raw text.
 *
 * @example
 * ```ts
 * parseProviderErrorBody('{"error":{"message":"Overloaded","type":"overloaded_error"}}');
 * // { message: "Overloaded", code: "overloaded_error" }
 * ```
 */
export function parseProviderErrorBody(bodyText: string): ProviderErrorBody {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    const text = bodyText.trim();
    return text === "" ? {} : { message: text.slice(0, MAX_PROVIDER_MESSAGE_LENGTH) };
  }
  return describeErrorPayload(parsed);
}

/** Same as {@link parseProviderErrorBody}, for an already parsed payload. */
export function describeErrorPayload(payload: unknown): ProviderErrorBody {
  if (!isRecord(payload)) return {};
  const error = payload.error;
  if (typeof error === "string") return { message: error };
  const source = isRecord(error) ? error : payload;
  const result: ProviderErrorBody = {};
  const message = firstString(source.message, source.detail, payload.message);
  if (message !== undefined) result.message = message.slice(0, MAX_PROVIDER_MESSAGE_LENGTH);
  const code = firstString(source.code, source.status, source.type);
  if (code !== undefined) result.code = code;
  if (Array.isArray(source.details)) {
    for (const detail of source.details) {
      const delay = isRecord(detail) ? retryAfterMsFromDuration(detail.retryDelay) : undefined;
      if (delay !== undefined) result.retryDelayMs = delay;
    }
  }
  return result;
}

export interface HttpErrorOptions {
  provider: string;
  status: number;
  headers: Headers;
  bodyText: string;
  /** Strings that must never appear in the error (API keys). */
  secrets: readonly (string | undefined)[];
}

/**
 * Turns a non-2xx provider response into a typed error: `rate_limited` for 429,
 * `context_window_exceeded` when the provider says the prompt is too long, else
 * `provider_error`.
 *
 * @example
 * ```ts
 * const error = errorFromHttpResponse({ provider: "openai", status: 429, headers, bodyText, secrets: [apiKey] });
 * error.details.retryAfterMs; // from retry-after-ms / retry-after
 * ```
 */
export function errorFromHttpResponse(options: HttpErrorOptions): TokenwiseError {
  const body = parseProviderErrorBody(options.bodyText);
  return errorFromProviderBody({
    provider: options.provider,
    status: options.status,
    body,
    retryAfterMs: retryAfterMsFromHeaders(options.headers) ?? body.retryDelayMs,
    secrets: options.secrets,
  });
}

function errorFromProviderBody(options: {
  provider: string;
  status: number;
  body: ProviderErrorBody;
  retryAfterMs: number | undefined;
  secrets: readonly (string | undefined)[];
}): TokenwiseError {
  const { provider, status, body, retryAfterMs, secrets } = options;
  const providerMessage = redactSecrets(body.message ?? `HTTP ${status}`, secrets);
  const contextWindow = CONTEXT_WINDOW_PATTERNS.some(
    (pattern) => pattern.test(body.code ?? "") || pattern.test(providerMessage),
  );
  const final = body.code !== undefined && FINAL_ERROR_CODES.has(body.code);
  const retryable = !contextWindow && !final && RETRYABLE_STATUSES.has(status);
  const details: Record<string, unknown> = { provider, status, retryable, providerMessage };
  if (retryAfterMs !== undefined) details.retryAfterMs = retryAfterMs;
  if (body.code !== undefined) details.providerCode = redactSecrets(body.code, secrets);

  if (contextWindow) {
    return new TokenwiseError(
      "context_window_exceeded",
      `${provider} rejected the request because the prompt does not fit the model's context window: ${providerMessage}. Shorten the messages or lower max_tokens.`,
      { details },
    );
  }
  if (final) {
    return new TokenwiseError(
      "provider_error",
      `${provider} refused the request (${body.code}): ${providerMessage}. Retrying cannot help: add credit or raise the account's limit, or use another key or provider.`,
      { details },
    );
  }
  const code = status === 429 ? "rate_limited" : "provider_error";
  const hint = status === 401 || status === 403 ? " Check the API key for this provider." : "";
  return new TokenwiseError(
    code,
    `${provider} returned HTTP ${status}: ${providerMessage}.${hint}`,
    {
      details,
    },
  );
}

/**
 * An error body in a successful HTTP answer (Anthropic `{"type":"error",...}`, Gemini or OpenAI
 * `{"error":...}` with status 200, from the provider or a proxy in front of it): a
 * `provider_error` with the provider's message (`context_window_exceeded` when it says the
 * prompt does not fit). Never retryable: the provider did answer, and asking again is a guess.
 *
 * @example
 * ```ts
 * errorFromSuccessBody({ provider: "anthropic", status: 200, payload: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }, secrets });
 * // TokenwiseError provider_error: anthropic answered HTTP 200 with an error: Overloaded.
 * ```
 */
export function errorFromSuccessBody(options: {
  provider: string;
  status: number;
  payload: unknown;
  secrets: readonly (string | undefined)[];
}): TokenwiseError {
  const error = errorFromProviderBody({
    provider: options.provider,
    status: options.status,
    body: describeErrorPayload(options.payload),
    retryAfterMs: undefined,
    secrets: options.secrets,
  });
  const providerMessage = String(error.details.providerMessage);
  const message =
    error.code === "context_window_exceeded"
      ? error.message
      : `${options.provider} answered HTTP ${options.status} with an error: ${providerMessage}.`;
  return new TokenwiseError(error.code, message, {
    details: { ...error.details, retryable: false },
  });
}

/**
 * True for a parsed body that reports an error rather than a result: a non-null `error`
 * field (OpenAI, Gemini, a Responses `failed` response) or Anthropic's `type: "error"`.
 */
export function isErrorPayload(payload: unknown): boolean {
  if (!isRecord(payload)) return false;
  return (payload.error !== undefined && payload.error !== null) || payload.type === "error";
}

/**
 * The error with every secret replaced by `[redacted]` in its message and in every string of
 * its details (nested ones included); the cause is dropped, since it may hold the raw body.
 *
 * @example
 * ```ts
 * throw redactError(error, [apiKey]);
 * ```
 */
export function redactError(
  error: TokenwiseError,
  secrets: readonly (string | undefined)[],
): TokenwiseError {
  return new TokenwiseError(error.code, redactSecrets(error.message, secrets), {
    details: redactValue(error.details, secrets) as Record<string, unknown>,
  });
}

function redactValue(value: unknown, secrets: readonly (string | undefined)[]): unknown {
  if (typeof value === "string") return redactSecrets(value, secrets);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, secrets));
  if (isRecord(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, redactValue(item, secrets)]),
    );
  }
  return value;
}

/**
 * The request never got an HTTP answer (connection refused or reset, DNS failure, socket hang
 * up): retryable, since nothing was generated.
 *
 * @example
 * ```ts
 * throw errorFromNetworkFailure({ provider: "openai", cause: error, secrets: [apiKey] });
 * ```
 */
export function errorFromNetworkFailure(options: {
  provider: string;
  cause: unknown;
  secrets: readonly (string | undefined)[];
}): TokenwiseError {
  const reason = redactSecrets(describeCause(options.cause), options.secrets);
  return new TokenwiseError(
    "provider_error",
    `Could not reach ${options.provider}: ${reason}. The request can be retried.`,
    { details: { provider: options.provider, retryable: true, providerMessage: reason } },
  );
}

/** What a stream had delivered when it stopped, so callers can still account for it. */
export interface PartialStreamState {
  /** Usage as last reported by the provider (often partial), if it reported any. */
  usage: Usage | undefined;
  /** Assistant text received before the stream stopped. */
  partialText: string;
  /** True once at least one chunk reached the caller: the call can no longer be replayed. */
  dataYielded: boolean;
}

/**
 * A successful answer that lacks what the call needs (no choices, no token count...). Not
 * retryable: asking again gets the same answer.
 *
 * @example
 * ```ts
 * throw malformedReplyError({ provider: "openai", message: "openai returned a reply without choices.", providerMessage: "no choices" });
 * ```
 */
export function malformedReplyError(options: {
  provider: string;
  message: string;
  /** A short machine-friendly reason, kept in `details.providerMessage`. */
  providerMessage: string;
}): TokenwiseError {
  const { provider, message, providerMessage } = options;
  return new TokenwiseError("provider_error", message, {
    details: { provider, retryable: false, providerMessage },
  });
}

/**
 * The caller's signal aborted the call. `details.usage` is the usage the provider had reported
 * so far (undefined when it had reported none: OpenAI reports usage only at the end), and
 * `details.partialText` the text received.
 */
export function abortedError(provider: string, state: PartialStreamState): TokenwiseError {
  return new TokenwiseError("aborted", `The ${provider} call was aborted by the caller.`, {
    details: {
      provider,
      retryable: false,
      usage: state.usage,
      partialText: state.partialText,
    },
  });
}

/** The per-attempt timeout fired; retryable only if nothing reached the caller yet. */
export function timeoutError(
  provider: string,
  timeoutMs: number | undefined,
  state: PartialStreamState,
): TokenwiseError {
  return new TokenwiseError(
    "timeout",
    `The ${provider} call did not finish within ${timeoutMs ?? "the allowed"} ms.`,
    {
      details: {
        provider,
        retryable: !state.dataYielded,
        timeoutMs,
        usage: state.usage,
        partialText: state.partialText,
      },
    },
  );
}

/**
 * A stream broke or ended without the provider's terminal event. It is never a clean end: the
 * reply is incomplete. Retryable only when nothing had been yielded yet.
 */
export function streamInterruptedError(options: {
  provider: string;
  reason: string;
  state: PartialStreamState;
  secrets: readonly (string | undefined)[];
}): TokenwiseError {
  const { provider, state } = options;
  const reason = redactSecrets(options.reason, options.secrets);
  return new TokenwiseError(
    "provider_error",
    `The ${provider} stream stopped before the reply was complete: ${reason}.`,
    {
      details: {
        provider,
        retryable: !state.dataYielded,
        providerMessage: reason,
        usage: state.usage,
        partialText: state.partialText,
      },
    },
  );
}

/**
 * An error the provider reported inside a stream (Anthropic `event: error`, or a
 * `{ "error": ... }` data line). `status` is the HTTP status it stands for.
 */
export function errorFromStreamPayload(options: {
  provider: string;
  payload: unknown;
  status: number;
  state: PartialStreamState;
  secrets: readonly (string | undefined)[];
}): TokenwiseError {
  const error = errorFromProviderBody({
    provider: options.provider,
    status: options.status,
    body: describeErrorPayload(options.payload),
    retryAfterMs: undefined,
    secrets: options.secrets,
  });
  return new TokenwiseError(error.code, error.message, {
    details: {
      ...error.details,
      retryable: error.details.retryable === true && !options.state.dataYielded,
      usage: options.state.usage,
      partialText: options.state.partialText,
    },
  });
}

function describeCause(cause: unknown): string {
  const parts: string[] = [];
  let current: unknown = cause;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as Error & { code?: unknown }).code;
    parts.push(typeof code === "string" ? `${current.message} (${code})` : current.message);
    current = current.cause;
  }
  return parts.length > 0 ? parts.join(": ") : String(cause);
}

function firstString(...values: unknown[]): string | undefined {
  for (const value of values) {
    if (typeof value === "string" && value !== "") return value;
  }
  return undefined;
}
