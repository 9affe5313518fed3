import { TokenwiseError } from "../../core/errors/index.js";

/**
 * The error every client building block throws when the caller's signal aborts: code
 * "aborted", never retryable, with the signal's own reason as `cause`.
 *
 * @example
 * ```ts
 * controller.abort();
 * throw callerAbortedError(controller.signal);
 * ```
 */
export function callerAbortedError(signal: AbortSignal): TokenwiseError {
  return new TokenwiseError("aborted", "The call was aborted by the caller's signal", {
    cause: signal.reason,
    details: { retryable: false },
  });
}

/**
 * Calls `onAbort` once when `signal` aborts (at once if it already has). Returns the function
 * that stops listening, so long-lived signals do not collect listeners.
 *
 * @example
 * ```ts
 * const stopFollowing = followSignal(request.signal, () => upstream.abort());
 * try { await work(); } finally { stopFollowing(); }
 * ```
 */
export function followSignal(signal: AbortSignal | undefined, onAbort: () => void): () => void {
  if (signal === undefined) return () => {};
  if (signal.aborted) {
    onAbort();
    return () => {};
  }
  signal.addEventListener("abort", onAbort, { once: true });
  return () => signal.removeEventListener("abort", onAbort);
}

/**
 * Settles like `work`, except that it rejects with `signal.reason` the moment `signal` aborts,
 * even when `work` ignores the signal.
 *
 * @example
 * ```ts
 * const body = await raceWithSignal(response.text(), controller.signal);
 * ```
 */
export function raceWithSignal<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const stopFollowing = followSignal(signal, () => reject(signal.reason));
    work.then(
      (value) => {
        stopFollowing();
        resolve(value);
      },
      (error: unknown) => {
        stopFollowing();
        reject(error);
      },
    );
  });
}
