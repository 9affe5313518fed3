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
): AsyncGenerator<EventSourceMessage> {
  const pending: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => pending.push(event) });
  body.setEncoding("utf8");
  let finished = false;
  try {
    for await (const piece of body as AsyncIterable<string>) {
      parser.feed(piece);
      if (pending.length > 0) yield* pending.splice(0);
    }
    finished = true;
  } finally {
    if (!finished) body.destroy();
  }
}
