/**
 * Reads a `text/event-stream` body as parsed events (via `eventsource-parser`), from a web
 * stream (a `fetch` response) or a node stream (an `undici.request` response, several times
 * cheaper per event). Stopping the iteration early cancels the body, which releases the
 * connection.
 */
import type { Readable } from "node:stream";
import { createParser, type EventSourceMessage } from "eventsource-parser";

export type { EventSourceMessage };

/**
 * @example
 * ```ts
 * for await (const event of readServerSentEvents(response.body)) console.log(event.event, event.data);
 * ```
 */
export async function* readServerSentEvents(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<EventSourceMessage> {
  const pending: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => pending.push(event) });
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let finished = false;
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        parser.feed(decoder.decode());
        yield* pending.splice(0);
        return;
      }
      parser.feed(decoder.decode(value, { stream: true }));
      yield* pending.splice(0);
    }
  } finally {
    if (!finished) {
      // The stream may already be errored (connection reset, abort); cancelling it then
      // rejects with that same error, which the reader above has already surfaced.
      await reader.cancel().catch(() => undefined);
    }
    reader.releaseLock();
  }
}

/**
 * {@link readServerSentEvents} over a node stream: decoded as UTF-8 piece by piece (a
 * character split between pieces is joined), destroyed when the reader stops early.
 *
 * @example
 * ```ts
 * const answer = await undici.request(url, { method: "POST", body });
 * for await (const event of readNodeServerSentEvents(answer.body)) console.log(event.data);
 * ```
 */
export async function* readNodeServerSentEvents(
  body: Readable,
  options: ReadNodeEventsOptions = {},
): AsyncGenerator<EventSourceMessage> {
  const pending: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => pending.push(event) });
  body.setEncoding("utf8");
  let finished = false;
  try {
    // Not destroyed by leaving the loop: whether to drain or destroy is decided below.
    const pieces = body.iterator({ destroyOnReturn: false }) as AsyncIterable<string>;
    for await (const piece of pieces) {
      parser.feed(piece);
      if (pending.length > 0) yield* pending.splice(0);
    }
    finished = true;
  } finally {
    if (!finished) {
      // Left by its iterator, the body has no error listener of its own any more: destroying
      // it (undici's emits "aborted") must not become an uncaught error event.
      body.on("error", () => undefined);
      if (options.drainAfterStop?.() === true) drainThenRelease(body, DRAIN_MS);
      else body.destroy();
    }
  }
}

export interface ReadNodeEventsOptions {
  /**
   * Asked when the reader stops before the body ended: true when the stream is over for its
   * protocol (its terminal event arrived), so what is left of the body (the end of a chunked
   * response) is read and dropped and the connection goes back to the pool for the next
   * request, instead of being destroyed (a new connection per stream). The body is destroyed
   * when it has not ended within a second. Otherwise (the caller stopped mid-stream) it is
   * destroyed at once, which cancels the upstream request.
   */
  drainAfterStop?: () => boolean;
}

/** How long a body may take to end after its terminal event before it is destroyed. */
const DRAIN_MS = 1000;

function drainThenRelease(body: Readable, ms: number): void {
  if (body.destroyed || body.readableEnded) return;
  const timer = setTimeout(() => body.destroy(), ms);
  timer.unref();
  const done = () => clearTimeout(timer);
  body.once("end", done);
  body.once("close", done);
  body.resume();
}
