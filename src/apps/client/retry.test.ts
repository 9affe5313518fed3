import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { TokenwiseError } from "../../core/errors/index.js";
import type { ChatRequest } from "../../core/messages/index.js";
import { type RetryInfo, type RetryPolicy, withRetry } from "./index.js";
import {
  createMockProvider,
  type MockStep,
  mockContextWindowError,
  mockHttpError,
  zeroUsage,
} from "./test-support/mock-provider.js";
import { createVirtualTime } from "./test-support/virtual-time.js";

const request: ChatRequest = { model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] };

/** Runs withRetry over a scripted provider in virtual time, recording retries. */
async function runScript(script: MockStep[], policy: RetryPolicy = {}) {
  const time = createVirtualTime();
  const provider = createMockProvider({ name: "openai", script });
  const retries: RetryInfo[] = [];
  const attemptNumbers: number[] = [];
  const startedAt = time.clock.now();
  const outcome = await time
    .run(
      withRetry(
        ({ number, signal }) => {
          attemptNumbers.push(number);
          return provider.chat(request, { signal });
        },
        {
          clock: time.clock,
          sleep: time.sleep,
          random: () => 0.5,
          onRetry: (info) => retries.push(info),
          ...policy,
        },
      ),
    )
    .then(
      (result) => ({ result, error: undefined }),
      (error: unknown) => ({ result: undefined, error }),
    );
  const elapsedMs = time.clock.now() - startedAt;
  return { ...outcome, provider, retries, attemptNumbers, elapsedMs };
}

describe("withRetry: which failures are retried", () => {
  it("returns the first success without waiting", async () => {
    const run = await runScript([{ kind: "result", result: { id: "r1" } }]);
    expect(run.result?.id).toBe("r1");
    expect(run.provider.calls.length).toBe(1);
    expect(run.retries).toEqual([]);
    expect(run.elapsedMs).toBe(0);
  });

  it("retries 503s with full-jitter backoff, numbering the attempts", async () => {
    const run = await runScript([
      { kind: "error", error: mockHttpError(503) },
      { kind: "error", error: mockHttpError(502) },
      { kind: "result", result: { id: "third" } },
    ]);
    expect(run.result?.id).toBe("third");
    expect(run.attemptNumbers).toEqual([1, 2, 3]);
    expect(run.retries.map(({ attempt, delayMs }) => [attempt, delayMs])).toEqual([
      [1, 250],
      [2, 500],
    ]);
    expect(run.elapsedMs).toBe(750);
  });

  it("throws the last error itself after maxAttempts, saying why it stopped", async () => {
    const last = mockHttpError(500);
    const run = await runScript([
      { kind: "error", error: mockHttpError(503) },
      { kind: "error", error: mockHttpError(503) },
      { kind: "error", error: last },
    ]);
    expect(run.error).toBe(last);
    expect(last.code).toBe("provider_error");
    expect(last.details.status).toBe(500);
    expect(last.details.retry).toEqual({ attempts: 3, stoppedBecause: "attempts_exhausted" });
    expect(run.provider.calls.length).toBe(3);
  });

  it("honours maxAttempts: 1 as no retries", async () => {
    const run = await runScript(
      [{ kind: "error", error: mockHttpError(503) }, { kind: "result" }],
      {
        maxAttempts: 1,
      },
    );
    expect(run.provider.calls.length).toBe(1);
    expect((run.error as TokenwiseError).details.retry).toEqual({
      attempts: 1,
      stoppedBecause: "attempts_exhausted",
    });
  });

  it.each([
    ["400", mockHttpError(400)],
    ["401", mockHttpError(401)],
    ["404", mockHttpError(404)],
    ["422", mockHttpError(422)],
    ["context_window_exceeded", mockContextWindowError()],
    ["budget_exceeded", new TokenwiseError("budget_exceeded", "over budget")],
  ])("stops at once on %s", async (_name, error) => {
    const run = await runScript([{ kind: "error", error }, { kind: "result" }]);
    expect(run.error).toBe(error);
    expect(run.provider.calls.length).toBe(1);
    expect(error.details.retry).toEqual({ attempts: 1, stoppedBecause: "not_retryable" });
  });

  it("retries a raw network reset", async () => {
    const reset = new TypeError("fetch failed", {
      cause: Object.assign(new Error("read"), { code: "ECONNRESET" }),
    });
    const run = await runScript([{ kind: "error", error: reset }, { kind: "result" }]);
    expect(run.provider.calls.length).toBe(2);
    expect(run.retries[0]?.error).toBe(reset);
  });

  it("lets isRetryable decide", async () => {
    const run = await runScript(
      [
        { kind: "error", error: mockHttpError(400) },
        { kind: "result", result: { id: "ok" } },
      ],
      { isRetryable: (error) => TokenwiseError.isInstance(error) && error.details.status === 400 },
    );
    expect(run.result?.id).toBe("ok");
    expect(run.provider.calls.length).toBe(2);
  });

  it("treats a synchronous throw as a failed attempt", async () => {
    const bug = new TypeError("request.messages is not iterable");
    const thrown = await withRetry(() => {
      throw bug;
    }).catch((error: unknown) => error);
    expect(thrown).toBe(bug);
  });

  it("rejects a bad policy before calling fn", async () => {
    let calls = 0;
    const thrown = await withRetry(
      async () => {
        calls += 1;
      },
      { maxAttempts: 0 },
    ).catch((error: unknown) => error);
    expect(TokenwiseError.hasCode(thrown, "invalid_input")).toBe(true);
    expect(calls).toBe(0);
  });
});

describe("withRetry: Retry-After", () => {
  it("waits exactly what the server asked, without jitter", async () => {
    const run = await runScript([
      { kind: "error", error: mockHttpError(429, { retryAfterMs: 1000 }) },
      { kind: "result", result: { id: "after" } },
    ]);
    expect(run.result?.id).toBe("after");
    expect(run.retries.map((retry) => retry.delayMs)).toEqual([1000]);
    expect(run.elapsedMs).toBe(1000);
  });

  it("gives up at once with the original error when the server asks for more than the cap", async () => {
    const error = mockHttpError(429, { retryAfterMs: 120_000 });
    const run = await runScript([{ kind: "error", error }, { kind: "result" }]);
    expect(run.error).toBe(error);
    expect(run.provider.calls.length).toBe(1);
    expect(run.elapsedMs).toBe(0);
    expect(error.details.retry).toEqual({
      attempts: 1,
      stoppedBecause: "retry_after_exceeds_cap",
      retryAfterMs: 120_000,
      maxRetryAfterMs: 60_000,
    });
  });

  it("gives up at once when the requested wait outlasts the deadline", async () => {
    const error = mockHttpError(503, { retryAfterMs: 10_000 });
    const run = await runScript([{ kind: "error", error }, { kind: "result" }], {
      deadlineMs: 5_000,
    });
    expect(run.error).toBe(error);
    expect(run.provider.calls.length).toBe(1);
    expect(error.details.retry).toEqual({
      attempts: 1,
      stoppedBecause: "retry_after_exceeds_deadline",
      retryAfterMs: 10_000,
      maxRetryAfterMs: 60_000,
      deadlineMs: 5_000,
    });
  });
});

describe("withRetry: timeouts and deadline", () => {
  it("aborts a slow attempt's signal and retries it as a timeout", async () => {
    const run = await runScript([{ kind: "hang" }, { kind: "result", result: { id: "fast" } }], {
      attemptTimeoutMs: 10_000,
    });
    expect(run.result?.id).toBe("fast");
    const firstSignal = run.provider.calls[0]?.signal;
    expect(firstSignal?.aborted).toBe(true);
    expect(TokenwiseError.hasCode(firstSignal?.reason, "timeout")).toBe(true);
    expect(run.provider.calls[1]?.signal?.aborted).toBe(false);
    const retried = run.retries[0]?.error as TokenwiseError;
    expect(retried.code).toBe("timeout");
    expect(retried.details).toEqual({ retryable: true, attempt: 1, attemptTimeoutMs: 10_000 });
    expect(run.elapsedMs).toBe(10_250);
  });

  it("retries a timed-out attempt even when the provider reports it as its own abort", async () => {
    const time = createVirtualTime();
    const usage = { ...zeroUsage, inputTokens: 12 };
    const retries: RetryInfo[] = [];
    const result = await time.run(
      withRetry(
        ({ number, signal }) =>
          number === 1
            ? new Promise<string>((_resolve, reject) => {
                signal.addEventListener("abort", () =>
                  reject(
                    new TokenwiseError("aborted", "The openai call was aborted by the caller.", {
                      details: { provider: "openai", retryable: false, usage },
                    }),
                  ),
                );
              })
            : Promise.resolve("second"),
        {
          clock: time.clock,
          sleep: time.sleep,
          attemptTimeoutMs: 1_000,
          onRetry: (info) => retries.push(info),
        },
      ),
    );
    expect(result).toBe("second");
    expect(retries.map((retry) => (retry.error as TokenwiseError).code)).toEqual(["timeout"]);
  });

  it("abandons an attempt that ignores its signal", async () => {
    const run = await runScript(
      [
        { kind: "hang", ignoreSignal: true },
        { kind: "result", result: { id: "second" } },
      ],
      { attemptTimeoutMs: 2_000 },
    );
    expect(run.result?.id).toBe("second");
    expect(run.provider.calls.length).toBe(2);
  });

  it("reports a timeout when every attempt times out", async () => {
    const run = await runScript([{ kind: "hang" }, { kind: "hang" }, { kind: "hang" }], {
      attemptTimeoutMs: 1_000,
    });
    const error = run.error as TokenwiseError;
    expect(error.code).toBe("timeout");
    expect(error.details.retry).toEqual({ attempts: 3, stoppedBecause: "attempts_exhausted" });
    expect(run.elapsedMs).toBe(3_000 + 250 + 500);
  });

  it("ends with a non-retryable timeout when the deadline passes during an attempt", async () => {
    const first = mockHttpError(503);
    const run = await runScript([{ kind: "error", error: first }, { kind: "hang" }], {
      attemptTimeoutMs: 10_000,
      deadlineMs: 3_000,
    });
    const error = run.error as TokenwiseError;
    expect(error.code).toBe("timeout");
    expect(error.cause).toBe(first);
    expect(error.details).toMatchObject({ retryable: false, attempt: 2, deadlineMs: 3_000 });
    expect(run.elapsedMs).toBe(3_000);
    expect(run.provider.calls[1]?.signal?.aborted).toBe(true);
  });

  it("gives up with the original error when the next backoff would pass the deadline", async () => {
    const last = mockHttpError(503);
    const run = await runScript(
      [
        { kind: "error", error: mockHttpError(503) },
        { kind: "error", error: last },
      ],
      {
        deadlineMs: 600,
        random: () => 1,
      },
    );
    expect(run.error).toBe(last);
    expect(last.details.retry).toEqual({
      attempts: 2,
      stoppedBecause: "deadline_exceeded",
      deadlineMs: 600,
    });
    expect(run.retries.map((retry) => retry.delayMs)).toEqual([500]);
  });
});

describe("withRetry: the caller's signal", () => {
  it("does not call fn when already aborted", async () => {
    const controller = new AbortController();
    controller.abort(new Error("user left"));
    const run = await runScript([{ kind: "result" }], { signal: controller.signal });
    expect(TokenwiseError.hasCode(run.error, "aborted")).toBe(true);
    expect((run.error as TokenwiseError).cause).toEqual(new Error("user left"));
    expect(run.provider.calls.length).toBe(0);
  });

  it("stops an attempt at once, even one that ignores the signal", async () => {
    const controller = new AbortController();
    const provider = createMockProvider({ script: [{ kind: "hang", ignoreSignal: true }] });
    const pending = withRetry(({ signal }) => provider.chat(request, { signal }), {
      signal: controller.signal,
    });
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    const error = await pending.catch((caught: unknown) => caught);
    expect(TokenwiseError.hasCode(error, "aborted")).toBe(true);
    expect((error as TokenwiseError).details).toEqual({ retryable: false });
    expect(provider.calls[0]?.signal?.aborted).toBe(true);
    expect(provider.calls.length).toBe(1);
  });

  it("stops during the wait between attempts, even with a sleep that ignores signals", async () => {
    const controller = new AbortController();
    const provider = createMockProvider({
      script: [{ kind: "error", error: mockHttpError(503) }, { kind: "result" }],
    });
    const requestedWaits: number[] = [];
    const error = await withRetry(({ signal }) => provider.chat(request, { signal }), {
      signal: controller.signal,
      random: () => 0.5,
      sleep: (ms) => {
        requestedWaits.push(ms);
        queueMicrotask(() => controller.abort());
        return new Promise<void>(() => {});
      },
    }).catch((caught: unknown) => caught);
    expect(TokenwiseError.hasCode(error, "aborted")).toBe(true);
    expect(requestedWaits).toEqual([250]);
    expect(provider.calls.length).toBe(1);
  });

  it("cancels the virtual sleep itself when aborted during the wait", async () => {
    const controller = new AbortController();
    const run = await runScript(
      [{ kind: "error", error: mockHttpError(503) }, { kind: "result" }],
      {
        signal: controller.signal,
        onRetry: () => queueMicrotask(() => controller.abort()),
      },
    );
    expect(TokenwiseError.hasCode(run.error, "aborted")).toBe(true);
    expect(run.provider.calls.length).toBe(1);
    expect(run.elapsedMs).toBe(0);
  });

  it("leaves no listener on a long-lived caller signal", async () => {
    const controller = new AbortController();
    const run = await runScript(
      [{ kind: "error", error: mockHttpError(503) }, { kind: "result" }],
      { signal: controller.signal, attemptTimeoutMs: 5_000, deadlineMs: 60_000 },
    );
    expect(run.provider.calls.length).toBe(2);
    expect(getEventListeners(controller.signal, "abort").length).toBe(0);
  });
});
