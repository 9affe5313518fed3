import { assertUsageObject, readTokenCount } from "./token-count-field.js";
import type { Usage } from "./usage.js";

/** `usage` of an Anthropic Messages response (or of `message_start` + `message_delta` events). */
export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}

/**
 * Normalizes Anthropic usage. Anthropic's `input_tokens` EXCLUDES cache reads and cache
 * writes, so all three are summed into `inputTokens`. Anthropic bills thinking as output and
 * does not report it separately, so `reasoningTokens` is 0 (it is inside `outputTokens`).
 *
 * @example
 * ```ts
 * usageFromAnthropic({ input_tokens: 3, cache_creation_input_tokens: 12304, output_tokens: 550 });
 * // { inputTokens: 12307, cachedInputTokens: 0, cacheWriteTokens: 12304,
 * //   outputTokens: 550, reasoningTokens: 0 }
 * ```
 */
export function usageFromAnthropic(usage: AnthropicUsage): Usage {
  assertUsageObject(usage);
  const uncached = readTokenCount(usage, { parent: "usage", key: "input_tokens", required: true });
  const output = readTokenCount(usage, { parent: "usage", key: "output_tokens", required: true });
  const cacheRead = readTokenCount(usage, { parent: "usage", key: "cache_read_input_tokens" });
  const cacheWrite = readTokenCount(usage, { parent: "usage", key: "cache_creation_input_tokens" });
  return {
    inputTokens: uncached.value + cacheRead.value + cacheWrite.value,
    cachedInputTokens: cacheRead.value,
    cacheWriteTokens: cacheWrite.value,
    outputTokens: output.value,
    reasoningTokens: 0,
  };
}
