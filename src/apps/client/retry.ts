import { openAttemptScope } from "./attempt-scope.js";
import { decideRetry, recordGiveUp } from "./retry-decision.js";
import { type RetryAttempt, type RetryPolicy, resolveRetryPolicy } from "./retry-policy.js";
import { waitBeforeRetry } from "./wait-before-retry.js";

/**
 * Runs `fn` until it succeeds, retrying retryable failures (429, 5xx, network resets,
 * attempt timeouts...) with full-jitter exponential backoff, or after exactly the wait the
 * server asked for (`details.retryAfterMs`, honoured up to `maxRetryAfterMs`).
 *
 * - Each attempt gets a signal that aborts on `attemptTimeoutMs`, on the overall `deadlineMs`
 *   and on the caller's `signal`; an attempt is abandoned the moment its signal aborts, even if
 *   `fn` ignores it.
 * - The caller's abort stops everything at once, during an attempt or a wait, with
 *   `TokenwiseError("aborted")`. The deadline ends it with `TokenwiseError("timeout")`.
 * - When it gives up, it throws the last error itself (same object, code and status), with
 *   `details.retry = { attempts, stoppedBecause, ... }` added to a `TokenwiseError`.
 *
 * @example
 * ```ts
 * const result = await withRetry(
 *   ({ signal }) => provider.chat(request, { signal }),
 *   { maxAttempts: 4, attemptTimeoutMs: 30_000, deadlineMs: 120_000, signal: userSignal },
 * );
 * ```
 */
export async function withRetry<T>(
  fn: (attempt: RetryAttempt) => Promise<T>,
  policy: RetryPolicy = {},
): Promise<T> {
  const resolved = resolveRetryPolicy(policy);
  const deadlineAt =
    resolved.deadlineMs === undefined ? undefined : resolved.clock.now() + resolved.deadlineMs;
  let previousError: unknown;
  for (let attempt = 1; ; attempt += 1) {
    const scope = openAttemptScope({ attempt, policy: resolved, deadlineAt, previousError });
    let error: unknown;
    try {
      if (scope.signal.aborted) throw scope.signal.reason;
      const work = new Promise<T>((resolve) =>
        resolve(fn({ number: attempt, signal: scope.signal })),
      );
      return await scope.race(work);
    } catch (caught) {
      error = scope.explain(caught);
    } finally {
      scope.close();
    }
    if (resolved.signal?.aborted) throw error;
    const now = resolved.clock.now();
    const decision = decideRetry({ error, attempt, policy: resolved, now, deadlineAt });
    if (!decision.retry)
      throw recordGiveUp(error, { attempts: attempt, decision, policy: resolved });
    resolved.onRetry?.({ attempt, delayMs: decision.delayMs, error });
    await waitBeforeRetry(decision.delayMs, resolved);
    previousError = error;
  }
}
