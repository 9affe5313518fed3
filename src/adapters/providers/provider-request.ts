/**
 * One HTTP attempt against a provider: caller abort and the attempt's timeouts (connect,
 * first byte, idle between chunks, total) combined into one signal, network failures and
 * non-2xx answers turned into typed errors, secrets scrubbed.
 */
import type { Readable } from "node:stream";
import { Agent, type Dispatcher, request as undiciRequest } from "undici";
import { invalidInput, TokenwiseError } from "../../core/errors/index.js";
import {
  abortedError,
  errorFromHttpResponse,
  errorFromNetworkFailure,
  errorFromSuccessBody,
  isErrorPayload,
  type PartialStreamState,
  redactSecrets,
} from "./provider-error.js";
import {
  type EventSourceMessage,
  type ReadNodeEventsOptions,
  readNodeServerSentEvents,
  readServerSentEvents,
} from "./server-sent-events.js";
import type { CallOptions } from "./types.js";

/** The `fetch` signature adapters accept, so tests and proxies can inject their own. */
export type FetchFunction = typeof globalThis.fetch;

/**
 * Node's own fetch. A provider left on it sends its calls, JSON and streamed, with
 * `undici.request` on the same connection pool instead: measured (bench/gateway), fetch and
 * its web streams cost several times the CPU of a plain node-stream request, which is most
 * of a gateway's per-request work.
 */
const nativeFetch: FetchFunction = globalThis.fetch;

/**
 * How long one attempt may take, phase by phase, in ms. Every phase has a default, so no call
 * can hang forever on a silent upstream.
 */
export interface CallTimeouts {
  /** Opening the TCP (and TLS) connection. Default 10 000. */
  connectMs?: number;
  /**
   * From sending the request to the response headers, and for a stream on to its first
   * event. Default 60 000 for streams; a non-streamed reply, whose headers come only once it
   * is complete, defaults to `totalMs`.
   */
  firstByteMs?: number;
  /** Longest silence between two pieces of the response body. Default 30 000. */
  idleMs?: number;
  /** The whole attempt, body included. Default 600 000 (10 minutes). */
  totalMs?: number;
}

/** The default of each {@link CallTimeouts} phase. */
export const DEFAULT_TIMEOUTS = {
  connectMs: 10_000,
  firstByteMs: 60_000,
  idleMs: 30_000,
  totalMs: 600_000,
} as const satisfies Required<CallTimeouts>;

/** Which timeout stopped an attempt. */
export type TimeoutPhase = "connect" | "firstByte" | "idle" | "total";

/** The caller's signal and the attempt's timeouts, and which of them fired. */
export interface AttemptSignal {
  signal: AbortSignal | undefined;
  /** The limit that fired, in ms (undefined until one fires). */
  readonly timeoutMs: number | undefined;
  /** The phase whose timeout fired, if one did. */
  readonly phase: TimeoutPhase | undefined;
  /** The connect timeout the attempt's connection pool uses. */
  readonly connectMs: number;
  abortedByCaller(): boolean;
  timedOut(): boolean;
  /** The response headers arrived: the first-byte clock stops unless a stream waits for its first event. */
  headersArrived(): void;
  /** A piece of the body arrived: the first-byte clock stops and the idle clock restarts. */
  bodyActivity(): void;
  /** The attempt ended: every timer stops. */
  done(): void;
}

/**
 * @example
 * ```ts
 * const attempt = createAttemptSignal({ signal: controller.signal, timeoutMs: 30_000 }, "json");
 * try { await fetch(url, { signal: attempt.signal }); } finally { attempt.done(); }
 * ```
 */
export function createAttemptSignal(
  call: CallOptions | undefined,
  mode: "json" | "stream" = "json",
): AttemptSignal {
  const callerSignal = call?.signal;
  const limits = resolveTimeouts(call, mode);
  // One controller that the caller's abort is forwarded to (the listener goes in done()):
  // AbortSignal.any would cost several times more per attempt.
  const controller = new AbortController();
  let fired: { phase: TimeoutPhase; ms: number } | undefined;
  const timer = (phase: TimeoutPhase, ms: number) => {
    const handle = setTimeout(() => {
      if (controller.signal.aborted) return;
      fired = { phase, ms };
      controller.abort(new Error(`${phase} timeout`));
    }, ms);
    handle.unref();
    return handle;
  };
  const total = timer("total", limits.totalMs);
  let firstByte =
    limits.firstByteMs < limits.totalMs ? timer("firstByte", limits.firstByteMs) : undefined;
  let idle: ReturnType<typeof setTimeout> | undefined;
  const stopFirstByte = () => {
    if (firstByte === undefined) return;
    clearTimeout(firstByte);
    firstByte = undefined;
  };
  const restartIdle = () => {
    if (idle === undefined) idle = timer("idle", limits.idleMs);
    else idle.refresh();
  };
  const onCallerAbort = () => controller.abort(callerSignal?.reason);
  if (callerSignal?.aborted === true) onCallerAbort();
  else callerSignal?.addEventListener("abort", onCallerAbort, { once: true });
  let ended = false;
  return {
    signal: controller.signal,
    get timeoutMs() {
      return fired?.ms;
    },
    get phase() {
      return fired?.phase;
    },
    connectMs: limits.connectMs,
    abortedByCaller: () => callerSignal?.aborted === true,
    timedOut: () => fired !== undefined && callerSignal?.aborted !== true,
    headersArrived() {
      // A stream's first-byte clock runs on to its first event, and idle time starts there.
      if (mode === "stream" || ended) return;
      stopFirstByte();
      restartIdle();
    },
    bodyActivity() {
      if (ended) return;
      stopFirstByte();
      restartIdle();
    },
    done() {
      ended = true;
      clearTimeout(total);
      stopFirstByte();
      clearTimeout(idle);
      callerSignal?.removeEventListener("abort", onCallerAbort);
    },
  };
}

/** Per-call timeouts with defaults applied and `timeoutMs` folded into the total. */
function resolveTimeouts(
  call: CallOptions | undefined,
  mode: "json" | "stream",
): Required<CallTimeouts> {
  const timeoutMs = call?.timeoutMs;
  if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
    throw invalidInput("timeoutMs", `must be a positive number of milliseconds, got ${timeoutMs}`);
  }
  const given = call?.timeouts ?? {};
  for (const field of ["connectMs", "firstByteMs", "idleMs", "totalMs"] as const) {
    const value = given[field];
    if (value !== undefined && !(Number.isSafeInteger(value) && value > 0)) {
      throw invalidInput(
        `timeouts.${field}`,
        `must be a whole number of milliseconds above 0, got ${String(value)}`,
      );
    }
  }
  const totalMs = Math.min(given.totalMs ?? DEFAULT_TIMEOUTS.totalMs, timeoutMs ?? Infinity);
  const firstByteMs =
    given.firstByteMs ?? (mode === "stream" ? DEFAULT_TIMEOUTS.firstByteMs : totalMs);
  return {
    connectMs: given.connectMs ?? DEFAULT_TIMEOUTS.connectMs,
    firstByteMs,
    idleMs: given.idleMs ?? DEFAULT_TIMEOUTS.idleMs,
    totalMs,
  };
}

/** One connection pool per connect timeout, shared by every attempt that uses it. */
const dispatchers = new Map<number, Dispatcher>();

function dispatcherFor(connectMs: number): Dispatcher {
  let dispatcher = dispatchers.get(connectMs);
  if (dispatcher === undefined) {
    dispatcher = new Agent({ connect: { timeout: connectMs } });
    dispatchers.set(connectMs, dispatcher);
  }
  return dispatcher;
}

/**
 * The `timeout` error of an attempt stopped by one of its timeouts: which phase, its limit, and
 * what to change. Carries what a stream had delivered, like every stream error.
 *
 * @example
 * ```ts
 * throw phaseTimeoutError("openai", attempt, state);
 * ```
 */
export function phaseTimeoutError(
  provider: string,
  fired: { phase: TimeoutPhase | undefined; timeoutMs: number | undefined },
  state: PartialStreamState,
): TokenwiseError {
  const ms = fired.timeoutMs;
  const phase = fired.phase ?? "total";
  const what: Record<TimeoutPhase, string> = {
    connect: `could not connect to ${provider} within ${ms} ms (connect timeout); is the server up and the baseUrl right? Raise timeouts.connectMs if it is just slow`,
    firstByte: `${provider} sent no answer within ${ms} ms of the request (first-byte timeout); raise timeouts.firstByteMs for slow models`,
    idle: `${provider} went silent for ${ms} ms in the middle of its answer (idle timeout); raise timeouts.idleMs if it pauses that long`,
    total: `the ${provider} call did not finish within ${ms} ms (total timeout); raise timeouts.totalMs or timeoutMs for long answers`,
  };
  const message = what[phase];
  return new TokenwiseError("timeout", `${message.charAt(0).toUpperCase()}${message.slice(1)}.`, {
    details: {
      provider,
      retryable: !state.dataYielded,
      timeoutMs: ms,
      timeoutPhase: phase,
      usage: state.usage,
      partialText: state.partialText,
    },
  });
}

/** The body as text, each piece restarting the idle clock. */
export async function readText(response: Response, attempt: AttemptSignal): Promise<string> {
  if (response.body === null) return "";
  const decoder = new TextDecoder();
  let text = "";
  for await (const piece of response.body) {
    attempt.bodyActivity();
    text += decoder.decode(piece, { stream: true });
  }
  return text + decoder.decode();
}

/** True when undici gave up opening the connection within its connect timeout. */
function isConnectTimeout(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    if ((current as Error & { code?: unknown }).code === "UND_ERR_CONNECT_TIMEOUT") return true;
    current = current.cause;
  }
  return false;
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
 * reading under the same signal, and calls `attempt.done()` when it ends). Throws `aborted`,
 * `timeout`, `rate_limited`, `context_window_exceeded` or `provider_error`.
 *
 * @example
 * ```ts
 * const { response, attempt } = await postJson({ provider: "openai", url, body, headers, fetch, call, secrets: [apiKey] }, "stream");
 * ```
 */
export async function postJson(
  request: ProviderRequest,
  mode: "json" | "stream" = "json",
): Promise<{ response: Response; attempt: AttemptSignal }> {
  const attempt = createAttemptSignal(request.call, mode);
  try {
    return await send(request, attempt);
  } catch (error) {
    attempt.done();
    throw error;
  }
}

/** A stream request the provider answered with a 2xx status. */
export interface OpenedEventStream {
  /** The attempt's signal and timers: call `attempt.done()` when the stream ends. */
  attempt: AttemptSignal;
  status: number;
  /** The response's content type ("" when it sent none). */
  contentType: string;
  /** False for a fetch response without a body (its `text()` is "" and it has no events). */
  hasBody: boolean;
  /** The body as text (for an answer that is not a stream of events), each piece restarting the idle clock. */
  text(): Promise<string>;
  /**
   * The body's server-sent events; stopping early releases the connection (drained and
   * reused when `drainAfterStop` says the stream is over, see {@link ReadNodeEventsOptions}).
   */
  events(options?: ReadNodeEventsOptions): AsyncGenerator<EventSourceMessage>;
}

/**
 * POSTs a request for a stream of events: over `undici.request` and node streams when the
 * provider uses Node's own fetch, else over the fetch it was given. Throws like
 * {@link postJson}.
 *
 * @example
 * ```ts
 * const opened = await openEventStream({ provider: "openai", url, body, headers, fetch, call, secrets: [apiKey] });
 * try { for await (const event of opened.events()) handle(event); } finally { opened.attempt.done(); }
 * ```
 */
export async function openEventStream(request: ProviderRequest): Promise<OpenedEventStream> {
  if (request.fetch !== nativeFetch) {
    const { response, attempt } = await postJson(request, "stream");
    const body = response.body;
    return {
      attempt,
      status: response.status,
      contentType: response.headers.get("content-type") ?? "",
      hasBody: body !== null,
      text: () => readText(response, attempt),
      events: () => (body === null ? noEvents() : readServerSentEvents(body)),
    };
  }
  const attempt = createAttemptSignal(request.call, "stream");
  try {
    if (attempt.abortedByCaller()) throw abortedError(request.provider, NOTHING_RECEIVED);
    let answer: Dispatcher.ResponseData;
    try {
      answer = await undiciRequest(request.url, {
        method: "POST",
        headers: { "content-type": "application/json", ...request.headers },
        body: JSON.stringify(request.body),
        signal: attempt.signal,
        dispatcher: dispatcherFor(attempt.connectMs),
      });
    } catch (error) {
      throw failureWhileTalking(error, request, attempt, NOTHING_RECEIVED);
    }
    attempt.headersArrived();
    const body = answer.body as Readable;
    if (answer.statusCode < 200 || answer.statusCode > 299) {
      let bodyText: string;
      try {
        bodyText = await readNodeText(body, attempt);
      } catch (error) {
        throw failureWhileTalking(error, request, attempt, NOTHING_RECEIVED);
      }
      throw errorFromHttpResponse({
        provider: request.provider,
        status: answer.statusCode,
        headers: headersOf(answer.headers),
        bodyText,
        secrets: request.secrets,
      });
    }
    const type = answer.headers["content-type"];
    return {
      attempt,
      status: answer.statusCode,
      contentType: (Array.isArray(type) ? type[0] : type) ?? "",
      hasBody: true,
      text: () => readNodeText(body, attempt),
      events: (options) => readNodeServerSentEvents(body, options),
    };
  } catch (error) {
    attempt.done();
    throw error;
  }
}

async function* noEvents(): AsyncGenerator<EventSourceMessage> {}

/** A node stream's text, each piece restarting the idle clock. */
async function readNodeText(body: Readable, attempt: AttemptSignal): Promise<string> {
  let text = "";
  body.setEncoding("utf8");
  for await (const piece of body as AsyncIterable<string>) {
    attempt.bodyActivity();
    text += piece;
  }
  return text;
}

async function send(
  request: ProviderRequest,
  attempt: AttemptSignal,
): Promise<{ response: Response; attempt: AttemptSignal }> {
  if (attempt.abortedByCaller()) throw abortedError(request.provider, NOTHING_RECEIVED);
  let response: Response;
  try {
    const init: RequestInit & { dispatcher: Dispatcher } = {
      method: "POST",
      headers: { "content-type": "application/json", ...request.headers },
      body: JSON.stringify(request.body),
      signal: attempt.signal,
      // Node's fetch takes undici's connection pool, whose connect timeout is the one asked for.
      dispatcher: dispatcherFor(attempt.connectMs),
    };
    response = await request.fetch(request.url, init);
  } catch (error) {
    throw failureWhileTalking(error, request, attempt, NOTHING_RECEIVED);
  }
  attempt.headersArrived();
  if (!response.ok) {
    let bodyText: string;
    try {
      bodyText = await readText(response, attempt);
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
  const { status, text } =
    request.fetch === nativeFetch ? await requestText(request) : await fetchText(request);
  const payload = parseJsonBody(text);
  if (payload === undefined) throw notJsonError(request, status, text);
  if (isErrorPayload(payload)) {
    throw errorFromSuccessBody({
      provider: request.provider,
      status,
      payload,
      secrets: request.secrets,
    });
  }
  return payload;
}

async function fetchText(request: ProviderRequest): Promise<{ status: number; text: string }> {
  const { response, attempt } = await postJson(request);
  try {
    return { status: response.status, text: await readText(response, attempt) };
  } catch (error) {
    throw failureWhileTalking(error, request, attempt, NOTHING_RECEIVED);
  } finally {
    attempt.done();
  }
}

/** {@link fetchText} over `undici.request`: the same timeouts, pool and errors, node streams. */
async function requestText(request: ProviderRequest): Promise<{ status: number; text: string }> {
  const attempt = createAttemptSignal(request.call, "json");
  try {
    if (attempt.abortedByCaller()) throw abortedError(request.provider, NOTHING_RECEIVED);
    let text = "";
    let answer: Dispatcher.ResponseData;
    try {
      answer = await undiciRequest(request.url, {
        method: "POST",
        headers: { "content-type": "application/json", ...request.headers },
        body: JSON.stringify(request.body),
        signal: attempt.signal,
        dispatcher: dispatcherFor(attempt.connectMs),
      });
      attempt.headersArrived();
      text = await readNodeText(answer.body as Readable, attempt);
    } catch (error) {
      throw failureWhileTalking(error, request, attempt, NOTHING_RECEIVED);
    }
    if (answer.statusCode < 200 || answer.statusCode > 299) {
      throw errorFromHttpResponse({
        provider: request.provider,
        status: answer.statusCode,
        headers: headersOf(answer.headers),
        bodyText: text,
        secrets: request.secrets,
      });
    }
    return { status: answer.statusCode, text };
  } finally {
    attempt.done();
  }
}

function headersOf(raw: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
      headers.append(name, one);
    }
  }
  return headers;
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
  if (attempt.timedOut()) return phaseTimeoutError(request.provider, attempt, state);
  if (isConnectTimeout(error)) {
    return phaseTimeoutError(
      request.provider,
      { phase: "connect", timeoutMs: attempt.connectMs },
      state,
    );
  }
  return errorFromNetworkFailure({
    provider: request.provider,
    cause: error,
    secrets: request.secrets,
  });
}
