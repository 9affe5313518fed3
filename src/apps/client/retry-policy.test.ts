import { describe, expect, it } from "vitest";
import { TokenwiseError } from "../../core/errors/index.js";
import { isRetryableError, resolveRetryPolicy, sleep } from "./index.js";

function invalidField(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (TokenwiseError.hasCode(error, "invalid_input")) return String(error.details.field);
  }
  return undefined;
}

describe("resolveRetryPolicy", () => {
  it("applies the documented defaults", () => {
    const policy = resolveRetryPolicy();
    expect(policy.maxAttempts).toBe(3);
    expect(policy.baseDelayMs).toBe(500);
    expect(policy.maxDelayMs).toBe(30_000);
    expect(policy.maxRetryAfterMs).toBe(60_000);
    expect(policy.attemptTimeoutMs).toBe(undefined);
    expect(policy.deadlineMs).toBe(undefined);
    expect(policy.sleep).toBe(sleep);
    expect(policy.isRetryable).toBe(isRetryableError);
  });

  it("explains a bad maxAttempts and how to disable retries", () => {
    expect(() => resolveRetryPolicy({ maxAttempts: 0 })).toThrowError(
      "maxAttempts must be a whole number of at least 1 (attempts in total, the first included), got 0; use 1 to disable retries",
    );
    expect(invalidField(() => resolveRetryPolicy({ maxAttempts: 1.5 }))).toBe("maxAttempts");
    expect(invalidField(() => resolveRetryPolicy({ maxAttempts: Number.NaN }))).toBe("maxAttempts");
  });

  it("names each bad duration", () => {
    expect(invalidField(() => resolveRetryPolicy({ baseDelayMs: -1 }))).toBe("baseDelayMs");
    expect(invalidField(() => resolveRetryPolicy({ maxDelayMs: Number.NaN }))).toBe("maxDelayMs");
    expect(invalidField(() => resolveRetryPolicy({ maxRetryAfterMs: -5 }))).toBe("maxRetryAfterMs");
    expect(invalidField(() => resolveRetryPolicy({ attemptTimeoutMs: 0 }))).toBe(
      "attemptTimeoutMs",
    );
    expect(invalidField(() => resolveRetryPolicy({ deadlineMs: Number.POSITIVE_INFINITY }))).toBe(
      "deadlineMs",
    );
  });
});

describe("sleep", () => {
  it("rejects with the signal's reason when aborted, before or during the wait", async () => {
    const before = new AbortController();
    before.abort("stop");
    await expect(sleep(10_000, before.signal)).rejects.toBe("stop");
    const during = new AbortController();
    const waiting = sleep(10_000, during.signal);
    during.abort("now");
    await expect(waiting).rejects.toBe("now");
  });
});
