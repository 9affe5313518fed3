/**
 * Reads each provider's usage report through the cost layer's converters (one convention,
 * converted exactly once: see `src/core/cost/usage-from-*.ts`). A response without any usage object
 * gives `undefined`; a usage object those converters reject (a negative or missing count,
 * cached tokens above the prompt total...) is the provider's fault, so it becomes a
 * non-retryable `provider_error` rather than the caller's `invalid_input`.
 */

import type { Usage } from "../../core/cost/index.js";
import {
  type AnthropicUsage,
  emptyUsage,
  type GeminiUsageMetadata,
  type OpenAIChatUsage,
  usageFromAnthropic,
  usageFromGemini,
  usageFromOpenAI,
} from "../../core/cost/index.js";
import { TokenwiseError } from "../../core/errors/index.js";
import { isRecord } from "./json-record.js";
import { malformedReplyError } from "./provider-error.js";

export { emptyUsage };

/**
 * @example
 * ```ts
 * usageFromOpenAIWire({ prompt_tokens: 100, completion_tokens: 20, prompt_tokens_details: { cached_tokens: 60 } }, "openai");
 * // { inputTokens: 100, cachedInputTokens: 60, cacheWriteTokens: 0, outputTokens: 20, reasoningTokens: 0 }
 * ```
 */
export function usageFromOpenAIWire(usage: unknown, provider: string): Usage | undefined {
  return convert(usage, provider, (value) => usageFromOpenAI(value as unknown as OpenAIChatUsage));
}

/**
 * @example
 * ```ts
 * usageFromAnthropicWire({ input_tokens: 10, cache_read_input_tokens: 90, output_tokens: 5 }, "anthropic");
 * // { inputTokens: 100, cachedInputTokens: 90, cacheWriteTokens: 0, outputTokens: 5, reasoningTokens: 0 }
 * ```
 */
export function usageFromAnthropicWire(usage: unknown, provider: string): Usage | undefined {
  return convert(usage, provider, (value) =>
    usageFromAnthropic(value as unknown as AnthropicUsage),
  );
}

/**
 * @example
 * ```ts
 * usageFromGeminiWire({ promptTokenCount: 9, candidatesTokenCount: 29, thoughtsTokenCount: 282 }, "gemini");
 * // { inputTokens: 9, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 311, reasoningTokens: 282 }
 * ```
 */
export function usageFromGeminiWire(usageMetadata: unknown, provider: string): Usage | undefined {
  // Gemini omits zero counts, promptTokenCount included in some stream chunks: absent is 0.
  return convert(usageMetadata, provider, (value) =>
    usageFromGemini({ promptTokenCount: 0, ...value } as unknown as GeminiUsageMetadata),
  );
}

function convert(
  usage: unknown,
  provider: string,
  converter: (usage: Record<string, unknown>) => Usage,
): Usage | undefined {
  if (!isRecord(usage)) return undefined;
  try {
    return converter(usage);
  } catch (error) {
    if (!TokenwiseError.hasCode(error, "invalid_input")) throw error;
    throw malformedReplyError({
      provider,
      message: `${provider} reported usage that cannot be read: ${error.message}.`,
      providerMessage: error.message,
    });
  }
}
