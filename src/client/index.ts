export { callerAbortedError, followSignal, raceWithSignal } from "./abort.js";
export { type BackoffOptions, backoffDelay } from "./backoff.js";
export {
  defaultShouldFallback,
  type FallbackAttempt,
  type FallbackCandidate,
  type FallbackInfo,
  type FallbackOptions,
  withFallback,
} from "./fallback.js";
export { withRetry } from "./retry.js";
export {
  decideRetry,
  type RetryDecision,
  type RetryGiveUp,
  type RetryStopReason,
  retryAfterMsOf,
} from "./retry-decision.js";
export {
  type Clock,
  type ResolvedRetryPolicy,
  type RetryAttempt,
  type RetryInfo,
  type RetryPolicy,
  resolveRetryPolicy,
  type Sleep,
} from "./retry-policy.js";
export { isNetworkError, isRetryableError, NON_RETRYABLE_STATUSES } from "./retryable.js";
export { sleep } from "./sleep.js";
export { withStreamRetry } from "./stream-retry.js";
