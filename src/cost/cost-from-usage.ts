import type { ModelInfo, PriceTier } from "../catalog/types.js";
import { describeValue, invalidInput } from "../errors/index.js";
import { costOfTokens, type Picodollars } from "../money/index.js";
import { applicableRates } from "./applicable-rates.js";
import { type ModelCatalog, resolveModel } from "./model-catalog.js";
import { assertValidUsage, type Usage } from "./usage.js";

export interface CostFromUsageOptions {
  /** Price the call at the model's Batch API prices (throws if the model has none). */
  batch?: boolean;
  /** Lifetime of the cache entries written: Anthropic bills 1-hour writes higher. Default "5m". */
  cacheWriteTtl?: "5m" | "1h";
  /** Where model names are looked up (default `defaultCatalog`). */
  catalog?: ModelCatalog;
}

/** What a call cost, exactly, per kind of token. Every amount is in picodollars. */
export interface CostBreakdown {
  /** Canonical id of the model priced. */
  model: string;
  /** Uncached input tokens. */
  input: Picodollars;
  /** Input tokens read from the prompt cache. */
  cachedInput: Picodollars;
  /** Input tokens written to the prompt cache. */
  cacheWrite: Picodollars;
  /** Every output token, reasoning included. */
  output: Picodollars;
  /** The part of `output` that paid for reasoning: already inside `output`, never add it again. */
  reasoning: Picodollars;
  /** input + cachedInput + cacheWrite + output. */
  total: Picodollars;
  /** The long-context tier whose prices applied, if the input passed one. */
  tier?: PriceTier;
  batch: boolean;
}

/**
 * The exact cost of a call from its normalized usage (see `usageFromOpenAI`,
 * `usageFromAnthropic`, `usageFromGemini`).
 *
 * Uncached input pays the input price; cache reads the cached-input price; cache writes the
 * cache-write price for the TTL; output (reasoning included) the output price, except the
 * reasoning part when the model prices reasoning apart. Long-context tiers are cliffs: past
 * the threshold, every token of the call pays the tier's prices.
 *
 * @example
 * ```ts
 * const usage = usageFromOpenAI({
 *   prompt_tokens: 2006,
 *   completion_tokens: 300,
 *   prompt_tokens_details: { cached_tokens: 1920 },
 * });
 * formatUsd(costFromUsage("gpt-4o", usage).total); // "$0.005615"
 * ```
 */
export function costFromUsage(
  model: string | ModelInfo,
  usage: Usage,
  options: CostFromUsageOptions = {},
): CostBreakdown {
  const info = resolveModel(model, options.catalog);
  assertValidUsage(usage);
  const batch = readBatchOption(options.batch);
  const cacheWriteTtl = readCacheWriteTtl(options.cacheWriteTtl);
  const { rates, tier } = applicableRates(info, { inputTokens: usage.inputTokens, batch });

  const cacheWriteRate = cacheWriteTtl === "1h" ? rates.cacheWrite1h : rates.cacheWrite;
  if (cacheWriteRate === undefined && usage.cacheWriteTokens > 0) {
    throw invalidInput(
      "cacheWriteTtl",
      `"1h" cannot be priced: ${info.id} has no 1-hour cache-write price (prices.cacheWrite1h); ` +
        'use "5m" or add the price to your catalog',
    );
  }
  const uncachedInputTokens = usage.inputTokens - usage.cachedInputTokens - usage.cacheWriteTokens;
  const visibleOutputTokens = usage.outputTokens - usage.reasoningTokens;

  const input = costOfTokens(uncachedInputTokens, rates.input);
  const cachedInput = costOfTokens(usage.cachedInputTokens, rates.cachedInput);
  const cacheWrite = costOfTokens(usage.cacheWriteTokens, cacheWriteRate ?? 0n);
  const reasoning = costOfTokens(usage.reasoningTokens, rates.reasoning);
  const output = costOfTokens(visibleOutputTokens, rates.output) + reasoning;
  const total = input + cachedInput + cacheWrite + output;
  const breakdown: CostBreakdown = {
    model: info.id,
    input,
    cachedInput,
    cacheWrite,
    output,
    reasoning,
    total,
    batch,
  };
  if (tier !== undefined) breakdown.tier = tier;
  return breakdown;
}

function readBatchOption(batch: unknown): boolean {
  if (batch === undefined) return false;
  if (typeof batch !== "boolean") {
    throw invalidInput("batch", `must be true or false, got ${describeValue(batch)}`);
  }
  return batch;
}

function readCacheWriteTtl(ttl: unknown): "5m" | "1h" {
  if (ttl === undefined) return "5m";
  if (ttl !== "5m" && ttl !== "1h") {
    throw invalidInput("cacheWriteTtl", `must be "5m" or "1h", got ${describeValue(ttl)}`);
  }
  return ttl;
}
