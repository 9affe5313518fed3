import { TokenwiseError } from "../../core/errors/index.js";
import { callerAbortedError, followSignal, raceWithSignal } from "./abort.js";
import type { ResolvedRetryPolicy } from "./retry-policy.js";

/** Inputs of {@link openAttemptScope}. */
export interface AttemptScopeOptions {
  /** Number of this attempt, from 1. */
  attempt: number;
  policy: ResolvedRetryPolicy;
  /** Absolute time (on the policy's clock) of the overall deadline, if any. */
  deadlineAt: number | undefined;
  /** The previous attempt's error, kept as the cause when the deadline passes. */
  previousError: unknown;
}

/** The signal and timers of one attempt. */
export interface AttemptScope {
  /** Aborts on the attempt timeout, the overall deadline or the caller's signal. */
  readonly signal: AbortSignal;
  /** Settles like `work`, or rejects with the abort reason the moment `signal` aborts. */
  race<T>(work: Promise<T>): Promise<T>;
  /**
   * The error to report for `caught`: the scope's own "aborted"/"timeout" error when the scope
   * was aborted (carrying over `details.usage` the work reported, if any), else `caught`.
   */
  explain(caught: unknown): unknown;
  /** Stops the per-attempt timer (a stream that started is bounded by the deadline only). */
  endAttemptTimeout(): void;
  /** Stops the timers and the caller-signal listener; the signal is left as it is. */
  close(): void;
}

/**
 * Opens the scope of one attempt: an AbortSignal that aborts with a `TokenwiseError` on the
 * caller's abort ("aborted"), on the attempt timeout ("timeout", retryable) or on the overall
 * deadline ("timeout", not retryable). Timers run on the policy's `sleep`, so tests drive them
 * with virtual time.
 *
 * @example
 * ```ts
 * const scope = openAttemptScope({ attempt: 1, policy, deadlineAt: undefined, previousError: undefined });
 * try { return await scope.race(work(scope.signal)); }
 * catch (error) { throw scope.explain(error); }
 * finally { scope.close(); }
 * ```
 */
export function openAttemptScope({
  attempt,
  policy,
  deadlineAt,
  previousError,
}: AttemptScopeOptions): AttemptScope {
  const controller = new AbortController();
  let closed = false;
  const abort = (reason: TokenwiseError): void => {
    if (!closed && !controller.signal.aborted) controller.abort(reason);
  };
  const callerSignal = policy.signal;
  const stopFollowingCaller = followSignal(callerSignal, () => {
    if (callerSignal !== undefined) abort(callerAbortedError(callerSignal));
  });

  const remainingMs = deadlineAt === undefined ? undefined : deadlineAt - policy.clock.now();
  const deadlineHitFirst =
    remainingMs !== undefined &&
    (policy.attemptTimeoutMs === undefined || remainingMs <= policy.attemptTimeoutMs);
  let stopAttemptTimer = (): void => {};
  let stopDeadlineTimer = (): void => {};
  if (policy.attemptTimeoutMs !== undefined && !deadlineHitFirst) {
    const timeoutMs = policy.attemptTimeoutMs;
    stopAttemptTimer = startTimer(policy, timeoutMs, () =>
      abort(
        new TokenwiseError("timeout", `Attempt ${attempt} got no answer within ${timeoutMs} ms`, {
          details: { retryable: true, attempt, attemptTimeoutMs: timeoutMs },
        }),
      ),
    );
  }
  if (remainingMs !== undefined) {
    const deadlineError = (): TokenwiseError =>
      new TokenwiseError(
        "timeout",
        `Gave up during attempt ${attempt}: the overall deadline of ${policy.deadlineMs} ms passed; raise deadlineMs or lower the retries`,
        {
          cause: previousError,
          details: { retryable: false, attempt, deadlineMs: policy.deadlineMs },
        },
      );
    if (remainingMs <= 0) abort(deadlineError());
    else stopDeadlineTimer = startTimer(policy, remainingMs, () => abort(deadlineError()));
  }

  return {
    signal: controller.signal,
    race: (work) => raceWithSignal(work, controller.signal),
    explain(caught) {
      if (!controller.signal.aborted) return caught;
      const reason: unknown = controller.signal.reason;
      const usage = TokenwiseError.isInstance(caught) ? caught.details.usage : undefined;
      if (usage !== undefined && TokenwiseError.isInstance(reason) && reason !== caught) {
        reason.details.usage = usage;
      }
      return reason;
    },
    endAttemptTimeout: () => stopAttemptTimer(),
    close() {
      closed = true;
      stopAttemptTimer();
      stopDeadlineTimer();
      stopFollowingCaller();
    },
  };
}

function startTimer(policy: ResolvedRetryPolicy, ms: number, onFire: () => void): () => void {
  const cancel = new AbortController();
  new Promise<void>((resolve) => resolve(policy.sleep(ms, cancel.signal))).then(
    () => {
      if (!cancel.signal.aborted) onFire();
    },
    // A cancelled timer rejects; there is nothing to report.
    () => {},
  );
  return () => cancel.abort();
}
