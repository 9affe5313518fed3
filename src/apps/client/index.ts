// Internal: CallTimeouts stays out of the public index of adapters/providers.
export type { CallTimeouts } from "../../adapters/providers/provider-request.js";
export { callerAbortedError, followSignal, raceWithSignal } from "./abort.js";
export { type BackoffOptions, backoffDelay } from "./backoff.js";
export { type Charge, type OpenChargeOptions, openCharge, parseLimit } from "./budget-guard.js";
export type {
  BudgetOptions,
  ClientCallOptions,
  ClientChatResult,
  ClientChatStream,
  ClientEmbedRequest,
  ClientEmbedResult,
  ClientRetryEvent,
  ClientTokenCount,
  CreateClientOptions,
  EmbeddingCacheSettings,
  GenerateOptions,
  ResponseCacheSettings,
  SpendFilter,
  SpendSummary,
  TokenwiseClient,
} from "./client-types.js";
export { createClient } from "./create-client.js";
export {
  defaultShouldFallback,
  type FallbackAttempt,
  type FallbackCandidate,
  type FallbackInfo,
  type FallbackOptions,
  withFallback,
} from "./fallback.js";
export { generateRequest } from "./generate.js";
export { namespacedStore } from "./namespaced-store.js";
export { replayChunks } from "./replay-chunks.js";
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
export { spendSummary } from "./spend-summary.js";
export { withStreamRetry } from "./stream-retry.js";
export {
  ESTIMATED_INPUT_MARGIN,
  maxOutputTokensOf,
  reservedInputTokens,
  type WorstCase,
  worstCaseCost,
} from "./worst-case-cost.js";
