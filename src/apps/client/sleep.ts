/**
 * Waits `ms` milliseconds; rejects with the signal's reason as soon as `signal` aborts, and
 * clears its timer so a cancelled wait never keeps the process alive.
 *
 * This is the default `sleep` of the retry policies; tests inject a virtual one instead.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * await sleep(250, controller.signal);
 * ```
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
