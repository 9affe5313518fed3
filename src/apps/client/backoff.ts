/** Inputs of {@link backoffDelay}. */
export interface BackoffOptions {
  /** Number of the attempt that just failed, from 1. */
  attempt: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A number in [0, 1); values outside are clamped. */
  random: () => number;
}

/**
 * Exponential backoff with full jitter: a random wait between 0 and
 * `min(maxDelayMs, baseDelayMs × 2^(attempt - 1))`, rounded to whole milliseconds. Full jitter
 * spreads the retries of many clients that failed together, so they do not return together.
 *
 * @example
 * ```ts
 * backoffDelay({ attempt: 3, baseDelayMs: 500, maxDelayMs: 30_000, random: () => 0.5 }); // 1000
 * ```
 */
export function backoffDelay({ attempt, baseDelayMs, maxDelayMs, random }: BackoffOptions): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
  const fraction = Math.min(1, Math.max(0, random()));
  return Math.round(fraction * ceiling);
}
