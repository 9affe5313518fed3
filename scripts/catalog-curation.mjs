/**
 * The hand-curated half of tokenwise's model catalog: which LiteLLM entries become catalog
 * models, and the facts LiteLLM does not carry (display name, tokenizer, aliases, the
 * tutorial's speed and cost classes, image token constants, notes) plus the corrections of
 * known LiteLLM data bugs. scripts/build-catalog.mjs joins this with the LiteLLM files.
 *
 * Entry fields:
 * - id: canonical model id; from: the LiteLLM key to read (default: id).
 * - aliases: other names. Any alias that is also a LiteLLM key must have the same prices and
 *   limits there as `from` (the build checks it), otherwise it deserves its own entry.
 * - aliasPriceExceptions: alias -> why LiteLLM's different price for it is stale.
 * - deprecationFrom: a LiteLLM key (a dated snapshot) whose deprecation_date applies.
 * - set: curated facts that override LiteLLM, each with a `note` saying why.
 * - corrections: fixes of known LiteLLM data bugs, each with `note` and `source`.
 * - noBatch: the provider does not offer the model through its Batch API (realtime, live).
 * - genai: the genai-prices model ("provider/id") to read dated price periods from (default:
 *   the same provider and id); with `facts`, a model LiteLLM lists only under third-party
 *   hosts, whose limits and capabilities `facts` gives and whose price genai-prices gives.
 */

const ANTHROPIC_PRICING =
  "https://www.anthropic.com/pricing (prompt caching: 1-hour writes cost 2x base input)";
const OPENAI_VISION = "OpenAI vision guide, calculating costs (image tokens per model)";
const TILE_85 = { base: 85, perTile: 170 };
const TILE_75 = { base: 75, perTile: 150 };
const PATCH_NOTE =
  "Images are billed by 32-px patches times a model multiplier, which imageTokens (tile formula) does not describe.";

const OPEN_WEIGHT_NOTE =
  "Open-weight model: OpenAI does not serve it; the price is the one genai-prices lists under its maker (hosts such as Groq, Fireworks or Bedrock charge their own), so use your host's price via --catalog when it differs.";
const OPEN_WEIGHT_GPT_OSS = {
  provider: "openai",
  mode: "chat",
  tokenizer: "o200k_base",
  contextWindow: 131072,
  maxOutputTokens: 131072,
  capabilities: {
    vision: false,
    tools: true,
    reasoning: true,
    promptCaching: false,
    structuredOutput: true,
    batch: false,
  },
};
const OPEN_WEIGHT_GEMMA_4 = {
  provider: "google",
  mode: "chat",
  tokenizer: "gemini",
  contextWindow: 262144,
  maxOutputTokens: 32768,
  capabilities: {
    vision: true,
    tools: true,
    reasoning: false,
    promptCaching: false,
    structuredOutput: true,
    batch: false,
  },
};

/** The total window of gpt-5, 5.1 and 5.2 is 400,000 tokens, of which at most 272,000 input. */
const GPT5_WINDOW = {
  contextWindow: 400000,
  maxInputTokens: 272000,
  note: "OpenAI documents a 400,000-token context window (272,000 input + 128,000 output); LiteLLM's max_input_tokens is the input cap.",
};

export const CURATED_MODELS = [
  // OpenAI: the tutorial's models
  {
    id: "gpt-4.5-preview",
    displayName: "GPT-4.5 (preview)",
    aliases: ["gpt-4.5", "gpt-4.5-preview-2025-02-27"],
    deprecationFrom: "gpt-4.5-preview-2025-02-27",
    speed: "slow",
    costClass: 5,
    imageTokens: TILE_85,
  },
  {
    id: "gpt-4o",
    displayName: "GPT-4o",
    aliases: ["gpt-4o-2024-08-06", "gpt-4o-2024-11-20"],
    speed: "fast",
    costClass: 2,
    imageTokens: TILE_85,
  },
  {
    id: "gpt-4o-2024-05-13",
    displayName: "GPT-4o (2024-05-13)",
    imageTokens: TILE_85,
    notes: "The first GPT-4o snapshot, priced higher than later ones.",
  },
  {
    id: "gpt-4o-mini",
    displayName: "GPT-4o mini",
    aliases: ["gpt-4o-mini-2024-07-18"],
    speed: "very-fast",
    costClass: 1,
    imageTokens: { base: 2833, perTile: 5667 },
    notes: "Image tokens are inflated so an image costs about what it costs on gpt-4o.",
  },
  {
    id: "o1",
    displayName: "o1",
    aliases: ["o1-2024-12-17"],
    speed: "very-slow",
    costClass: 4,
    imageTokens: TILE_75,
    corrections: [
      {
        prices: { batchInput: "7.5", batchOutput: "30" },
        capabilities: { batch: true },
        note: "LiteLLM lists no batch price for o1; OpenAI's Batch API prices it at $7.50 / $30.00 per million tokens (half the standard price).",
        source: "https://openai.com/api/pricing (Batch tab)",
      },
    ],
  },
  {
    id: "o1-mini",
    displayName: "o1-mini",
    aliases: ["o1-mini-2024-09-12"],
    aliasPriceExceptions: {
      "o1-mini-2024-09-12":
        "LiteLLM's entry for the snapshot o1-mini-2024-09-12 keeps the launch price of $3 / $12; OpenAI's later price cut to $1.10 / $4.40 applies to it (the only o1-mini snapshot).",
    },
    deprecationFrom: "o1-mini-2024-09-12",
    speed: "slow",
    costClass: 2,
    corrections: [
      {
        capabilities: { reasoning: true, vision: false },
        note: "LiteLLM marks o1-mini as a vision model without reasoning; it is a reasoning model that accepts text only.",
        source: "https://platform.openai.com/docs/models/o1-mini",
      },
    ],
  },
  // OpenAI: current generation
  {
    id: "gpt-4.1",
    displayName: "GPT-4.1",
    aliases: ["gpt-4.1-2025-04-14"],
    imageTokens: TILE_85,
  },
  {
    id: "gpt-4.1-mini",
    displayName: "GPT-4.1 mini",
    aliases: ["gpt-4.1-mini-2025-04-14"],
    notes: PATCH_NOTE,
  },
  {
    id: "gpt-4.1-nano",
    displayName: "GPT-4.1 nano",
    aliases: ["gpt-4.1-nano-2025-04-14"],
    notes: PATCH_NOTE,
  },
  {
    id: "gpt-5",
    displayName: "GPT-5",
    aliases: ["gpt-5-2025-08-07"],
    imageTokens: { base: 70, perTile: 140 },
    set: GPT5_WINDOW,
  },
  {
    id: "gpt-5-mini",
    displayName: "GPT-5 mini",
    aliases: ["gpt-5-mini-2025-08-07"],
    set: GPT5_WINDOW,
    notes: PATCH_NOTE,
  },
  {
    id: "gpt-5-nano",
    displayName: "GPT-5 nano",
    aliases: ["gpt-5-nano-2025-08-07"],
    set: GPT5_WINDOW,
    notes: PATCH_NOTE,
  },
  { id: "gpt-5.1", displayName: "GPT-5.1", aliases: ["gpt-5.1-2025-11-13"], set: GPT5_WINDOW },
  { id: "gpt-5.2", displayName: "GPT-5.2", aliases: ["gpt-5.2-2025-12-11"], set: GPT5_WINDOW },
  { id: "gpt-5.4", displayName: "GPT-5.4", aliases: ["gpt-5.4-2026-03-05"] },
  { id: "gpt-5.4-mini", displayName: "GPT-5.4 mini", aliases: ["gpt-5.4-mini-2026-03-17"] },
  { id: "gpt-5.4-nano", displayName: "GPT-5.4 nano", aliases: ["gpt-5.4-nano-2026-03-17"] },
  { id: "gpt-5.5", displayName: "GPT-5.5", aliases: ["gpt-5.5-2026-04-23"] },
  { id: "gpt-5.6", displayName: "GPT-5.6" },
  { id: "gpt-5.6-sol", displayName: "GPT-5.6 Sol" },
  { id: "gpt-5.6-terra", displayName: "GPT-5.6 Terra" },
  { id: "gpt-5.6-luna", displayName: "GPT-5.6 Luna" },
  { id: "o3", displayName: "o3", aliases: ["o3-2025-04-16"], imageTokens: TILE_75 },
  { id: "o3-pro", displayName: "o3-pro", aliases: ["o3-pro-2025-06-10"] },
  { id: "o1-pro", displayName: "o1-pro", aliases: ["o1-pro-2025-03-19"] },
  { id: "gpt-5-pro", displayName: "GPT-5 pro", aliases: ["gpt-5-pro-2025-10-06"] },
  { id: "gpt-5.2-pro", displayName: "GPT-5.2 pro", aliases: ["gpt-5.2-pro-2025-12-11"] },
  { id: "gpt-5.4-pro", displayName: "GPT-5.4 pro", aliases: ["gpt-5.4-pro-2026-03-05"] },
  { id: "gpt-5.5-pro", displayName: "GPT-5.5 pro", aliases: ["gpt-5.5-pro-2026-04-23"] },
  { id: "gpt-5-codex", displayName: "GPT-5-Codex" },
  { id: "gpt-5.1-codex", displayName: "GPT-5.1-Codex" },
  { id: "gpt-5.1-codex-mini", displayName: "GPT-5.1-Codex mini" },
  { id: "gpt-5.1-codex-max", displayName: "GPT-5.1-Codex Max" },
  { id: "gpt-5.2-codex", displayName: "GPT-5.2-Codex" },
  { id: "gpt-5.3-codex", displayName: "GPT-5.3-Codex" },
  { id: "gpt-5-chat-latest", displayName: "GPT-5 Chat (latest)", aliases: ["gpt-5-chat"] },
  { id: "gpt-5.1-chat-latest", displayName: "GPT-5.1 Chat (latest)" },
  { id: "gpt-5.2-chat-latest", displayName: "GPT-5.2 Chat (latest)" },
  { id: "gpt-5.3-chat-latest", displayName: "GPT-5.3 Chat (latest)" },
  // OpenAI: audio and realtime (audio tokens priced apart)
  {
    id: "gpt-audio",
    displayName: "gpt-audio",
    aliases: ["gpt-audio-2025-08-28"],
    noBatch: true,
  },
  { id: "gpt-audio-1.5", displayName: "gpt-audio 1.5", noBatch: true },
  {
    id: "gpt-audio-mini",
    displayName: "gpt-audio mini",
    aliases: ["gpt-audio-mini-2025-10-06", "gpt-audio-mini-2025-12-15"],
    noBatch: true,
  },
  {
    id: "gpt-4o-audio-preview",
    displayName: "GPT-4o Audio (preview)",
    aliases: ["gpt-4o-audio-preview-2024-12-17", "gpt-4o-audio-preview-2025-06-03"],
    noBatch: true,
  },
  {
    id: "gpt-4o-mini-audio-preview",
    displayName: "GPT-4o mini Audio (preview)",
    aliases: ["gpt-4o-mini-audio-preview-2024-12-17"],
    noBatch: true,
  },
  {
    id: "gpt-realtime",
    displayName: "gpt-realtime",
    aliases: ["gpt-realtime-2025-08-28"],
    noBatch: true,
  },
  { id: "gpt-realtime-1.5", displayName: "gpt-realtime 1.5", noBatch: true },
  { id: "gpt-realtime-2", displayName: "gpt-realtime 2", noBatch: true },
  { id: "gpt-realtime-2.1", displayName: "gpt-realtime 2.1", noBatch: true },
  { id: "gpt-realtime-2.1-mini", displayName: "gpt-realtime 2.1 mini", noBatch: true },
  {
    id: "gpt-realtime-mini",
    displayName: "gpt-realtime mini",
    noBatch: true,
  },
  {
    id: "gpt-4o-realtime-preview",
    displayName: "GPT-4o Realtime (preview)",
    aliases: ["gpt-4o-realtime-preview-2024-12-17", "gpt-4o-realtime-preview-2025-06-03"],
    noBatch: true,
  },
  {
    id: "gpt-4o-mini-realtime-preview",
    displayName: "GPT-4o mini Realtime (preview)",
    aliases: ["gpt-4o-mini-realtime-preview-2024-12-17"],
    noBatch: true,
  },
  // OpenAI: open-weight models (served by other hosts, at their prices)
  {
    id: "gpt-oss-120b",
    displayName: "gpt-oss-120b",
    genai: "openai/gpt-oss-120b",
    noBatch: true,
    facts: OPEN_WEIGHT_GPT_OSS,
    notes: OPEN_WEIGHT_NOTE,
  },
  {
    id: "gpt-oss-20b",
    displayName: "gpt-oss-20b",
    genai: "openai/gpt-oss-20b",
    noBatch: true,
    facts: OPEN_WEIGHT_GPT_OSS,
    notes: OPEN_WEIGHT_NOTE,
  },
  { id: "o3-mini", displayName: "o3-mini", aliases: ["o3-mini-2025-01-31"] },
  { id: "o4-mini", displayName: "o4-mini", aliases: ["o4-mini-2025-04-16"], notes: PATCH_NOTE },
  // OpenAI: earlier generations
  {
    id: "gpt-4-turbo",
    displayName: "GPT-4 Turbo",
    aliases: ["gpt-4-turbo-2024-04-09"],
    imageTokens: TILE_85,
  },
  { id: "gpt-4", displayName: "GPT-4" },
  { id: "gpt-3.5-turbo", displayName: "GPT-3.5 Turbo", aliases: ["gpt-3.5-turbo-0125"] },
  // OpenAI: embeddings
  { id: "text-embedding-3-small", displayName: "text-embedding-3-small" },
  { id: "text-embedding-3-large", displayName: "text-embedding-3-large" },
  { id: "text-embedding-ada-002", displayName: "text-embedding-ada-002" },

  // Anthropic: the tutorial's models
  {
    id: "claude-3-5-sonnet-20241022",
    displayName: "Claude 3.5 Sonnet",
    aliases: [
      "claude-3-5-sonnet",
      "claude-3-5-sonnet-latest",
      "claude-3.5-sonnet",
      "claude-3-5-sonnet-20240620",
    ],
    speed: "fast",
    costClass: 2,
    notes:
      "claude-3-5-sonnet-20240620 (the first 3.5 Sonnet) resolves here: same prices and limits.",
  },
  {
    id: "claude-3-5-haiku-20241022",
    displayName: "Claude 3.5 Haiku",
    aliases: ["claude-3-5-haiku", "claude-3-5-haiku-latest", "claude-3.5-haiku"],
    aliasPriceExceptions: {
      "claude-3-5-haiku-latest":
        "LiteLLM's claude-3-5-haiku-latest entry keeps the launch price of $1 / $5; the alias points at claude-3-5-haiku-20241022, priced $0.80 / $4.",
    },
    corrections: [
      {
        prices: { cacheWrite1h: "1.6" },
        note: "LiteLLM's 1-hour cache write price for Claude 3.5 Haiku is $6 per million; Anthropic's is $1.60 (2x the $0.80 input price).",
        source: ANTHROPIC_PRICING,
      },
    ],
  },
  {
    id: "claude-3-opus-20240229",
    displayName: "Claude 3 Opus",
    aliases: ["claude-3-opus", "claude-3-opus-latest"],
    corrections: [
      {
        prices: { cacheWrite1h: "30" },
        note: "LiteLLM's 1-hour cache write price for Claude 3 Opus is $6 per million; Anthropic's is $30 (2x the $15 input price).",
        source: ANTHROPIC_PRICING,
      },
    ],
  },
  // Anthropic: other generations
  {
    id: "claude-3-haiku-20240307",
    displayName: "Claude 3 Haiku",
    aliases: ["claude-3-haiku"],
    corrections: [
      {
        prices: { cacheWrite1h: "0.5" },
        note: "LiteLLM's 1-hour cache write price for Claude 3 Haiku is $6 per million; Anthropic's is $0.50 (2x the $0.25 input price).",
        source: ANTHROPIC_PRICING,
      },
    ],
  },
  {
    id: "claude-3-7-sonnet-20250219",
    displayName: "Claude 3.7 Sonnet",
    aliases: ["claude-3-7-sonnet", "claude-3-7-sonnet-latest", "claude-3.7-sonnet"],
  },
  {
    id: "claude-sonnet-4-20250514",
    displayName: "Claude Sonnet 4",
    aliases: [
      "claude-sonnet-4",
      "claude-sonnet-4-0",
      "claude-4-sonnet",
      "claude-4-sonnet-20250514",
    ],
    set: {
      contextWindow: 200000,
      note: "Standard window 200,000 tokens; the 1M-token window is a beta (LiteLLM lists 1,000,000) billed at the tier prices above 200K input.",
    },
  },
  {
    id: "claude-opus-4-20250514",
    displayName: "Claude Opus 4",
    aliases: ["claude-opus-4", "claude-opus-4-0", "claude-4-opus", "claude-4-opus-20250514"],
  },
  {
    id: "claude-opus-4-1-20250805",
    displayName: "Claude Opus 4.1",
    aliases: ["claude-opus-4-1", "claude-opus-4.1"],
  },
  {
    id: "claude-sonnet-4-5-20250929",
    displayName: "Claude Sonnet 4.5",
    aliases: ["claude-sonnet-4-5", "claude-sonnet-4.5"],
    notes: "Tier prices above 200K input apply with the 1M-token context beta.",
  },
  {
    id: "claude-haiku-4-5-20251001",
    displayName: "Claude Haiku 4.5",
    aliases: ["claude-haiku-4-5", "claude-haiku-4.5"],
  },
  {
    id: "claude-opus-4-5-20251101",
    displayName: "Claude Opus 4.5",
    aliases: ["claude-opus-4-5", "claude-opus-4.5"],
  },
  {
    id: "claude-opus-4-6",
    displayName: "Claude Opus 4.6",
    aliases: ["claude-opus-4-6-20260205", "claude-opus-4.6"],
  },
  { id: "claude-sonnet-4-6", displayName: "Claude Sonnet 4.6", aliases: ["claude-sonnet-4.6"] },
  {
    id: "claude-opus-4-7",
    displayName: "Claude Opus 4.7",
    aliases: ["claude-opus-4-7-20260416", "claude-opus-4.7"],
  },
  { id: "claude-opus-4-8", displayName: "Claude Opus 4.8", aliases: ["claude-opus-4.8"] },
  { id: "claude-sonnet-5", displayName: "Claude Sonnet 5" },
  { id: "claude-opus-5", displayName: "Claude Opus 5" },
  { id: "claude-fable-5", displayName: "Claude Fable 5" },

  // Google: the tutorial's models
  {
    id: "gemini-2.0-flash",
    from: "gemini/gemini-2.0-flash",
    displayName: "Gemini 2.0 Flash",
    aliases: ["gemini-2.0-flash-001"],
    speed: "very-fast",
    costClass: 1,
  },
  {
    id: "gemini-1.5-pro",
    from: "gemini/gemini-1.5-pro",
    displayName: "Gemini 1.5 Pro",
    aliases: ["gemini-1.5-pro-002"],
    speed: "medium",
    costClass: 2,
    corrections: [
      {
        prices: { input: "1.25", output: "5" },
        tiers: [{ aboveInputTokens: 128000, input: "2.5", output: "10" }],
        note: "LiteLLM's Gemini API entry still has the pre-October-2024 $3.50 / $10.50; Google cut Gemini 1.5 Pro to $1.25 / $5 ($2.50 / $10 above 128K input), as LiteLLM's Vertex AI entry has.",
        source: "https://ai.google.dev/pricing (Gemini 1.5 Pro, October 2024 price cut)",
      },
    ],
  },
  // Google: current generation
  {
    id: "gemini-2.0-flash-lite",
    from: "gemini/gemini-2.0-flash-lite",
    displayName: "Gemini 2.0 Flash-Lite",
    aliases: ["gemini-2.0-flash-lite-001"],
  },
  { id: "gemini-2.5-pro", from: "gemini/gemini-2.5-pro", displayName: "Gemini 2.5 Pro" },
  { id: "gemini-2.5-flash", from: "gemini/gemini-2.5-flash", displayName: "Gemini 2.5 Flash" },
  {
    id: "gemini-2.5-flash-lite",
    from: "gemini/gemini-2.5-flash-lite",
    displayName: "Gemini 2.5 Flash-Lite",
  },
  {
    id: "gemini-3-pro-preview",
    from: "gemini/gemini-3-pro-preview",
    displayName: "Gemini 3 Pro (preview)",
  },
  {
    id: "gemini-3.1-pro-preview",
    from: "gemini/gemini-3.1-pro-preview",
    displayName: "Gemini 3.1 Pro (preview)",
  },
  {
    id: "gemini-3-flash-preview",
    from: "gemini/gemini-3-flash-preview",
    displayName: "Gemini 3 Flash (preview)",
  },
  { id: "gemini-3.5-flash", from: "gemini/gemini-3.5-flash", displayName: "Gemini 3.5 Flash" },
  { id: "gemini-3.6-flash", from: "gemini/gemini-3.6-flash", displayName: "Gemini 3.6 Flash" },
  {
    id: "gemini-3.1-flash-lite",
    from: "gemini/gemini-3.1-flash-lite",
    displayName: "Gemini 3.1 Flash-Lite",
  },
  {
    id: "gemini-3.5-flash-lite",
    from: "gemini/gemini-3.5-flash-lite",
    displayName: "Gemini 3.5 Flash-Lite",
  },
  // Google: image and live models
  {
    id: "gemini-3-pro-image",
    from: "gemini/gemini-3-pro-image",
    displayName: "Gemini 3 Pro Image",
    aliases: ["gemini-3-pro-image-preview"],
  },
  {
    id: "gemini-3.1-flash-image",
    from: "gemini/gemini-3.1-flash-image",
    displayName: "Gemini 3.1 Flash Image",
    aliases: ["gemini-3.1-flash-image-preview"],
  },
  {
    id: "gemini-3.1-flash-live-preview",
    from: "gemini/gemini-3.1-flash-live-preview",
    displayName: "Gemini 3.1 Flash Live (preview)",
    noBatch: true,
  },
  // Google: open-weight models
  {
    id: "gemma-4-31b-it",
    displayName: "Gemma 4 31B",
    genai: "google/gemma-4-31b-it",
    aliases: ["gemma-4-31b"],
    noBatch: true,
    facts: OPEN_WEIGHT_GEMMA_4,
    notes: OPEN_WEIGHT_NOTE.replace(
      "OpenAI does not serve it",
      "Google serves it in the Gemini API",
    ),
  },
  {
    id: "gemma-4-26b-a4b-it",
    displayName: "Gemma 4 26B A4B",
    genai: "google/gemma-4-26b-a4b-it",
    aliases: ["gemma-4-26b-a4b"],
    noBatch: true,
    facts: OPEN_WEIGHT_GEMMA_4,
    notes: OPEN_WEIGHT_NOTE.replace(
      "OpenAI does not serve it",
      "Google serves it in the Gemini API",
    ),
  },
  // Google: embeddings
  {
    id: "gemini-embedding-001",
    from: "gemini/gemini-embedding-001",
    displayName: "Gemini Embedding 001",
  },
  {
    id: "gemini-embedding-2",
    from: "gemini/gemini-embedding-2",
    displayName: "Gemini Embedding 2",
  },
  {
    id: "text-embedding-004",
    displayName: "text-embedding-004",
    provider: "google",
    notes: "Price from LiteLLM's Vertex AI entry; the Gemini API has no separate LiteLLM entry.",
  },
];

/** Tokenizer of each provider's models, except OpenAI's (inferred per family). */
export const PROVIDER_TOKENIZERS = { anthropic: "claude", google: "gemini" };

export const IMAGE_TOKENS_SOURCE = OPENAI_VISION;
