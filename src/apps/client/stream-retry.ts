import { type AttemptScope, openAttemptScope } from "./attempt-scope.js";
import { decideRetry, recordGiveUp } from "./retry-decision.js";
import {
  type ResolvedRetryPolicy,
  type RetryAttempt,
  type RetryPolicy,
  resolveRetryPolicy,
} from "./retry-policy.js";
import { waitBeforeRetry } from "./wait-before-retry.js";

/**
 * Streams from `start`, retrying (with the same policy as {@link withRetry}) only failures
 * that happen BEFORE the first item reaches the caller. Once an item has been yielded, a
 * failure propagates as is: retrying then would repeat text the caller already has.
 *
 * Timing: `attemptTimeoutMs` bounds each attempt until its first item; `deadlineMs` bounds the
 * whole stream, consumption included. Before the first item, the caller's abort stops at once.
 * After it, the attempt's signal is aborted and the stream's own error (which, for a
 * `ChatProvider`, carries `details.usage`) is awaited, so the usage consumed is never lost;
 * that error is reported as "aborted" (or "timeout" for the deadline) with the usage kept.
 * Stopping the iteration early (`break`) closes the underlying stream.
 *
 * @example
 * ```ts
 * const chunks = withStreamRetry(({ signal }) => provider.streamChat(request, { signal }), {
 *   attemptTimeoutMs: 20_000,
 *   signal: userSignal,
 * });
 * for await (const chunk of chunks) process.stdout.write(chunk.text ?? "");
 * ```
 */
export function withStreamRetry<T>(
  start: (attempt: RetryAttempt) => AsyncIterable<T>,
  policy: RetryPolicy = {},
): AsyncGenerator<T, void, undefined> {
  return streamWithRetries(start, resolveRetryPolicy(policy));
}

async function* streamWithRetries<T>(
  start: (attempt: RetryAttempt) => AsyncIterable<T>,
  policy: ResolvedRetryPolicy,
): AsyncGenerator<T, void, undefined> {
  const deadlineAt =
    policy.deadlineMs === undefined ? undefined : policy.clock.now() + policy.deadlineMs;
  let previousError: unknown;
  for (let attempt = 1; ; attempt += 1) {
    const scope = openAttemptScope({ attempt, policy, deadlineAt, previousError });
    let iterator: AsyncIterator<T> | undefined;
    let first: IteratorResult<T>;
    try {
      if (scope.signal.aborted) throw scope.signal.reason;
      iterator = start({ number: attempt, signal: scope.signal })[Symbol.asyncIterator]();
      first = await scope.race(iterator.next());
    } catch (caught) {
      const error = scope.explain(caught);
      scope.close();
      closeInBackground(iterator);
      if (policy.signal?.aborted) throw error;
      const now = policy.clock.now();
      const decision = decideRetry({ error, attempt, policy, now, deadlineAt });
      if (!decision.retry) throw recordGiveUp(error, { attempts: attempt, decision, policy });
      policy.onRetry?.({ attempt, delayMs: decision.delayMs, error });
      await waitBeforeRetry(decision.delayMs, policy);
      previousError = error;
      continue;
    }
    scope.endAttemptTimeout();
    yield* relay(iterator, first, scope);
    return;
  }
}

/** Yields `first` and the rest of `iterator`, committed: no retries from here on. */
async function* relay<T>(
  iterator: AsyncIterator<T>,
  first: IteratorResult<T>,
  scope: AttemptScope,
): AsyncGenerator<T, void, undefined> {
  let exhausted = false;
  try {
    let current = first;
    while (!current.done) {
      yield current.value;
      try {
        current = await iterator.next();
      } catch (caught) {
        exhausted = true;
        throw scope.explain(caught);
      }
      // A stream that ignores its signal is stopped at its next item instead.
      if (scope.signal.aborted && !current.done) throw scope.explain(undefined);
    }
    exhausted = true;
  } finally {
    scope.close();
    if (!exhausted) await closeQuietly(iterator);
  }
}

async function closeQuietly<T>(iterator: AsyncIterator<T>): Promise<void> {
  try {
    await iterator.return?.();
  } catch {
    // The stream failed while closing; the caller has already stopped reading it.
  }
}

// Not awaited: a stream stuck in next() only honours return() after that next() settles.
function closeInBackground<T>(iterator: AsyncIterator<T> | undefined): void {
  if (iterator !== undefined) void closeQuietly(iterator);
}
