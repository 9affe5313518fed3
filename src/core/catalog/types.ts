/**
 * Shapes of the model catalog. Prices are decimal strings of US dollars per million tokens,
 * so they convert to exact money (see `usd`) without passing through a float.
 */
import type { TokenizerName } from "../tokens/index.js";

export type { TokenizerName };

export type Provider = "openai" | "anthropic" | "google" | (string & {});

/** Prices in USD per million tokens, as decimal strings ("2.50"). */
export interface ModelPrices {
  input: string;
  output: string;
  /** Input tokens read from the provider's prompt cache. */
  cachedInput?: string;
  /** Input tokens written to the prompt cache (Anthropic: 5-minute TTL). */
  cacheWrite?: string;
  /** Cache writes with a 1-hour TTL (Anthropic). */
  cacheWrite1h?: string;
  /** Reasoning tokens, when billed differently from output (rare; default: output price). */
  reasoning?: string;
  /** Batch API prices (usually half). */
  batchInput?: string;
  batchOutput?: string;
  /** Audio input tokens (OpenAI audio models, Gemini audio input); default: the input price. */
  audioInput?: string;
  /** Audio output tokens; default: the output price. */
  audioOutput?: string;
  /** Generated image tokens (Gemini image models); default: the output price. */
  imageOutput?: string;
  /**
   * ISO date these prices took effect. Absent: in force since before the catalog's sources.
   * Not a price: it dates the whole set.
   */
  from?: string;
}

/** An earlier set of prices, in force from `prices.from` until the next period's date. */
export interface PricePeriod {
  prices: ModelPrices & { from?: string };
  /** The long-context tiers of the period (none: the period had no tiers). */
  tiers?: PriceTier[];
}

/**
 * A long-context tier: when the request's input tokens exceed `aboveInputTokens`, every token
 * of the request is billed at these prices (a cliff, not a marginal bracket).
 */
export interface PriceTier {
  aboveInputTokens: number;
  input: string;
  output: string;
  cachedInput?: string;
  cacheWrite?: string;
  /** 1-hour cache writes past the threshold (Anthropic). */
  cacheWrite1h?: string;
}

export interface ModelCapabilities {
  vision: boolean;
  tools: boolean;
  reasoning: boolean;
  promptCaching: boolean;
  structuredOutput: boolean;
  batch: boolean;
}

/** The tutorial's qualitative classes, where it gives one. */
export type SpeedClass = "very-fast" | "fast" | "medium" | "slow" | "very-slow";

export interface ModelInfo {
  /** Canonical id as the provider's API expects it ("claude-3-5-sonnet-20241022"). */
  id: string;
  provider: Provider;
  displayName: string;
  mode: "chat" | "embedding";
  tokenizer: TokenizerName;
  /** Maximum input + output tokens the model can attend to. */
  contextWindow: number;
  /** Maximum tokens the model can generate in one reply. */
  maxOutputTokens: number;
  /**
   * Largest prompt the model accepts, when the provider caps input below the shared window
   * (gpt-5: 272,000 of a 400,000-token window). Absent when only `contextWindow` limits input.
   */
  maxInputTokens?: number;
  /** The newest prices (their `from` says since when); see `priceHistory` for earlier ones. */
  prices: ModelPrices;
  tiers?: PriceTier[];
  /**
   * Earlier price periods, oldest first, each ending where the next one (or `prices.from`)
   * begins. `costFromUsage({ at })` prices a call with the period in force at that time.
   */
  priceHistory?: PricePeriod[];
  capabilities: ModelCapabilities;
  /** Other names that resolve to this model ("claude-3-5-sonnet", "claude-3-5-sonnet-latest"). */
  aliases: string[];
  speed?: SpeedClass;
  /** The tutorial's "$" to "$$$$$" cost class, 1 to 5. */
  costClass?: 1 | 2 | 3 | 4 | 5;
  /**
   * Image input cost for OpenAI tile-based vision models: `base` tokens per image plus
   * `perTile` per 512-px tile at high detail (gpt-4o: 85 + 170; gpt-4o-mini: 2833 + 5667).
   */
  imageTokens?: { base: number; perTile: number };
  /** Output vector size for embedding models. */
  embeddingDimensions?: number;
  /** ISO date after which the provider retires the model. */
  deprecationDate?: string;
  /** Where the facts come from, and the ISO date they were checked. */
  source: string;
  checked: string;
  notes?: string;
}
