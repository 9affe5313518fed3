import type { LanguageModelV3Usage } from "@ai-sdk/provider";
import type { Usage } from "../../core/cost/index.js";

/**
 * Converts the AI SDK v6 usage (`inputTokens: { total, noCache, cacheRead, cacheWrite }`,
 * `outputTokens: { total, text, reasoning }`) to tokenwise's normalized usage. Totals include
 * cache reads, cache writes and reasoning, as in tokenwise; a missing total is rebuilt from its
 * parts, and a total smaller than its parts is raised to them, so the result is always valid.
 * Returns undefined when the provider reported no counts at all.
 *
 * @example
 * ```ts
 * usageFromAiSdk({
 *   inputTokens: { total: 1200, noCache: 200, cacheRead: 1000, cacheWrite: undefined },
 *   outputTokens: { total: 300, text: 250, reasoning: 50 },
 * }); // { inputTokens: 1200, cachedInputTokens: 1000, cacheWriteTokens: 0, outputTokens: 300, reasoningTokens: 50 }
 * ```
 */
export function usageFromAiSdk(usage: LanguageModelV3Usage | undefined): Usage | undefined {
  const input = usage?.inputTokens;
  const output = usage?.outputTokens;
  const counts = [
    input?.total,
    input?.noCache,
    input?.cacheRead,
    input?.cacheWrite,
    output?.total,
    output?.text,
    output?.reasoning,
  ];
  if (counts.every((count) => count === undefined)) return undefined;
  const cachedInputTokens = tokens(input?.cacheRead);
  const cacheWriteTokens = tokens(input?.cacheWrite);
  const reasoningTokens = tokens(output?.reasoning);
  const inputParts = tokens(input?.noCache) + cachedInputTokens + cacheWriteTokens;
  const outputParts = tokens(output?.text) + reasoningTokens;
  return {
    inputTokens: Math.max(tokens(input?.total), inputParts),
    cachedInputTokens,
    cacheWriteTokens,
    outputTokens: Math.max(tokens(output?.total), outputParts),
    reasoningTokens,
  };
}

/** A reported count as a whole non-negative number (absent or malformed counts as 0). */
function tokens(value: number | undefined): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.round(value) : 0;
}
