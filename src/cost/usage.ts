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
}
