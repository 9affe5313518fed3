import { callerAbortedError, followSignal, raceWithSignal } from "./abort.js";
import type { ResolvedRetryPolicy } from "./retry-policy.js";

/**
 * Sleeps `delayMs` on the policy's `sleep`, but throws `TokenwiseError("aborted")` the moment
 * the caller's signal aborts, even if the injected sleep ignores its signal.
 *
 * @example
 * ```ts
 * await waitBeforeRetry(1000, resolveRetryPolicy({ signal }));
 * ```
 */
export async function waitBeforeRetry(delayMs: number, policy: ResolvedRetryPolicy): Promise<void> {
  const callerSignal = policy.signal;
  const controller = new AbortController();
  const stopFollowing = followSignal(callerSignal, () => {
    if (callerSignal !== undefined) controller.abort(callerAbortedError(callerSignal));
  });
  try {
    if (controller.signal.aborted) throw controller.signal.reason;
    const sleeping = new Promise<void>((resolve) =>
      resolve(policy.sleep(delayMs, controller.signal)),
    );
    await raceWithSignal(sleeping, controller.signal);
  } catch (error) {
    throw controller.signal.aborted ? controller.signal.reason : error;
  } finally {
    stopFollowing();
  }
}
