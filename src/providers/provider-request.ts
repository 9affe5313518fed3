/**
 * One HTTP attempt against a provider: caller abort and per-attempt timeout combined into one
 * signal, network failures and non-2xx answers turned into typed errors, secrets scrubbed.
 */
import { invalidInput, TokenwiseError } from "../errors/index.js";
import {
  abortedError,
  errorFromHttpResponse,
  errorFromNetworkFailure,
  errorFromSuccessBody,
  isErrorPayload,
  type PartialStreamState,
  redactSecrets,
  timeoutError,
} from "./provider-error.js";
import type { CallOptions } from "./types.js";

/** The `fetch` signature adapters accept, so tests and proxies can inject their own. */
export type FetchFunction = typeof globalThis.fetch;

/** The caller's signal and the attempt's timeout, and which of them fired. */
export interface AttemptSignal {
  signal: AbortSignal | undefined;
  timeoutMs: number | undefined;
  abortedByCaller(): boolean;
  timedOut(): boolean;
}

/**
 * @example
 * ```ts
 * const attempt = createAttemptSignal({ signal: controller.signal, timeoutMs: 30_000 });
 * await fetch(url, { signal: attempt.signal });
 * ```
 */
export function createAttemptSignal(call: CallOptions | undefined): AttemptSignal {
  const callerSignal = call?.signal;
  const timeoutMs = call?.timeoutMs;
  if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
    throw invalidInput("timeoutMs", `must be a positive number of milliseconds, got ${timeoutMs}`);
  }
  const timeoutSignal = timeoutMs !== undefined ? AbortSignal.timeout(timeoutMs) : undefined;
  const signals = [callerSignal, timeoutSignal].filter(
    (signal): signal is AbortSignal => signal !== undefined,
  );
  return {
    signal: signals.length > 1 ? AbortSignal.any(signals) : signals[0],
    timeoutMs,
    abortedByCaller: () => callerSignal?.aborted === true,
    timedOut: () => timeoutSignal?.aborted === true && callerSignal?.aborted !== true,
  };
}

export interface ProviderRequest {
  provider: string;
  url: string;
  body: unknown;
  headers: Record<string, string>;
  fetch: FetchFunction;
  call: CallOptions | undefined;
  /** Strings that must never appear in an error (API keys). */
  secrets: readonly (string | undefined)[];
}

const NOTHING_RECEIVED: PartialStreamState = {
  usage: undefined,
  partialText: "",
  dataYielded: false,
};

/**
 * POSTs JSON and returns the successful response with its attempt signal (a stream keeps
 * reading under the same signal). Throws `aborted`, `timeout`, `rate_limited`,
 * `context_window_exceeded` or `provider_error`.
 *
 * @example
 * ```ts
 * const { response } = await postJson({ provider: "openai", url, body, headers, fetch, call, secrets: [apiKey] });
 * ```
 */
export async function postJson(
  request: ProviderRequest,
): Promise<{ response: Response; attempt: AttemptSignal }> {
  const attempt = createAttemptSignal(request.call);
  if (attempt.abortedByCaller()) throw abortedError(request.provider, NOTHING_RECEIVED);
  let response: Response;
  try {
    response = await request.fetch(request.url, {
      method: "POST",
      headers: { "content-type": "application/json", ...request.headers },
      body: JSON.stringify(request.body),
      signal: attempt.signal,
    });
  } catch (error) {
    throw failureWhileTalking(error, request, attempt, NOTHING_RECEIVED);
  }
  if (!response.ok) {
    let bodyText: string;
    try {
      bodyText = await response.text();
    } catch (error) {
      throw failureWhileTalking(error, request, attempt, NOTHING_RECEIVED);
    }
    throw errorFromHttpResponse({
      provider: request.provider,
      status: response.status,
      headers: response.headers,
      bodyText,
      secrets: request.secrets,
    });
  }
  return { response, attempt };
}

/**
 * POSTs JSON and parses the JSON reply. A successful status whose body is not JSON, or is a
 * provider error body (see `isErrorPayload`), is a non-retryable `provider_error` carrying the
 * provider's message, secrets redacted.
 *
 * @example
 * ```ts
 * const body = await postJsonForJson({ provider: "anthropic", url, body, headers, fetch, call, secrets: [apiKey] });
 * ```
 */
export async function postJsonForJson(request: ProviderRequest): Promise<unknown> {
  const { response, attempt } = await postJson(request);
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw failureWhileTalking(error, request, attempt, NOTHING_RECEIVED);
  }
  const payload = parseJsonBody(text);
  if (payload === undefined) throw notJsonError(request, response.status, text);
  if (isErrorPayload(payload)) {
    throw errorFromSuccessBody({
      provider: request.provider,
      status: response.status,
      payload,
      secrets: request.secrets,
    });
  }
  return payload;
}

/**
 * The error for a successful answer that is not what the call expects: a JSON error body
 * (with the provider's message), JSON that is not an error, or a body that is not JSON (a
 * proxy's page, perhaps echoing the request headers: its text is kept redacted). Never
 * retryable. A stream request answered with JSON instead of events gets this too.
 *
 * @example
 * ```ts
 * throw unexpectedBodyError(request, 200, await response.text(), "a stream of events");
 * ```
 */
export function unexpectedBodyError(
  request: Pick<ProviderRequest, "provider" | "secrets">,
  status: number,
  text: string,
  expected: string,
): TokenwiseError {
  const payload = parseJsonBody(text);
  if (payload === undefined) return notJsonError(request, status, text);
  if (isErrorPayload(payload)) {
    return errorFromSuccessBody({
      provider: request.provider,
      status,
      payload,
      secrets: request.secrets,
    });
  }
  return new TokenwiseError(
    "provider_error",
    `${request.provider} answered HTTP ${status} with JSON instead of ${expected}; check the provider's baseUrl.`,
    {
      details: {
        provider: request.provider,
        status,
        retryable: false,
        providerMessage: redactSecrets(text.slice(0, 200), request.secrets),
      },
    },
  );
}

function notJsonError(
  request: Pick<ProviderRequest, "provider" | "secrets">,
  status: number,
  text: string,
): TokenwiseError {
  return new TokenwiseError(
    "provider_error",
    `${request.provider} answered HTTP ${status} with a body that is not JSON; check the provider's baseUrl.`,
    {
      details: {
        provider: request.provider,
        status,
        retryable: false,
        // Redacted whole, then cut: a cut must not leave half a key behind.
        providerMessage: redactSecrets(text, request.secrets).slice(0, 200),
      },
    },
  );
}

function parseJsonBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Classifies an exception thrown while sending or reading: the caller's abort, the attempt's
 * timeout, or a network failure.
 */
export function failureWhileTalking(
  error: unknown,
  request: Pick<ProviderRequest, "provider" | "secrets">,
  attempt: AttemptSignal,
  state: PartialStreamState,
): TokenwiseError {
  if (TokenwiseError.isInstance(error)) return error;
  if (attempt.abortedByCaller()) return abortedError(request.provider, state);
  if (attempt.timedOut()) return timeoutError(request.provider, attempt.timeoutMs, state);
  return errorFromNetworkFailure({
    provider: request.provider,
    cause: error,
    secrets: request.secrets,
  });
}
