import { describe, expect, it } from "vitest";
import type { ChatChunk } from "../../adapters/providers/index.js";
import { TokenwiseError } from "../../core/errors/index.js";
import type { ChatRequest } from "../../core/messages/index.js";
import { type RetryInfo, type RetryPolicy, withStreamRetry } from "./index.js";
import {
  createMockProvider,
  type MockStep,
  mockHttpError,
  zeroUsage,
} from "./test-support/mock-provider.js";
import { createVirtualTime } from "./test-support/virtual-time.js";

const request: ChatRequest = { model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] };

/** Consumes a stream, keeping what arrived before any failure. */
async function collect<T>(stream: AsyncIterable<T>, onItem?: (item: T) => void) {
  const items: T[] = [];
  try {
    for await (const item of stream) {
      items.push(item);
      onItem?.(item);
    }
    return { items, error: undefined };
  } catch (error) {
    return { items, error };
  }
}

async function runStream(
  script: MockStep[],
  policy: RetryPolicy = {},
  onItem?: (chunk: ChatChunk) => void,
) {
  const time = createVirtualTime();
  const provider = createMockProvider({ name: "anthropic", script });
  const retries: RetryInfo[] = [];
  const stream = withStreamRetry(({ signal }) => provider.streamChat(request, { signal }), {
    clock: time.clock,
    sleep: time.sleep,
    random: () => 0.5,
    onRetry: (info) => retries.push(info),
    ...policy,
  });
  const startedAt = time.clock.now();
  const outcome = await time.run(collect(stream, onItem));
  return {
    texts: outcome.items.map((chunk) => chunk.text),
    error: outcome.error,
    provider,
    retries,
    elapsedMs: time.clock.now() - startedAt,
  };
}

const chunks = (...texts: string[]): ChatChunk[] => texts.map((text) => ({ text }));

describe("withStreamRetry before the first item", () => {
  it("retries a failed start and streams the next attempt", async () => {
    const run = await runStream([
      { kind: "error", error: mockHttpError(529) },
      { kind: "stream", chunks: chunks("Hel", "lo") },
    ]);
    expect(run.texts).toEqual(["Hel", "lo"]);
    expect(run.provider.calls.length).toBe(2);
    expect(run.retries.map((retry) => retry.delayMs)).toEqual([250]);
  });

  it("retries a stream that breaks before sending anything", async () => {
    const run = await runStream([
      { kind: "stream", chunks: [], thenError: mockHttpError(502) },
      { kind: "stream", chunks: chunks("ok") },
    ]);
    expect(run.texts).toEqual(["ok"]);
    expect(run.provider.calls.length).toBe(2);
  });

  it("retries a start that throws synchronously", async () => {
    const time = createVirtualTime();
    let calls = 0;
    const stream = withStreamRetry(
      () => {
        calls += 1;
        if (calls === 1) throw mockHttpError(503);
        return createMockProvider({ script: [{ kind: "stream", chunks: chunks("x") }] }).streamChat(
          request,
        );
      },
      { clock: time.clock, sleep: time.sleep },
    );
    const outcome = await time.run(collect(stream));
    expect(outcome.items.map((chunk) => chunk.text)).toEqual(["x"]);
    expect(calls).toBe(2);
  });

  it("times out an attempt that sends nothing, then retries", async () => {
    const run = await runStream([{ kind: "hang" }, { kind: "stream", chunks: chunks("late") }], {
      attemptTimeoutMs: 8_000,
    });
    expect(run.texts).toEqual(["late"]);
    expect(run.provider.calls[0]?.signal?.aborted).toBe(true);
    expect(run.elapsedMs).toBe(8_250);
  });

  it("stops at once on a non-retryable error", async () => {
    const error = mockHttpError(401);
    const run = await runStream([
      { kind: "error", error },
      { kind: "stream", chunks: chunks("no") },
    ]);
    expect(run.error).toBe(error);
    expect(run.texts).toEqual([]);
    expect(error.details.retry).toEqual({ attempts: 1, stoppedBecause: "not_retryable" });
    expect(run.provider.remainingSteps()).toBe(1);
  });

  it("gives up after maxAttempts", async () => {
    const last = mockHttpError(503);
    const run = await runStream([
      { kind: "error", error: mockHttpError(503) },
      { kind: "error", error: mockHttpError(503) },
      { kind: "error", error: last },
    ]);
    expect(run.error).toBe(last);
    expect(last.details.retry).toEqual({ attempts: 3, stoppedBecause: "attempts_exhausted" });
  });

  it("ends cleanly on an empty stream", async () => {
    const run = await runStream([{ kind: "stream", chunks: [] }]);
    expect(run.texts).toEqual([]);
    expect(run.error).toBe(undefined);
    expect(run.provider.calls.length).toBe(1);
  });

  it("stops at once on the caller's abort, even if the stream ignores its signal", async () => {
    const controller = new AbortController();
    const provider = createMockProvider({ script: [{ kind: "hang", ignoreSignal: true }] });
    const pending = collect(
      withStreamRetry(({ signal }) => provider.streamChat(request, { signal }), {
        signal: controller.signal,
      }),
    );
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    const outcome = await pending;
    expect(TokenwiseError.hasCode(outcome.error, "aborted")).toBe(true);
    expect(provider.calls.length).toBe(1);
  });
});

describe("withStreamRetry after the first item", () => {
  it("never retries once the caller has received an item", async () => {
    const broken = mockHttpError(503);
    const run = await runStream([
      { kind: "stream", chunks: chunks("partial"), thenError: broken },
      { kind: "stream", chunks: chunks("again") },
    ]);
    expect(run.texts).toEqual(["partial"]);
    expect(run.error).toBe(broken);
    expect(run.provider.calls.length).toBe(1);
    expect(run.retries).toEqual([]);
  });

  it("does not apply the attempt timeout to a stream that has started", async () => {
    const time = createVirtualTime();
    async function* slowStream(signal: AbortSignal) {
      yield 1;
      await time.sleep(20_000, signal);
      yield 2;
    }
    const stream = withStreamRetry(({ signal }) => slowStream(signal), {
      clock: time.clock,
      sleep: time.sleep,
      attemptTimeoutMs: 5_000,
    });
    const outcome = await time.run(collect(stream));
    expect(outcome.items).toEqual([1, 2]);
    expect(outcome.error).toBe(undefined);
  });

  it("ends a stalled stream at the deadline, keeping the usage it reported", async () => {
    const run = await runStream([{ kind: "stream", chunks: chunks("a", "b"), thenHang: true }], {
      deadlineMs: 5_000,
      attemptTimeoutMs: 1_000,
    });
    expect(run.texts).toEqual(["a", "b"]);
    const error = run.error as TokenwiseError;
    expect(error.code).toBe("timeout");
    expect(error.details).toMatchObject({ retryable: false, deadlineMs: 5_000 });
    expect(error.details.usage).toEqual({ ...zeroUsage, outputTokens: 2 });
    expect(run.elapsedMs).toBe(5_000);
  });

  it("reports the caller's abort as aborted with the usage consumed so far", async () => {
    const controller = new AbortController();
    const run = await runStream(
      [{ kind: "stream", chunks: chunks("a", "b", "c") }],
      { signal: controller.signal },
      () => controller.abort(),
    );
    expect(run.texts).toEqual(["a"]);
    const error = run.error as TokenwiseError;
    expect(error.code).toBe("aborted");
    expect(error.details.usage).toEqual({ ...zeroUsage, outputTokens: 1 });
    expect(run.provider.calls[0]?.signal?.aborted).toBe(true);
  });

  it("closes the underlying stream when the caller stops early", async () => {
    let closed = false;
    async function* source() {
      try {
        yield "one";
        yield "two";
        yield "three";
      } finally {
        closed = true;
      }
    }
    const seen: string[] = [];
    for await (const item of withStreamRetry(() => source())) {
      seen.push(item);
      if (seen.length === 2) break;
    }
    expect(seen).toEqual(["one", "two"]);
    expect(closed).toBe(true);
  });
});
