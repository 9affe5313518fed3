import { describeValue, invalidInput } from "../errors/index.js";

/**
 * One normalized usage shape. Each provider's convention is converted exactly once, at the
 * edge, into this:
 * - `inputTokens` counts every input token, including cache reads and cache writes;
 * - `outputTokens` counts every generated token, including reasoning tokens.
 * The other fields are subsets of those two, never added on top.
 */
export interface Usage {
  /** All input (prompt) tokens, including `cachedInputTokens` and `cacheWriteTokens`. */
  inputTokens: number;
  /** Input tokens served from the provider's prompt cache (subset of `inputTokens`). */
  cachedInputTokens: number;
  /** Input tokens written to the prompt cache (subset of `inputTokens`). */
  cacheWriteTokens: number;
  /** All output tokens, including `reasoningTokens`. */
  outputTokens: number;
  /** Reasoning ("thinking") tokens (subset of `outputTokens`). */
  reasoningTokens: number;
  /**
   * Cache writes with a 1-hour lifetime (subset of `cacheWriteTokens`; Anthropic reports them
   * in `usage.cache_creation.ephemeral_1h_input_tokens`). The rest of `cacheWriteTokens` are
   * 5-minute writes. Absent when the provider reported no split.
   */
  cacheWrite1hTokens?: number;
  /** Audio input tokens (subset of `inputTokens`, uncached), billed at the audio input rate. */
  audioInputTokens?: number;
  /** Audio output tokens (subset of `outputTokens`), billed at the audio output rate. */
  audioOutputTokens?: number;
  /** Generated image tokens (subset of `outputTokens`), billed at the image output rate. */
  imageOutputTokens?: number;
}

const USAGE_FIELDS = [
  "inputTokens",
  "cachedInputTokens",
  "cacheWriteTokens",
  "outputTokens",
  "reasoningTokens",
] as const satisfies ReadonlyArray<keyof Usage>;

/** Breakdowns providers report only sometimes: absent means none. */
const OPTIONAL_FIELDS = [
  "cacheWrite1hTokens",
  "audioInputTokens",
  "audioOutputTokens",
  "imageOutputTokens",
] as const satisfies ReadonlyArray<keyof Usage>;

/**
 * A usage with every count at zero: the starting point for sums.
 *
 * @example
 * ```ts
 * const total = calls.reduce((sum, call) => addUsage(sum, call.usage), emptyUsage());
 * ```
 */
export function emptyUsage(): Usage {
  return {
    inputTokens: 0,
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    outputTokens: 0,
    reasoningTokens: 0,
  };
}

/**
 * Sums two usages field by field. Both are validated first, so a sum never hides a bad count.
 *
 * @example
 * ```ts
 * addUsage(first.usage, second.usage).inputTokens; // first.inputTokens + second.inputTokens
 * ```
 */
export function addUsage(a: Usage, b: Usage): Usage {
  assertValidUsage(a, "a");
  assertValidUsage(b, "b");
  const sum: Usage = emptyUsage();
  for (const field of USAGE_FIELDS) sum[field] = a[field] + b[field];
  for (const field of OPTIONAL_FIELDS) {
    if (a[field] !== undefined || b[field] !== undefined) {
      sum[field] = (a[field] ?? 0) + (b[field] ?? 0);
    }
  }
  return sum;
}

/**
 * Throws `invalid_input` naming the field when a count is not a non-negative integer or a
 * subset (cached, cache writes, reasoning) is larger than the total it belongs to.
 *
 * @example
 * ```ts
 * assertValidUsage({ ...emptyUsage(), inputTokens: 10, cachedInputTokens: 20 });
 * // throws: usage.cachedInputTokens + usage.cacheWriteTokens (20) must not exceed usage.inputTokens (10)...
 * ```
 */
export function assertValidUsage(usage: Usage, path = "usage"): void {
  if (typeof usage !== "object" || usage === null) {
    throw invalidInput(path, "must be a usage object such as emptyUsage() returns");
  }
  for (const field of USAGE_FIELDS) {
    const value: unknown = usage[field];
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
      throw invalidInput(
        `${path}.${field}`,
        `must be a non-negative integer, got ${describeValue(value)}`,
      );
    }
  }
  const inputSubsets = usage.cachedInputTokens + usage.cacheWriteTokens;
  if (inputSubsets > usage.inputTokens) {
    throw invalidInput(
      `${path}.cachedInputTokens + ${path}.cacheWriteTokens`,
      `(${inputSubsets}) must not exceed ${path}.inputTokens (${usage.inputTokens}): ` +
        "inputTokens counts every input token, cached reads and cache writes included",
    );
  }
  if (usage.reasoningTokens > usage.outputTokens) {
    throw invalidInput(
      `${path}.reasoningTokens`,
      `(${usage.reasoningTokens}) must not exceed ${path}.outputTokens (${usage.outputTokens}): ` +
        "outputTokens counts every generated token, reasoning included",
    );
  }
  for (const field of OPTIONAL_FIELDS) {
    const value: unknown = usage[field];
    if (
      value !== undefined &&
      (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0)
    ) {
      throw invalidInput(
        `${path}.${field}`,
        `must be a non-negative integer when present, got ${describeValue(value)}`,
      );
    }
  }
  if ((usage.cacheWrite1hTokens ?? 0) > usage.cacheWriteTokens) {
    throw invalidInput(
      `${path}.cacheWrite1hTokens`,
      `(${usage.cacheWrite1hTokens}) must not exceed ${path}.cacheWriteTokens (${usage.cacheWriteTokens}), which includes it`,
    );
  }
  const uncached = usage.inputTokens - usage.cachedInputTokens - usage.cacheWriteTokens;
  if ((usage.audioInputTokens ?? 0) > uncached) {
    throw invalidInput(
      `${path}.audioInputTokens`,
      `(${usage.audioInputTokens}) must not exceed the uncached input tokens (${uncached}), which include it`,
    );
  }
  const outputSubsets =
    (usage.audioOutputTokens ?? 0) + (usage.imageOutputTokens ?? 0) + usage.reasoningTokens;
  if (outputSubsets > usage.outputTokens) {
    throw invalidInput(
      `${path}.audioOutputTokens + ${path}.imageOutputTokens + ${path}.reasoningTokens`,
      `(${outputSubsets}) must not exceed ${path}.outputTokens (${usage.outputTokens})`,
    );
  }
}
