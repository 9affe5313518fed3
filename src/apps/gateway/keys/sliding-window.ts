/**
 * The rate-limit rule every limiter engine applies: an exact sliding window log. Each admitted
 * request is remembered with its time and tokens for one window (60 s); a request is admitted
 * only if, counting it, the requests and tokens admitted in the last window stay within rpm
 * and tpm. So no 60-second span ever holds more than rpm requests or tpm tokens (unlike a
 * fixed window or GCRA with a burst, which can admit up to twice as many across a boundary),
 * at the cost of remembering up to rpm entries per key.
 */
import { describeValue, invalidInput } from "../../../core/errors/index.js";
import type { RateLimitDecision, VirtualKey } from "./types.js";

/** The window rpm and tpm are counted over. */
export const RATE_WINDOW_MS = 60_000;

/** One admitted request. */
export interface WindowEntry {
  at: number;
  tokens: number;
}

/** The requests a key has in its window now (entries older than the window already dropped). */
export interface WindowState {
  count: number;
  tokens: number;
  /** The entries oldest first; read only when a request is refused. */
  entries: () => readonly WindowEntry[];
}

/**
 * Decides one take against the window's state; the engine records the entry when allowed.
 *
 * @example
 * ```ts
 * decideTake({ key: { id: "k", rpm: 1 }, tokens: 10, now: 5000, windowMs: 60_000,
 *   state: { count: 1, tokens: 10, entries: () => [{ at: 1000, tokens: 10 }] } });
 * // { allowed: false, retryAfterMs: 56000, refusedBy: "rpm", remainingRequests: 0 }
 * ```
 */
export function decideTake(options: {
  key: Pick<VirtualKey, "rpm" | "tpm">;
  tokens: number;
  now: number;
  windowMs: number;
  state: WindowState;
}): RateLimitDecision {
  const { key, tokens, now, windowMs, state } = options;
  const expiresIn = (entry: WindowEntry | undefined) => (entry?.at ?? now) + windowMs - now;
  let retryAfterMs = 0;
  let refusedBy: "rpm" | "tpm" | undefined;
  if (key.rpm !== undefined && state.count + 1 > key.rpm) {
    retryAfterMs = expiresIn(state.entries()[state.count - key.rpm]);
    refusedBy = "rpm";
  }
  if (key.tpm !== undefined && state.tokens + tokens > key.tpm) {
    if (tokens > key.tpm) {
      return { allowed: false, refusedBy: "tpm", ...remaining(key, state.count, state.tokens) };
    }
    let freed = 0;
    for (const entry of state.entries()) {
      freed += entry.tokens;
      if (state.tokens - freed + tokens <= key.tpm) {
        const wait = expiresIn(entry);
        if (wait > retryAfterMs) {
          retryAfterMs = wait;
          refusedBy = "tpm";
        }
        break;
      }
    }
  }
  if (refusedBy !== undefined) {
    return {
      allowed: false,
      retryAfterMs,
      refusedBy,
      ...remaining(key, state.count, state.tokens),
    };
  }
  return { allowed: true, ...remaining(key, state.count + 1, state.tokens + tokens) };
}

function remaining(key: Pick<VirtualKey, "rpm" | "tpm">, count: number, tokens: number) {
  const left: Pick<RateLimitDecision, "remainingRequests" | "remainingTokens"> = {};
  if (key.rpm !== undefined) left.remainingRequests = Math.max(0, key.rpm - count);
  if (key.tpm !== undefined) left.remainingTokens = Math.max(0, key.tpm - tokens);
  return left;
}

/**
 * Throws `invalid_input` unless a take's arguments are usable.
 *
 * @example
 * ```ts
 * assertTake({ id: "key_1", rpm: 600 }, 1200); // ok
 * ```
 */
export function assertTake(key: Pick<VirtualKey, "id" | "rpm" | "tpm">, tokens: unknown): void {
  if (typeof key !== "object" || key === null || typeof key.id !== "string" || key.id === "") {
    throw invalidInput("key", 'must be a key with an id, such as { id: "key_1", rpm: 600 }');
  }
  for (const field of ["rpm", "tpm"] as const) {
    const limit = key[field];
    if (limit !== undefined && (!Number.isSafeInteger(limit) || limit <= 0)) {
      throw invalidInput(
        `key.${field}`,
        `must be a whole number above 0, got ${describeValue(limit)}`,
      );
    }
  }
  if (typeof tokens !== "number" || !Number.isSafeInteger(tokens) || tokens < 0) {
    throw invalidInput(
      "tokens",
      `must be a whole number of 0 or more (prompt plus max output tokens), got ${describeValue(tokens)}`,
    );
  }
}

/**
 * Throws `invalid_input` unless `windowMs` is a positive whole number of milliseconds.
 *
 * @example
 * ```ts
 * windowOf(undefined); // 60000
 * ```
 */
export function windowOf(windowMs: unknown): number {
  if (windowMs === undefined) return RATE_WINDOW_MS;
  if (typeof windowMs !== "number" || !Number.isSafeInteger(windowMs) || windowMs <= 0) {
    throw invalidInput(
      "windowMs",
      `must be a whole number of milliseconds above 0, got ${describeValue(windowMs)}`,
    );
  }
  return windowMs;
}
