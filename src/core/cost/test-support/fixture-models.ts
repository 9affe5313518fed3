/**
 * Small, hand-copied catalog entries for the cost tests, so they run without the real catalog.
 * Prices are LiteLLM's model_prices_and_context_window.json of 2026-07-24 (2026-03-12 for
 * models it no longer lists), per million tokens; the README's corrections are applied
 * (gemini-1.5-pro at Vertex's $1.25/$5; claude-3-opus 1-hour cache writes at $30).
 */
import type { ModelCapabilities, ModelInfo } from "../../catalog/index.js";
import { TokenwiseError } from "../../errors/index.js";
import type { ModelCatalog } from "../model-catalog.js";

const NO_CAPABILITIES: ModelCapabilities = {
  vision: false,
  tools: false,
  reasoning: false,
  promptCaching: false,
  structuredOutput: false,
  batch: false,
};

type FixtureFields = Pick<
  ModelInfo,
  "id" | "provider" | "tokenizer" | "contextWindow" | "maxOutputTokens" | "prices"
> &
  Partial<Omit<ModelInfo, "capabilities">> & { capabilities?: Partial<ModelCapabilities> };

function fixture(fields: FixtureFields): ModelInfo {
  return {
    displayName: fields.id,
    mode: "chat",
    aliases: [],
    source: "LiteLLM model_prices_and_context_window.json, 2026-07-24 (hand copy)",
    checked: "2026-07-24",
    ...fields,
    capabilities: { ...NO_CAPABILITIES, ...fields.capabilities },
  };
}

const OPENAI_CHAT = { vision: true, tools: true, promptCaching: true, structuredOutput: true };
const TILES_85_170 = { base: 85, perTile: 170 };

export const GPT_4O = fixture({
  id: "gpt-4o",
  provider: "openai",
  tokenizer: "o200k_base",
  contextWindow: 128_000,
  maxOutputTokens: 16_384,
  prices: { input: "2.5", output: "10", cachedInput: "1.25", batchInput: "1.25", batchOutput: "5" },
  capabilities: { ...OPENAI_CHAT, batch: true },
  imageTokens: TILES_85_170,
  speed: "fast",
  costClass: 2,
});

export const GPT_4O_MINI = fixture({
  id: "gpt-4o-mini",
  provider: "openai",
  tokenizer: "o200k_base",
  contextWindow: 128_000,
  maxOutputTokens: 16_384,
  prices: {
    input: "0.15",
    output: "0.6",
    cachedInput: "0.075",
    batchInput: "0.075",
    batchOutput: "0.3",
  },
  capabilities: { ...OPENAI_CHAT, batch: true },
  imageTokens: { base: 2833, perTile: 5667 },
  speed: "very-fast",
  costClass: 1,
});

export const GPT_4_1 = fixture({
  id: "gpt-4.1",
  provider: "openai",
  tokenizer: "o200k_base",
  contextWindow: 1_047_576,
  maxOutputTokens: 32_768,
  prices: { input: "2", output: "8", cachedInput: "0.5", batchInput: "1", batchOutput: "4" },
  capabilities: { ...OPENAI_CHAT, batch: true },
  imageTokens: TILES_85_170,
});

export const O1 = fixture({
  id: "o1",
  provider: "openai",
  tokenizer: "o200k_base",
  contextWindow: 200_000,
  maxOutputTokens: 100_000,
  prices: { input: "15", output: "60", cachedInput: "7.5" },
  capabilities: { ...OPENAI_CHAT, reasoning: true },
  imageTokens: TILES_85_170,
  speed: "very-slow",
  costClass: 4,
  notes: "No batch price (LiteLLM lists none).",
});

export const O3 = fixture({
  id: "o3",
  provider: "openai",
  tokenizer: "o200k_base",
  contextWindow: 200_000,
  maxOutputTokens: 100_000,
  prices: { input: "2", output: "8", cachedInput: "0.5" },
  capabilities: { ...OPENAI_CHAT, reasoning: true },
  imageTokens: TILES_85_170,
});

export const CLAUDE_3_5_SONNET = fixture({
  id: "claude-3-5-sonnet-20241022",
  provider: "anthropic",
  tokenizer: "claude",
  contextWindow: 200_000,
  maxOutputTokens: 8192,
  prices: { input: "3", output: "15", cachedInput: "0.3", cacheWrite: "3.75", cacheWrite1h: "6" },
  capabilities: { vision: true, tools: true, promptCaching: true, structuredOutput: true },
  aliases: ["claude-3-5-sonnet", "claude-3-5-sonnet-latest"],
  speed: "fast",
  costClass: 2,
  deprecationDate: "2025-10-01",
  checked: "2026-03-12",
});

export const CLAUDE_3_7_SONNET = fixture({
  id: "claude-3-7-sonnet-20250219",
  provider: "anthropic",
  tokenizer: "claude",
  contextWindow: 200_000,
  maxOutputTokens: 64_000,
  prices: { input: "3", output: "15", cachedInput: "0.3", cacheWrite: "3.75", cacheWrite1h: "6" },
  capabilities: {
    vision: true,
    tools: true,
    reasoning: true,
    promptCaching: true,
    structuredOutput: true,
  },
  aliases: ["claude-3-7-sonnet", "claude-3-7-sonnet-latest"],
  deprecationDate: "2026-02-19",
});

export const CLAUDE_SONNET_4_5 = fixture({
  id: "claude-sonnet-4-5-20250929",
  provider: "anthropic",
  tokenizer: "claude",
  contextWindow: 200_000,
  maxOutputTokens: 64_000,
  prices: { input: "3", output: "15", cachedInput: "0.3", cacheWrite: "3.75", cacheWrite1h: "6" },
  tiers: [
    {
      aboveInputTokens: 200_000,
      input: "6",
      output: "22.5",
      cachedInput: "0.6",
      cacheWrite: "7.5",
    },
  ],
  capabilities: {
    vision: true,
    tools: true,
    reasoning: true,
    promptCaching: true,
    structuredOutput: true,
  },
  aliases: ["claude-sonnet-4-5"],
});

/** 1M-token context (LiteLLM's max_input_tokens), so its 200K tier can apply. */
export const CLAUDE_SONNET_4 = fixture({
  id: "claude-sonnet-4-20250514",
  provider: "anthropic",
  tokenizer: "claude",
  contextWindow: 1_000_000,
  maxOutputTokens: 64_000,
  prices: { input: "3", output: "15", cachedInput: "0.3", cacheWrite: "3.75", cacheWrite1h: "6" },
  tiers: [
    {
      aboveInputTokens: 200_000,
      input: "6",
      output: "22.5",
      cachedInput: "0.6",
      cacheWrite: "7.5",
    },
  ],
  capabilities: {
    vision: true,
    tools: true,
    reasoning: true,
    promptCaching: true,
    structuredOutput: true,
  },
  aliases: ["claude-sonnet-4"],
  deprecationDate: "2026-05-14",
});

export const CLAUDE_3_OPUS = fixture({
  id: "claude-3-opus-20240229",
  provider: "anthropic",
  tokenizer: "claude",
  contextWindow: 200_000,
  maxOutputTokens: 4096,
  prices: {
    input: "15",
    output: "75",
    cachedInput: "1.5",
    cacheWrite: "18.75",
    cacheWrite1h: "30",
  },
  capabilities: { vision: true, tools: true, promptCaching: true, structuredOutput: true },
  aliases: ["claude-3-opus", "claude-3-opus-latest"],
  deprecationDate: "2026-05-01",
});

export const CLAUDE_OPUS_4_5 = fixture({
  id: "claude-opus-4-5-20251101",
  provider: "anthropic",
  tokenizer: "claude",
  contextWindow: 200_000,
  maxOutputTokens: 64_000,
  prices: { input: "5", output: "25", cachedInput: "0.5", cacheWrite: "6.25", cacheWrite1h: "10" },
  capabilities: {
    vision: true,
    tools: true,
    reasoning: true,
    promptCaching: true,
    structuredOutput: true,
  },
  aliases: ["claude-opus-4-5"],
});

export const GEMINI_1_5_PRO = fixture({
  id: "gemini-1.5-pro",
  provider: "google",
  tokenizer: "gemini",
  contextWindow: 2_097_152,
  maxOutputTokens: 8192,
  prices: { input: "1.25", output: "5" },
  tiers: [{ aboveInputTokens: 128_000, input: "2.5", output: "10" }],
  capabilities: { vision: true, tools: true, structuredOutput: true },
  speed: "medium",
  costClass: 2,
  deprecationDate: "2025-09-29",
  checked: "2026-03-12",
});

export const GEMINI_2_0_FLASH = fixture({
  id: "gemini-2.0-flash",
  provider: "google",
  tokenizer: "gemini",
  contextWindow: 1_048_576,
  maxOutputTokens: 8192,
  prices: { input: "0.1", output: "0.4", cachedInput: "0.025" },
  capabilities: { vision: true, tools: true, promptCaching: true, structuredOutput: true },
  speed: "very-fast",
  costClass: 1,
  deprecationDate: "2026-06-01",
});

export const GEMINI_2_5_PRO = fixture({
  id: "gemini-2.5-pro",
  provider: "google",
  tokenizer: "gemini",
  contextWindow: 1_048_576,
  maxOutputTokens: 65_535,
  prices: { input: "1.25", output: "10", cachedInput: "0.125" },
  tiers: [{ aboveInputTokens: 200_000, input: "2.5", output: "15", cachedInput: "0.25" }],
  capabilities: {
    vision: true,
    tools: true,
    reasoning: true,
    promptCaching: true,
    structuredOutput: true,
  },
});

export const GEMINI_2_5_FLASH_LITE = fixture({
  id: "gemini-2.5-flash-lite",
  provider: "google",
  tokenizer: "gemini",
  contextWindow: 1_048_576,
  maxOutputTokens: 65_535,
  prices: { input: "0.1", output: "0.4", cachedInput: "0.01" },
  capabilities: {
    vision: true,
    tools: true,
    reasoning: true,
    promptCaching: true,
    structuredOutput: true,
  },
});

export const TEXT_EMBEDDING_3_SMALL = fixture({
  id: "text-embedding-3-small",
  provider: "openai",
  mode: "embedding",
  tokenizer: "cl100k_base",
  contextWindow: 8191,
  maxOutputTokens: 0,
  prices: { input: "0.02", output: "0", batchInput: "0.01", batchOutput: "0" },
  embeddingDimensions: 1536,
});

export const FIXTURE_MODELS: readonly ModelInfo[] = [
  GPT_4O,
  GPT_4O_MINI,
  GPT_4_1,
  O1,
  O3,
  CLAUDE_3_5_SONNET,
  CLAUDE_3_7_SONNET,
  CLAUDE_SONNET_4_5,
  CLAUDE_SONNET_4,
  CLAUDE_3_OPUS,
  CLAUDE_OPUS_4_5,
  GEMINI_1_5_PRO,
  GEMINI_2_0_FLASH,
  GEMINI_2_5_PRO,
  GEMINI_2_5_FLASH_LITE,
  TEXT_EMBEDDING_3_SMALL,
];

/**
 * A catalog over `models` with exact, case-insensitive lookups by id or alias. Unknown names
 * throw `unknown_model` with the ids that share the name's first word as suggestions.
 */
export function fixtureCatalog(models: readonly ModelInfo[] = FIXTURE_MODELS): ModelCatalog {
  const byName = new Map<string, ModelInfo>();
  for (const model of models) {
    for (const name of [model.id, ...model.aliases]) byName.set(name.toLowerCase(), model);
  }
  return {
    get(nameOrAlias) {
      const model = byName.get(nameOrAlias.trim().toLowerCase());
      if (model !== undefined) return model;
      const family = nameOrAlias.split("-")[0] ?? nameOrAlias;
      const suggestions = models
        .filter((candidate) => candidate.id.startsWith(family))
        .map((candidate) => candidate.id);
      throw new TokenwiseError("unknown_model", `Unknown model "${nameOrAlias}".`, {
        details: { name: nameOrAlias, suggestions },
      });
    },
    list: () => models,
  };
}
