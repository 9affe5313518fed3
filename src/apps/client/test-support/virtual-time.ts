import type { Clock, Sleep } from "../retry-policy.js";

interface PendingTimer {
  dueAt: number;
  order: number;
  resolve: () => void;
}

/** Virtual time for deterministic tests: nothing waits for real. */
export interface VirtualTime {
  clock: Clock;
  sleep: Sleep;
  /** Every requested sleep, in milliseconds, in request order (timers included). */
  readonly requested: number[];
  /**
   * Drives `work` to completion: whenever every promise is idle, fires the earliest pending
   * timer (moving the clock to its due time), as the event loop would. Throws if `work` is
   * stuck with no timer left.
   */
  run<T>(work: Promise<T>): Promise<T>;
}

/**
 * A virtual clock and sleep. `sleep` only completes when `run` decides time has come, and
 * cancels (rejecting with the signal's reason) when its signal aborts.
 *
 * @example
 * ```ts
 * const time = createVirtualTime();
 * const value = await time.run(withRetry(fn, { clock: time.clock, sleep: time.sleep }));
 * ```
 */
export function createVirtualTime(startAt = 1_000_000): VirtualTime {
  let now = startAt;
  let order = 0;
  const timers = new Set<PendingTimer>();
  const requested: number[] = [];

  const sleep: Sleep = (ms, signal) => {
    requested.push(ms);
    return new Promise<void>((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      const timer: PendingTimer = { dueAt: now + ms, order: order++, resolve };
      timers.add(timer);
      timer.resolve = () => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      };
      const onAbort = (): void => {
        timers.delete(timer);
        reject(signal.reason);
      };
      signal.addEventListener("abort", onAbort, { once: true });
    });
  };

  async function run<T>(work: Promise<T>): Promise<T> {
    let settled = false;
    work.then(
      () => {
        settled = true;
      },
      () => {
        settled = true;
      },
    );
    for (;;) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (settled) return work;
      const next = [...timers].sort((a, b) => a.dueAt - b.dueAt || a.order - b.order)[0];
      if (next === undefined)
        throw new Error("virtual time: the work is stuck with no timer pending");
      timers.delete(next);
      now = Math.max(now, next.dueAt);
      next.resolve();
    }
  }

  return { clock: { now: () => now }, sleep, requested, run };
}
