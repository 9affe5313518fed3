/** Default behaviour of the mock upstream, and the checks on what callers set. */
import { invalidInput } from "../../core/errors/index.js";
import type { MockBehavior } from "./types.js";

/**
 * @example
 * ```ts
 * const behavior = { ...defaultMockBehavior(), latencyMs: 50 };
 * ```
 */
export function defaultMockBehavior(): MockBehavior {
  return {
    latencyMs: 0,
    streamChunkDelayMs: 0,
    errorRate: 0,
    errorStatus: 500,
    retryAfterSeconds: undefined,
    cutStreamsAfterEvents: undefined,
    stallAfterEvents: undefined,
    stallMs: 0,
    seed: 1,
    apiKeys: {},
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    maxInputTokens: undefined,
    embeddingDimensions: 1536,
    shuffleEmbeddings: false,
    script: [],
  };
}

/**
 * Throws `invalid_input` naming the field when a setting is out of range.
 *
 * @example
 * ```ts
 * validateMockBehavior({ errorRate: 2 }); // throws: errorRate must be between 0 and 1, got 2
 * ```
 */
export function validateMockBehavior(behavior: Partial<MockBehavior>): void {
  const nonNegativeIntegers = [
    "latencyMs",
    "streamChunkDelayMs",
    "cachedInputTokens",
    "cacheWriteTokens",
    "reasoningTokens",
    "seed",
    "retryAfterSeconds",
    "cutStreamsAfterEvents",
    "stallAfterEvents",
    "stallMs",
  ] as const;
  for (const field of nonNegativeIntegers) {
    const value = behavior[field];
    if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
      throw invalidInput(field, `must be a non-negative integer, got ${value}`);
    }
  }
  const { errorRate, errorStatus, embeddingDimensions, maxInputTokens, script } = behavior;
  if (errorRate !== undefined && !(errorRate >= 0 && errorRate <= 1)) {
    throw invalidInput("errorRate", `must be between 0 and 1, got ${errorRate}`);
  }
  if (
    errorStatus !== undefined &&
    !(Number.isInteger(errorStatus) && errorStatus >= 400 && errorStatus <= 599)
  ) {
    throw invalidInput("errorStatus", `must be an HTTP error status (400-599), got ${errorStatus}`);
  }
  if (
    embeddingDimensions !== undefined &&
    !(Number.isInteger(embeddingDimensions) && embeddingDimensions > 0)
  ) {
    throw invalidInput(
      "embeddingDimensions",
      `must be a positive integer, got ${embeddingDimensions}`,
    );
  }
  if (maxInputTokens !== undefined && !(Number.isInteger(maxInputTokens) && maxInputTokens > 0)) {
    throw invalidInput("maxInputTokens", `must be a positive integer, got ${maxInputTokens}`);
  }
  if (script !== undefined && !Array.isArray(script)) {
    throw invalidInput("script", "must be an array of steps");
  }
}
