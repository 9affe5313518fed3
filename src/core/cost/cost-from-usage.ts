import type { ModelInfo, PriceTier } from "../catalog/index.js";
import { describeValue, invalidInput } from "../errors/index.js";
import { costOfTokens, type Picodollars } from "../money/index.js";
import { applicableRates } from "./applicable-rates.js";
import { type ModelCatalog, resolveModel } from "./model-catalog.js";
import { pricesAt } from "./prices-at.js";
import { assertValidUsage, type Usage } from "./usage.js";

export interface CostFromUsageOptions {
  /** Price the call at the model's Batch API prices (throws if the model has none). */
  batch?: boolean;
  /**
   * Lifetime of the cache entries written, for a usage that does not split them (Anthropic
   * bills 1-hour writes higher). Default "5m". A usage with `cacheWrite1hTokens` is priced by
   * its split: those at the 1-hour rate, the rest at the 5-minute rate.
   */
  cacheWriteTtl?: "5m" | "1h";
  /**
   * When the call was made: the prices in force that day apply (see `priceHistory`).
   * Default: now.
   */
  at?: Date | string;
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
  /** The part of `input` and `output` that paid for audio tokens, when there were any. */
  audio?: Picodollars;
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
 * Uncached input pays the input price (audio tokens the audio input price); cache reads the
 * cached-input price; cache writes the 5-minute or 1-hour cache-write price by lifetime;
 * output (reasoning included) the output price, except the reasoning part when the model
 * prices reasoning apart, the audio part at the audio output price and generated image tokens
 * at the image output price. The prices are those
 * in force at `options.at` (default now). Long-context tiers are cliffs: past
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
  const info = pricesAt(resolveModel(model, options.catalog), options.at ?? new Date());
  assertValidUsage(usage);
  const batch = readBatchOption(options.batch);
  const cacheWriteTtl = readCacheWriteTtl(options.cacheWriteTtl);
  const { rates, tier } = applicableRates(info, { inputTokens: usage.inputTokens, batch });

  const oneHourWrites =
    usage.cacheWrite1hTokens ?? (cacheWriteTtl === "1h" ? usage.cacheWriteTokens : 0);
  const fiveMinuteWrites = usage.cacheWriteTokens - oneHourWrites;
  if (rates.cacheWrite1h === undefined && oneHourWrites > 0) {
    const missing = `${info.id} has no 1-hour cache-write price (prices.cacheWrite1h)`;
    throw usage.cacheWrite1hTokens === undefined
      ? invalidInput(
          "cacheWriteTtl",
          `"1h" cannot be priced: ${missing}; use "5m" or add the price to your catalog`,
        )
      : invalidInput(
          "usage.cacheWrite1hTokens",
          `(${oneHourWrites}) cannot be priced: ${missing}; add the price to your catalog`,
        );
  }
  const audioInputTokens = usage.audioInputTokens ?? 0;
  const audioOutputTokens = usage.audioOutputTokens ?? 0;
  const imageOutputTokens = usage.imageOutputTokens ?? 0;
  const uncachedTextTokens =
    usage.inputTokens - usage.cachedInputTokens - usage.cacheWriteTokens - audioInputTokens;
  const visibleTextTokens =
    usage.outputTokens - usage.reasoningTokens - audioOutputTokens - imageOutputTokens;

  const audio =
    costOfTokens(audioInputTokens, rates.audioInput) +
    costOfTokens(audioOutputTokens, rates.audioOutput);
  const input =
    costOfTokens(uncachedTextTokens, rates.input) +
    costOfTokens(audioInputTokens, rates.audioInput);
  const cachedInput = costOfTokens(usage.cachedInputTokens, rates.cachedInput);
  const cacheWrite =
    costOfTokens(fiveMinuteWrites, rates.cacheWrite) +
    costOfTokens(oneHourWrites, rates.cacheWrite1h ?? 0n);
  const reasoning = costOfTokens(usage.reasoningTokens, rates.reasoning);
  const output =
    costOfTokens(visibleTextTokens, rates.output) +
    costOfTokens(audioOutputTokens, rates.audioOutput) +
    costOfTokens(imageOutputTokens, rates.imageOutput) +
    reasoning;
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
  if (audio > 0n) breakdown.audio = audio;
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
