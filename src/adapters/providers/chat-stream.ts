/**
 * Drives a streamed chat call: posts the request, feeds each server-sent event to a
 * provider-specific decoder, and guarantees the stream never ends cleanly unless the provider's
 * terminal event arrived.
 *
 * Contract for a stream that stops early (documented for the retry and ledger layers):
 * - caller abort → `TokenwiseError("aborted")`;
 * - per-attempt timeout → `TokenwiseError("timeout")`;
 * - broken connection, or end without the terminal event → `TokenwiseError("provider_error")`;
 * - an error event inside the stream → the matching code (`rate_limited`, `provider_error`...).
 * Every one of them carries `details.usage` (the usage the provider had reported so far, or
 * undefined if none: OpenAI reports usage only at the end, Anthropic reports input tokens at
 * the start, Gemini reports running totals) and `details.partialText`, and
 * `details.retryable` is false once any chunk has been yielded.
 *
 * `CallOptions.timeouts` bound each phase (connect, first event, silence between events, the
 * whole stream; see `CallTimeouts` for the defaults), and `CallOptions.timeoutMs` caps the
 * whole attempt, reading the stream included. The final
 * chunk carries the finish reason, and the usage when the provider reported one (an
 * OpenAI-compatible server that ignores `stream_options.include_usage` reports none).
 */
import type { Usage } from "../../core/cost/index.js";
import { TokenwiseError } from "../../core/errors/index.js";
import {
  abortedError,
  errorFromStreamPayload,
  type PartialStreamState,
  redactError,
  streamInterruptedError,
} from "./provider-error.js";
import {
  openEventStream,
  type ProviderRequest,
  phaseTimeoutError,
  unexpectedBodyError,
} from "./provider-request.js";
import type { EventSourceMessage } from "./server-sent-events.js";
import type { ChatChunk } from "./types.js";

/** Turns one provider's events into chunks; holds the running usage and finish reason. */
export interface ChatStreamDecoder {
  /** Chunks produced by one event. Throws {@link StreamPayloadError} for in-stream errors. */
  handle(event: EventSourceMessage): ChatChunk[];
  /** True once the provider's terminal event arrived ([DONE], message_stop, a finishReason). */
  readonly complete: boolean;
  /** True when the terminal event is the last one, so reading can stop there. */
  readonly stopsAtTerminalEvent: boolean;
  /** Usage reported so far, if any. */
  usage(): Usage | undefined;
  /** The last chunk: finish reason, usage, id and model. */
  finalChunk(): ChatChunk;
}

/** A provider reported an error inside the stream. `status` is the HTTP status it stands for. */
export class StreamPayloadError extends Error {
  constructor(
    readonly payload: unknown,
    readonly status: number,
  ) {
    super("The provider reported an error in the stream");
    this.name = "StreamPayloadError";
  }
}

/**
 * @example
 * ```ts
 * yield* runChatStream({ request: { provider: "openai", url, body, headers, fetch, call, secrets }, decoder });
 * ```
 */
export async function* runChatStream(options: {
  request: ProviderRequest;
  decoder: ChatStreamDecoder;
}): AsyncGenerator<ChatChunk> {
  const { request, decoder } = options;
  const opened = await openEventStream(request);
  const { attempt } = opened;
  const state: PartialStreamState = { usage: undefined, partialText: "", dataYielded: false };
  const interrupted = (reason: string) =>
    streamInterruptedError({ provider: request.provider, reason, state, secrets: request.secrets });
  const stopped = (error: unknown): TokenwiseError => {
    if (attempt.abortedByCaller()) return abortedError(request.provider, state);
    if (attempt.timedOut()) return phaseTimeoutError(request.provider, attempt, state);
    if (TokenwiseError.isInstance(error)) return redactError(error, request.secrets);
    return interrupted(error instanceof Error ? describeError(error) : String(error));
  };
  if (!opened.hasBody) {
    attempt.done();
    throw interrupted("the response has no body");
  }
  if (isJsonType(opened.contentType)) {
    // A JSON body where events were asked for: an error from the provider or a proxy. The
    // provider answered, so it is not retried.
    let text: string;
    try {
      text = await opened.text();
    } catch (error) {
      throw stopped(error);
    } finally {
      attempt.done();
    }
    throw unexpectedBodyError(request, opened.status, text, "a stream of events");
  }

  // Stopped at the provider's terminal event, the rest of the body is drained so the
  // connection can serve the next request; stopped before it, the body is destroyed.
  const events = opened.events({ drainAfterStop: () => decoder.complete });
  try {
    while (true) {
      let next: IteratorResult<EventSourceMessage>;
      try {
        next = await events.next();
      } catch (error) {
        if (decoder.complete) break;
        throw stopped(error);
      }
      // Events already buffered when the caller aborted are not processed: the usage in the
      // error is what the caller could have seen.
      if (attempt.abortedByCaller()) throw abortedError(request.provider, state);
      if (next.done) break;
      attempt.bodyActivity();
      let chunks: ChatChunk[];
      try {
        chunks = decoder.handle(next.value);
      } catch (error) {
        state.usage = decoder.usage();
        if (error instanceof StreamPayloadError) {
          throw errorFromStreamPayload({
            provider: request.provider,
            payload: error.payload,
            status: error.status,
            state,
            secrets: request.secrets,
          });
        }
        throw stopped(error);
      }
      state.usage = decoder.usage();
      for (const chunk of chunks) {
        if (attempt.abortedByCaller()) throw abortedError(request.provider, state);
        state.partialText += chunk.text ?? "";
        state.dataYielded = true;
        yield chunk;
      }
      if (decoder.complete && decoder.stopsAtTerminalEvent) break;
    }
  } finally {
    attempt.done();
    await events.return(undefined);
  }
  if (!decoder.complete) {
    if (attempt.abortedByCaller() || attempt.timedOut()) throw stopped(undefined);
    throw interrupted("the connection closed before the provider's final event");
  }
  yield decoder.finalChunk();
}

function isJsonType(type: string): boolean {
  return /^application\/(.+\+)?json\b/i.test(type.trim());
}

function describeError(error: Error): string {
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error.message}${cause}`;
}
