/**
 * Reads LiteLLM's `model_prices_and_context_window.json` (prices in dollars per token as
 * floats, one entry per model key) into catalog models. The same code builds tokenwise's own
 * catalog (scripts/build-catalog.mjs) and imports a user's newer copy of the file.
 */
import { invalidInput } from "../errors/index.js";
import { perTokenToPerMillion } from "./decimal-price.js";
import { inferTokenizer } from "./infer-tokenizer.js";
import type {
  ModelCapabilities,
  ModelInfo,
  ModelPrices,
  PriceTier,
  Provider,
  TokenizerName,
} from "./types.js";
import { describe, isIsoDate, isoDateProblem } from "./validate-model-entry.js";

export interface ParseLiteLLMPricesOptions {
  /** ISO date the file was downloaded. Default: the date of its `last_updated` key, if any. */
  checked?: string;
  /** Where the file came from, recorded in each model's `source` (default: the file's name). */
  source?: string;
  /** Tokenizer for model families tokenwise cannot count (default: the "gemini" estimate). */
  defaultTokenizer?: TokenizerName;
}

/** Why an entry of the file did not become a model. */
export type LiteLLMSkipReason =
  | "documentation"
  | "not-a-model"
  | "unsupported-mode"
  | "no-token-prices"
  | "no-context-window"
  | "invalid-field"
  | "duplicate";

export interface SkippedLiteLLMEntry {
  key: string;
  reason: LiteLLMSkipReason;
  detail: string;
}

export interface LiteLLMImport {
  models: ModelInfo[];
  skipped: SkippedLiteLLMEntry[];
  /** How many entries were skipped for each reason. */
  skippedByReason: Partial<Record<LiteLLMSkipReason, number>>;
  /** The date recorded as each model's `checked`. */
  checked: string;
}

type LiteLLMEntry = Record<string, unknown>;

const DEFAULT_SOURCE = "LiteLLM model_prices_and_context_window.json";
const CHAT_MODES = new Map<string, string | undefined>([
  ["chat", undefined],
  ["responses", 'Served by the Responses API only (LiteLLM mode "responses").'],
  ["completion", 'Legacy Completions API model (LiteLLM mode "completion").'],
  [
    "realtime",
    'Realtime API model (LiteLLM mode "realtime"): text and audio tokens are priced here.',
  ],
  [
    "image_generation",
    'Image generation model (LiteLLM mode "image_generation"): text tokens are priced here; generated images are billed per image.',
  ],
]);
/** `input_cost_per_token_above_200k_tokens` and friends: long-context cliff tiers. */
const TIER_FIELD =
  /^(input_cost_per_token|output_cost_per_token|cache_read_input_token_cost|cache_creation_input_token_cost|cache_creation_input_token_cost_above_1hr)_above_(\d+)k_tokens$/;
const TIER_PRICE_OF: Readonly<Record<string, keyof PriceTier>> = {
  input_cost_per_token: "input",
  output_cost_per_token: "output",
  cache_read_input_token_cost: "cachedInput",
  cache_creation_input_token_cost: "cacheWrite",
  cache_creation_input_token_cost_above_1hr: "cacheWrite1h",
};

class SkipEntry extends Error {
  constructor(
    readonly reason: LiteLLMSkipReason,
    readonly detail: string,
  ) {
    super(detail);
  }
}

/**
 * Converts every usable entry of a LiteLLM price file and reports the rest: the
 * `sample_spec` documentation entry, entries priced per image, second or character rather
 * than per token, modes other than chat/responses/completion/embedding, and entries with
 * malformed fields (never guessed at).
 *
 * @example
 * ```ts
 * const result = readLiteLLMPrices(JSON.parse(text), { checked: "2026-07-24" });
 * console.log(`${result.models.length} models, skipped`, result.skippedByReason);
 * ```
 */
export function readLiteLLMPrices(
  json: unknown,
  options: ParseLiteLLMPricesOptions = {},
): LiteLLMImport {
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw invalidInput(
      "LiteLLM prices",
      `must be the JSON object of model_prices_and_context_window.json ({ "gpt-4o": { ... }, ... }), got ${describe(json)}`,
    );
  }
  const file = json as Record<string, unknown>;
  const checked = checkedDate(file, options);
  const source = options.source ?? DEFAULT_SOURCE;
  const models: ModelInfo[] = [];
  const skipped: SkippedLiteLLMEntry[] = [];
  const seen = new Map<string, string>();

  for (const [key, value] of Object.entries(file)) {
    if (key === "last_updated" && typeof value === "string") continue;
    try {
      const duplicateOf = seen.get(key.toLowerCase());
      if (duplicateOf !== undefined) {
        throw new SkipEntry("duplicate", `same name as "${duplicateOf}" once case is ignored`);
      }
      models.push(
        convertEntry(key, value, { checked, source, fallback: options.defaultTokenizer }),
      );
      seen.set(key.toLowerCase(), key);
    } catch (error) {
      if (!(error instanceof SkipEntry)) throw error;
      skipped.push({ key, reason: error.reason, detail: error.detail });
    }
  }
  const skippedByReason: Partial<Record<LiteLLMSkipReason, number>> = {};
  for (const { reason } of skipped) skippedByReason[reason] = (skippedByReason[reason] ?? 0) + 1;
  return { models, skipped, skippedByReason, checked };
}

/**
 * The models of a LiteLLM price file (see {@link readLiteLLMPrices} for what is skipped and
 * why). Model ids are the file's keys, provider prefixes included ("gemini/gemini-2.0-flash").
 *
 * @example
 * ```ts
 * const catalog = defaultCatalog.extend(parseLiteLLMPrices(JSON.parse(text), { checked: "2026-08-01" }));
 * ```
 */
export function parseLiteLLMPrices(
  json: unknown,
  options: ParseLiteLLMPricesOptions = {},
): ModelInfo[] {
  return readLiteLLMPrices(json, options).models;
}

function checkedDate(file: Record<string, unknown>, options: ParseLiteLLMPricesOptions): string {
  if (options.checked !== undefined) {
    if (!isIsoDate(options.checked)) throw invalidInput("checked", isoDateProblem(options.checked));
    return options.checked;
  }
  const lastUpdated = typeof file.last_updated === "string" ? file.last_updated.slice(0, 10) : "";
  if (isIsoDate(lastUpdated)) return lastUpdated;
  throw invalidInput(
    "checked",
    'is required: pass the ISO date the LiteLLM file was downloaded, such as { checked: "2026-07-24" } (the file has no last_updated key to take it from)',
  );
}

interface ConvertContext {
  checked: string;
  source: string;
  fallback: TokenizerName | undefined;
}

function convertEntry(key: string, value: unknown, context: ConvertContext): ModelInfo {
  if (key === "sample_spec") {
    throw new SkipEntry("documentation", "LiteLLM's description of the file format");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new SkipEntry("not-a-model", `value is ${describe(value)}, not a model entry`);
  }
  const entry = value as LiteLLMEntry;
  const litellmMode = entry.mode === undefined ? "chat" : entry.mode;
  const mode = litellmMode === "embedding" ? "embedding" : "chat";
  if (typeof litellmMode !== "string" || (mode === "chat" && !CHAT_MODES.has(litellmMode))) {
    throw new SkipEntry(
      "unsupported-mode",
      `mode ${describe(litellmMode)} is not priced per text token`,
    );
  }
  if (typeof entry.litellm_provider !== "string" || entry.litellm_provider === "") {
    throw new SkipEntry("not-a-model", "no litellm_provider");
  }
  const provider = providerOf(entry.litellm_provider);
  const prices = pricesOf(entry, mode);
  const contextWindow = tokens(entry, "max_input_tokens") ?? tokens(entry, "max_tokens");
  if (contextWindow === undefined || contextWindow === 0) {
    throw new SkipEntry("no-context-window", "no max_input_tokens or max_tokens");
  }
  const maxOutputTokens =
    tokens(entry, "max_output_tokens") ?? (mode === "embedding" ? 0 : tokens(entry, "max_tokens"));
  if (maxOutputTokens === undefined) {
    throw new SkipEntry("no-context-window", "no max_output_tokens or max_tokens");
  }
  const tiers = tiersOf(entry);
  const deprecationDate = entry.deprecation_date;
  if (deprecationDate !== undefined && !isIsoDate(deprecationDate)) {
    throw new SkipEntry("invalid-field", `deprecation_date ${isoDateProblem(deprecationDate)}`);
  }
  const embeddingDimensions =
    mode === "embedding" ? tokens(entry, "output_vector_size") : undefined;
  const cites = typeof entry.source === "string" ? ` (cites ${entry.source})` : "";
  const notes = CHAT_MODES.get(litellmMode);

  return {
    id: key,
    provider,
    displayName: key,
    mode,
    tokenizer: inferTokenizer({ name: key, provider, fallback: context.fallback }),
    contextWindow,
    maxOutputTokens,
    prices,
    ...(tiers.length > 0 ? { tiers } : {}),
    capabilities: capabilitiesOf(entry, prices),
    aliases: [],
    ...(embeddingDimensions !== undefined ? { embeddingDimensions } : {}),
    ...(deprecationDate !== undefined ? { deprecationDate } : {}),
    source: `${context.source}, entry "${key}"${cites}`,
    checked: context.checked,
    ...(notes !== undefined ? { notes } : {}),
  };
}

function providerOf(litellmProvider: string): Provider {
  if (litellmProvider === "openai" || litellmProvider === "text-completion-openai") return "openai";
  if (litellmProvider === "anthropic") return "anthropic";
  if (litellmProvider === "gemini") return "google";
  if (litellmProvider.startsWith("vertex_ai")) return "vertex_ai";
  return litellmProvider;
}

function pricesOf(entry: LiteLLMEntry, mode: ModelInfo["mode"]): ModelPrices {
  const baseTier = tieredPricing(entry).find((tier) => tier.from === 0);
  const input = price(entry, "input_cost_per_token") ?? baseTier?.input;
  const output =
    price(entry, "output_cost_per_token") ??
    baseTier?.output ??
    (mode === "embedding" ? "0" : undefined);
  if (input === undefined || output === undefined) {
    throw new SkipEntry(
      "no-token-prices",
      input === undefined ? "no input_cost_per_token" : "no output_cost_per_token",
    );
  }
  const prices: ModelPrices = { input, output };
  const optional: Array<[keyof ModelPrices, string | undefined]> = [
    [
      "cachedInput",
      price(entry, "cache_read_input_token_cost") ?? price(entry, "input_cost_per_token_cache_hit"),
    ],
    ["cacheWrite", price(entry, "cache_creation_input_token_cost")],
    ["cacheWrite1h", price(entry, "cache_creation_input_token_cost_above_1hr")],
    ["batchInput", price(entry, "input_cost_per_token_batches")],
    ["batchOutput", price(entry, "output_cost_per_token_batches")],
    ["audioInput", price(entry, "input_cost_per_audio_token")],
    ["audioOutput", price(entry, "output_cost_per_audio_token")],
    ["imageOutput", price(entry, "output_cost_per_image_token")],
  ];
  const reasoning = price(entry, "output_cost_per_reasoning_token");
  // The catalog records a reasoning price only where it differs from output.
  if (reasoning !== undefined && reasoning !== output) optional.push(["reasoning", reasoning]);
  for (const [field, value] of optional) if (value !== undefined) prices[field] = value;
  return prices;
}

function tiersOf(entry: LiteLLMEntry): PriceTier[] {
  const byThreshold = new Map<number, Partial<PriceTier>>();
  for (const field of Object.keys(entry)) {
    const match = TIER_FIELD.exec(field);
    const kind = match?.[1];
    const tierField = kind === undefined ? undefined : TIER_PRICE_OF[kind];
    if (match === null || tierField === undefined) continue;
    const threshold = Number(match[2]) * 1000;
    const tier = byThreshold.get(threshold) ?? { aboveInputTokens: threshold };
    (tier as Record<string, unknown>)[tierField] = price(entry, field);
    byThreshold.set(threshold, tier);
  }
  for (const tier of tieredPricing(entry)) {
    if (tier.from > 0) {
      byThreshold.set(tier.from, {
        aboveInputTokens: tier.from,
        input: tier.input,
        output: tier.output,
        ...(tier.cachedInput !== undefined ? { cachedInput: tier.cachedInput } : {}),
      });
    }
  }
  const base = {
    input: price(entry, "input_cost_per_token"),
    output: price(entry, "output_cost_per_token"),
  };
  return [...byThreshold.values()]
    .map((tier) => {
      // A threshold that only changes some prices keeps the base price for the others.
      const input = tier.input ?? base.input;
      const output = tier.output ?? base.output;
      if (input === undefined || output === undefined) {
        throw new SkipEntry(
          "invalid-field",
          `tier above ${tier.aboveInputTokens} tokens has no input or output price`,
        );
      }
      return orderedTier({ ...tier, input, output, aboveInputTokens: tier.aboveInputTokens ?? 0 });
    })
    .sort((a, b) => a.aboveInputTokens - b.aboveInputTokens);
}

/** The tier with its fields in one order, whatever order the file listed them in. */
function orderedTier(tier: PriceTier): PriceTier {
  const ordered: PriceTier = {
    aboveInputTokens: tier.aboveInputTokens,
    input: tier.input,
    output: tier.output,
  };
  if (tier.cachedInput !== undefined) ordered.cachedInput = tier.cachedInput;
  if (tier.cacheWrite !== undefined) ordered.cacheWrite = tier.cacheWrite;
  if (tier.cacheWrite1h !== undefined) ordered.cacheWrite1h = tier.cacheWrite1h;
  return ordered;
}

interface RangeTier {
  from: number;
  input: string;
  output: string;
  cachedInput?: string;
}

/** LiteLLM's other tier format: `tiered_pricing: [{ range: [0, 256000], input_cost_per_token, ... }]`. */
function tieredPricing(entry: LiteLLMEntry): RangeTier[] {
  const tiers = entry.tiered_pricing;
  if (tiers === undefined) return [];
  if (!Array.isArray(tiers)) {
    throw new SkipEntry("invalid-field", `tiered_pricing must be a list, got ${describe(tiers)}`);
  }
  return tiers.map((tier, index) => {
    const field = `tiered_pricing[${index}]`;
    if (typeof tier !== "object" || tier === null) {
      throw new SkipEntry("invalid-field", `${field} must be an object, got ${describe(tier)}`);
    }
    const range = (tier as LiteLLMEntry).range;
    const from = Array.isArray(range) ? range[0] : undefined;
    if (typeof from !== "number" || !Number.isSafeInteger(from) || from < 0) {
      throw new SkipEntry(
        "invalid-field",
        `${field}.range must start with a whole number of tokens`,
      );
    }
    const input = price(tier as LiteLLMEntry, "input_cost_per_token", field);
    const output = price(tier as LiteLLMEntry, "output_cost_per_token", field);
    if (input === undefined || output === undefined) {
      throw new SkipEntry(
        "invalid-field",
        `${field} needs input_cost_per_token and output_cost_per_token`,
      );
    }
    const cachedInput = price(tier as LiteLLMEntry, "cache_read_input_token_cost", field);
    return { from, input, output, ...(cachedInput !== undefined ? { cachedInput } : {}) };
  });
}

function capabilitiesOf(entry: LiteLLMEntry, prices: ModelPrices): ModelCapabilities {
  const flag = (field: string) => entry[field] === true;
  return {
    vision: flag("supports_vision"),
    tools: flag("supports_function_calling"),
    reasoning: flag("supports_reasoning"),
    promptCaching: flag("supports_prompt_caching") || prices.cachedInput !== undefined,
    structuredOutput: flag("supports_response_schema") || flag("supports_native_structured_output"),
    batch: prices.batchInput !== undefined,
  };
}

function price(entry: LiteLLMEntry, field: string, within?: string): string | undefined {
  const value = entry[field];
  if (value === undefined || value === null) return undefined;
  const name = within === undefined ? field : `${within}.${field}`;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new SkipEntry(
      "invalid-field",
      `${name} must be a non-negative number of dollars per token, got ${describe(value)}`,
    );
  }
  return perTokenToPerMillion(value, name);
}

function tokens(entry: LiteLLMEntry, field: string): number | undefined {
  const value = entry[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new SkipEntry(
      "invalid-field",
      `${field} must be a whole number of tokens, got ${describe(value)}`,
    );
  }
  return value;
}
