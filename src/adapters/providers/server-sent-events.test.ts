import { PassThrough, Readable } from "node:stream";
import { describe, expect, it, vi } from "vitest";
import { readNodeServerSentEvents, readServerSentEvents } from "./server-sent-events.js";

function streamOf(pieces: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const piece of pieces) controller.enqueue(encoder.encode(piece));
      controller.close();
    },
  });
}

describe("readServerSentEvents", () => {
  it("parses events split across chunks, with names and CRLF line ends", async () => {
    const body = streamOf([
      'event: message_start\r\ndata: {"a":',
      "1}\r\n\r\n: comment\n\ndata: second\n",
      "\n",
    ]);
    const events = [];
    for await (const event of readServerSentEvents(body)) events.push(event);
    expect(events).toEqual([
      { event: "message_start", data: '{"a":1}', id: undefined },
      { event: undefined, data: "second", id: undefined },
    ]);
  });

  it("decodes multi-byte characters split between chunks", async () => {
    const bytes = new TextEncoder().encode("data: héllo\n\n");
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, 8));
        controller.enqueue(bytes.slice(8));
        controller.close();
      },
    });
    const events = [];
    for await (const event of readServerSentEvents(body)) events.push(event.data);
    expect(events).toEqual(["héllo"]);
  });

  it("cancels the body when the reader stops early", async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("data: 1\n\ndata: 2\n\n"));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const event of readServerSentEvents(body)) {
      expect(event.data).toBe("1");
      break;
    }
    expect(cancelled).toBe(true);
  });

  it("surfaces a broken body as an error", async () => {
    let pulls = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls++;
        if (pulls === 1) controller.enqueue(new TextEncoder().encode("data: 1\n\n"));
        else controller.error(new Error("socket hang up"));
      },
    });
    const seen: string[] = [];
    await expect(async () => {
      for await (const event of readServerSentEvents(body)) seen.push(event.data);
    }).rejects.toThrow("socket hang up");
    expect(seen).toEqual(["1"]);
  });
});

describe("readNodeServerSentEvents", () => {
  it("parses events split across pieces, with names, CRLF line ends and a split character", async () => {
    const bytes = Buffer.from(
      'event: message_start\r\ndata: {"a":1}\r\n\r\n: c\n\ndata: héllo\n\n',
    );
    const split = bytes.indexOf("é") + 1;
    const body = Readable.from([
      bytes.subarray(0, 30),
      bytes.subarray(30, split),
      bytes.subarray(split),
    ]);
    const events = [];
    for await (const event of readNodeServerSentEvents(body)) events.push(event);
    expect(events).toEqual([
      { event: "message_start", data: '{"a":1}', id: undefined },
      { event: undefined, data: "héllo", id: undefined },
    ]);
  });

  it("destroys the body when the reader stops early", async () => {
    const body = new PassThrough();
    body.write("data: 1\n\ndata: 2\n\n");
    for await (const event of readNodeServerSentEvents(body)) {
      expect(event.data).toBe("1");
      break;
    }
    expect(body.destroyed).toBe(true);
  });

  it("drains instead of destroying a body stopped after its terminal event, and destroys one that does not end", async () => {
    const finished = new PassThrough();
    finished.write("data: 1\n\ndata: [DONE]\n\n");
    for await (const event of readNodeServerSentEvents(finished, { drainAfterStop: () => true })) {
      if (event.data === "[DONE]") break;
    }
    expect(finished.destroyed).toBe(false);
    finished.end("\n");
    await new Promise((resolve) => finished.once("end", resolve));
    expect(finished.readableEnded).toBe(true);

    const stuck = new PassThrough();
    stuck.write("data: [DONE]\n\n");
    vi.useFakeTimers();
    try {
      for await (const _event of readNodeServerSentEvents(stuck, { drainAfterStop: () => true }))
        break;
      expect(stuck.destroyed).toBe(false);
      vi.advanceTimersByTime(1000);
      expect(stuck.destroyed).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it("keeps the error a destroyed body reports (as undici's does) from escaping as an uncaught error", async () => {
    const body = new PassThrough({
      destroy(_error, callback) {
        callback(Object.assign(new Error("Request aborted"), { code: "UND_ERR_ABORTED" }));
      },
    });
    body.write("data: 1\n\ndata: 2\n\n");
    for await (const _event of readNodeServerSentEvents(body)) break;
    await new Promise((resolve) => setImmediate(resolve));
    expect(body.destroyed).toBe(true);
  });

  it("still destroys a body stopped before the stream was over", async () => {
    const body = new PassThrough();
    body.write("data: 1\n\ndata: 2\n\n");
    for await (const _event of readNodeServerSentEvents(body, { drainAfterStop: () => false }))
      break;
    expect(body.destroyed).toBe(true);
  });

  it("surfaces a broken body as an error", async () => {
    const body = new PassThrough();
    body.write("data: 1\n\n");
    setTimeout(() => body.destroy(new Error("socket hang up")), 5);
    const seen: string[] = [];
    await expect(async () => {
      for await (const event of readNodeServerSentEvents(body)) seen.push(event.data);
    }).rejects.toThrow("socket hang up");
    expect(seen).toEqual(["1"]);
  });
});
