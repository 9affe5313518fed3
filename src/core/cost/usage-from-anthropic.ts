import { assertSubset, assertUsageObject, readTokenCount } from "./token-count-field.js";
import type { Usage } from "./usage.js";

/** `usage` of an Anthropic Messages response (or of `message_start` + `message_delta` events). */
export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  /** The cache writes split by lifetime; they sum to `cache_creation_input_tokens`. */
  cache_creation?: {
    ephemeral_5m_input_tokens?: number | null;
    ephemeral_1h_input_tokens?: number | null;
  } | null;
  /** Thinking tokens, inside `output_tokens`. */
  output_tokens_details?: { thinking_tokens?: number | null } | null;
}

/**
 * Normalizes Anthropic usage. Anthropic's `input_tokens` EXCLUDES cache reads and cache
 * writes, so all three are summed into `inputTokens`. `cache_creation` splits the writes by
 * lifetime: its `ephemeral_1h_input_tokens` become `cacheWrite1hTokens`, priced at the 1-hour
 * rate (when only the split is reported, the writes are its sum). Thinking is billed as output:
 * `output_tokens_details.thinking_tokens` is the part of `output_tokens` that was thinking.
 *
 * @example
 * ```ts
 * usageFromAnthropic({ input_tokens: 3, cache_creation_input_tokens: 12304, output_tokens: 550 });
 * // { inputTokens: 12307, cachedInputTokens: 0, cacheWriteTokens: 12304,
 * //   outputTokens: 550, reasoningTokens: 0 }
 * usageFromAnthropic({
 *   input_tokens: 3, cache_creation_input_tokens: 12304, output_tokens: 550,
 *   cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 12304 },
 * }).cacheWrite1hTokens; // 12304
 * ```
 */
export function usageFromAnthropic(usage: AnthropicUsage): Usage {
  assertUsageObject(usage);
  const uncached = readTokenCount(usage, { parent: "usage", key: "input_tokens", required: true });
  const output = readTokenCount(usage, { parent: "usage", key: "output_tokens", required: true });
  const cacheRead = readTokenCount(usage, { parent: "usage", key: "cache_read_input_tokens" });
  const reportedWrites = readTokenCount(usage, {
    parent: "usage",
    key: "cache_creation_input_tokens",
  });
  const lifetimes = { parent: "usage.cache_creation" };
  const writes5m = readTokenCount(usage.cache_creation, {
    ...lifetimes,
    key: "ephemeral_5m_input_tokens",
  });
  const writes1h = readTokenCount(usage.cache_creation, {
    ...lifetimes,
    key: "ephemeral_1h_input_tokens",
  });
  const cacheWrite =
    reportedWrites.value === 0 && writes5m.value + writes1h.value > 0
      ? { path: lifetimes.parent, value: writes5m.value + writes1h.value }
      : reportedWrites;
  assertSubset(writes1h, cacheWrite);
  const thinking = readTokenCount(usage.output_tokens_details, {
    parent: "usage.output_tokens_details",
    key: "thinking_tokens",
  });
  assertSubset(thinking, output);
  const normalized: Usage = {
    inputTokens: uncached.value + cacheRead.value + cacheWrite.value,
    cachedInputTokens: cacheRead.value,
    cacheWriteTokens: cacheWrite.value,
    outputTokens: output.value,
    reasoningTokens: thinking.value,
  };
  if (writes1h.value > 0) normalized.cacheWrite1hTokens = writes1h.value;
  return normalized;
}
