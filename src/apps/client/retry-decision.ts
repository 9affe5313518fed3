import { TokenwiseError } from "../../core/errors/index.js";
import { backoffDelay } from "./backoff.js";
import type { ResolvedRetryPolicy } from "./retry-policy.js";

/** Why the retries stopped; recorded on the error as `details.retry.stoppedBecause`. */
export type RetryStopReason =
  | "not_retryable"
  | "attempts_exhausted"
  | "retry_after_exceeds_cap"
  | "retry_after_exceeds_deadline"
  | "deadline_exceeded";

export type RetryDecision =
  | { retry: true; delayMs: number }
  | { retry: false; stoppedBecause: RetryStopReason; retryAfterMs?: number };

/** Inputs of {@link decideRetry}. */
export interface RetryDecisionInput {
  error: unknown;
  /** Number of the attempt that failed with `error`, from 1. */
  attempt: number;
  policy: ResolvedRetryPolicy;
  now: number;
  /** Absolute time (on the policy's clock) after which nothing may run. */
  deadlineAt: number | undefined;
}

/**
 * Decides whether to try again after `error`, and how long to wait first: the server's
 * Retry-After when the error carries `details.retryAfterMs`, else full-jitter backoff. Gives up
 * when the error is not retryable, when attempts run out, when the server asks for a wait longer
 * than `maxRetryAfterMs`, or when the wait would end at or past the deadline.
 *
 * @example
 * ```ts
 * decideRetry({ error: rateLimited, attempt: 1, policy: resolveRetryPolicy(), now: Date.now(), deadlineAt: undefined });
 * // { retry: true, delayMs: 1000 } when rateLimited.details.retryAfterMs is 1000
 * ```
 */
export function decideRetry({
  error,
  attempt,
  policy,
  now,
  deadlineAt,
}: RetryDecisionInput): RetryDecision {
  if (!policy.isRetryable(error)) return { retry: false, stoppedBecause: "not_retryable" };
  if (attempt >= policy.maxAttempts) return { retry: false, stoppedBecause: "attempts_exhausted" };
  const retryAfterMs = retryAfterMsOf(error);
  if (retryAfterMs !== undefined && retryAfterMs > policy.maxRetryAfterMs) {
    return { retry: false, stoppedBecause: "retry_after_exceeds_cap", retryAfterMs };
  }
  const delayMs =
    retryAfterMs ??
    backoffDelay({
      attempt,
      baseDelayMs: policy.baseDelayMs,
      maxDelayMs: policy.maxDelayMs,
      random: policy.random,
    });
  if (deadlineAt !== undefined && now + delayMs >= deadlineAt) {
    return retryAfterMs === undefined
      ? { retry: false, stoppedBecause: "deadline_exceeded" }
      : { retry: false, stoppedBecause: "retry_after_exceeds_deadline", retryAfterMs };
  }
  return { retry: true, delayMs };
}

/**
 * The wait a server asked for, as a provider adapter recorded it in `details.retryAfterMs`.
 *
 * @example
 * ```ts
 * retryAfterMsOf(new TokenwiseError("rate_limited", "slow down", { details: { retryAfterMs: 1000 } })); // 1000
 * ```
 */
export function retryAfterMsOf(error: unknown): number | undefined {
  if (!TokenwiseError.isInstance(error)) return undefined;
  const value = error.details.retryAfterMs;
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** What {@link recordGiveUp} writes to `details.retry`. */
export interface RetryGiveUp {
  /** Attempts made, the failed last one included. */
  attempts: number;
  stoppedBecause: RetryStopReason;
  /** The server's requested wait, when that is why we stopped. */
  retryAfterMs?: number;
  maxRetryAfterMs?: number;
  deadlineMs?: number;
}

/** Inputs of {@link recordGiveUp}. */
export interface GiveUpInput {
  attempts: number;
  decision: Extract<RetryDecision, { retry: false }>;
  policy: ResolvedRetryPolicy;
}

/**
 * Notes on a `TokenwiseError` why the retries ended (`details.retry`, a {@link RetryGiveUp}),
 * then returns the same error object, so callers still see the provider's own code, status
 * and message. Other errors are returned untouched.
 *
 * @example
 * ```ts
 * if (!decision.retry) throw recordGiveUp(error, { attempts: 3, decision, policy });
 * ```
 */
export function recordGiveUp(error: unknown, { attempts, decision, policy }: GiveUpInput): unknown {
  if (!TokenwiseError.isInstance(error) || !Object.isExtensible(error.details)) return error;
  const giveUp: RetryGiveUp = { attempts, stoppedBecause: decision.stoppedBecause };
  if (decision.retryAfterMs !== undefined) {
    giveUp.retryAfterMs = decision.retryAfterMs;
    giveUp.maxRetryAfterMs = policy.maxRetryAfterMs;
  }
  if (policy.deadlineMs !== undefined) giveUp.deadlineMs = policy.deadlineMs;
  error.details.retry = giveUp;
  return error;
}
