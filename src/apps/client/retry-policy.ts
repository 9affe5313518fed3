import { invalidInput } from "../../core/errors/index.js";
import { isRetryableError } from "./retryable.js";
import { sleep as realSleep } from "./sleep.js";

/** A source of "now" in milliseconds; injectable so tests control time. */
export interface Clock {
  now(): number;
}

/**
 * Waits `ms` milliseconds. Must settle (resolve or reject) promptly once `signal` aborts:
 * the retry helpers also use it for their attempt and deadline timers and cancel those.
 */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

/** What each attempt receives. */
export interface RetryAttempt {
  /** 1 for the first attempt, 2 for the first retry... */
  number: number;
  /** Aborts on this attempt's timeout, on the overall deadline and on the caller's signal. */
  signal: AbortSignal;
}

/** Passed to `onRetry` before each wait. */
export interface RetryInfo {
  /** Number of the attempt that just failed. */
  attempt: number;
  /** How long we wait before the next attempt. */
  delayMs: number;
  error: unknown;
}

/** How {@link withRetry} and {@link withStreamRetry} retry. Every field is optional. */
export interface RetryPolicy {
  /** Total attempts, the first included. Default 3; 1 disables retries. */
  maxAttempts?: number;
  /** Backoff base: the first retry waits up to this long. Default 500. */
  baseDelayMs?: number;
  /** Backoff ceiling. Default 30 000. */
  maxDelayMs?: number;
  /** Longest server-requested wait (Retry-After) we honour; a longer one ends the retries. Default 60 000. */
  maxRetryAfterMs?: number;
  /** Aborts an attempt that takes longer; that attempt counts as a retryable "timeout". */
  attemptTimeoutMs?: number;
  /** Overall limit from the first attempt, waits included; when it passes, stop with "timeout". */
  deadlineMs?: number;
  /** The caller's signal: aborting it stops everything at once with an "aborted" error. */
  signal?: AbortSignal;
  clock?: Clock;
  sleep?: Sleep;
  /** Jitter source in [0, 1). Default Math.random. */
  random?: () => number;
  onRetry?: (info: RetryInfo) => void;
  /** Which errors are worth another attempt. Default {@link isRetryableError}. */
  isRetryable?: (error: unknown) => boolean;
}

/** A policy with defaults applied and values checked. */
export interface ResolvedRetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  maxRetryAfterMs: number;
  attemptTimeoutMs: number | undefined;
  deadlineMs: number | undefined;
  signal: AbortSignal | undefined;
  clock: Clock;
  sleep: Sleep;
  random: () => number;
  onRetry: ((info: RetryInfo) => void) | undefined;
  isRetryable: (error: unknown) => boolean;
}

const systemClock: Clock = { now: () => Date.now() };

/**
 * Applies the defaults and rejects values that cannot work, naming the field and the fix.
 *
 * @example
 * ```ts
 * resolveRetryPolicy({ maxAttempts: 5 }).baseDelayMs; // 500
 * resolveRetryPolicy({ maxAttempts: 0 }); // throws invalid_input "maxAttempts must be ..."
 * ```
 */
export function resolveRetryPolicy(policy: RetryPolicy = {}): ResolvedRetryPolicy {
  const maxAttempts = policy.maxAttempts ?? 3;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw invalidInput(
      "maxAttempts",
      `must be a whole number of at least 1 (attempts in total, the first included), got ${String(maxAttempts)}; use 1 to disable retries`,
    );
  }
  return {
    maxAttempts,
    baseDelayMs: nonNegative("baseDelayMs", policy.baseDelayMs ?? 500),
    maxDelayMs: nonNegative("maxDelayMs", policy.maxDelayMs ?? 30_000),
    maxRetryAfterMs: nonNegative("maxRetryAfterMs", policy.maxRetryAfterMs ?? 60_000),
    attemptTimeoutMs: optionalPositive("attemptTimeoutMs", policy.attemptTimeoutMs),
    deadlineMs: optionalPositive("deadlineMs", policy.deadlineMs),
    signal: policy.signal,
    clock: policy.clock ?? systemClock,
    sleep: policy.sleep ?? realSleep,
    random: policy.random ?? Math.random,
    onRetry: policy.onRetry,
    isRetryable: policy.isRetryable ?? isRetryableError,
  };
}

function nonNegative(field: string, value: number): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw invalidInput(
      field,
      `must be a finite number of milliseconds, 0 or more, got ${String(value)}`,
    );
  }
  return value;
}

function optionalPositive(field: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw invalidInput(
      field,
      `must be a finite number of milliseconds above 0, got ${String(value)}; leave it out for no limit`,
    );
  }
  return value;
}
