/**
 * Partial entries that change models already in a catalog, and how they merge.
 */
import { invalidInput } from "../errors/index.js";
import { normalizeModelName } from "./model-name.js";
import type { ModelCapabilities, ModelInfo, ModelPrices } from "./types.js";

/**
 * Some fields of a model, addressed by its id or one of its aliases. Fields left out keep
 * their current values; `prices` and `capabilities` merge key by key.
 */
export type ModelOverride = { id: string } & Partial<
  Omit<ModelInfo, "id" | "prices" | "capabilities">
> & {
    prices?: Partial<ModelPrices>;
    capabilities?: Partial<ModelCapabilities>;
  };

/** What a catalog file or `Catalog.extend` takes: complete models, partial overrides, or both. */
export type CatalogEntry = ModelInfo | ModelOverride;

/**
 * Every capability a model declares, in display order. Written as an object's keys so the
 * compiler refuses a list that misses one of {@link ModelCapabilities}.
 *
 * @example
 * ```ts
 * CAPABILITY_NAMES.filter((name) => model.capabilities[name]); // ["vision", "tools", ...]
 * ```
 */
export const CAPABILITY_NAMES = Object.keys({
  vision: true,
  tools: true,
  reasoning: true,
  promptCaching: true,
  structuredOutput: true,
  batch: true,
} satisfies Record<keyof ModelCapabilities, true>) as readonly (keyof ModelCapabilities)[];

/** Fields a new model cannot do without (aliases, displayName and capabilities have defaults). */
const REQUIRED_FOR_NEW_MODEL = [
  "provider",
  "mode",
  "tokenizer",
  "contextWindow",
  "maxOutputTokens",
  "prices",
  "source",
  "checked",
] as const;

/**
 * True when `entry` has every field of a {@link ModelInfo}.
 *
 * @example
 * ```ts
 * isCompleteModel({ id: "gpt-4o", prices: { input: "2.00" } }); // false
 * ```
 */
export function isCompleteModel(entry: CatalogEntry): entry is ModelInfo {
  return (
    entry.displayName !== undefined &&
    entry.aliases !== undefined &&
    REQUIRED_FOR_NEW_MODEL.every((field) => entry[field] !== undefined) &&
    entry.prices?.input !== undefined &&
    entry.prices.output !== undefined &&
    entry.capabilities !== undefined &&
    CAPABILITY_NAMES.every((name) => entry.capabilities?.[name] !== undefined)
  );
}

/**
 * Turns an entry for a model the catalog does not have yet into a model: `aliases` default to
 * none, `displayName` to the id, and capabilities left out to false. Throws `invalid_input`
 * naming every other missing field.
 *
 * @example
 * ```ts
 * completeNewModel({ id: "my-model", provider: "acme", mode: "chat", tokenizer: "o200k_base",
 *   contextWindow: 32000, maxOutputTokens: 4096, prices: { input: "1", output: "2" },
 *   source: "acme.com/pricing", checked: "2026-07-24" });
 * ```
 */
export function completeNewModel(entry: CatalogEntry): ModelInfo {
  const missing: string[] = REQUIRED_FOR_NEW_MODEL.filter((field) => entry[field] === undefined);
  if (entry.prices !== undefined) {
    if (entry.prices.input === undefined) missing.push("prices.input");
    if (entry.prices.output === undefined) missing.push("prices.output");
  }
  if (missing.length > 0) {
    throw invalidInput(
      `model "${entry.id}"`,
      `is not in the catalog, so it needs the fields of a new model; missing: ${missing.join(", ")}. ` +
        "To change an existing model, use its id or one of its aliases.",
    );
  }
  const capabilities = Object.fromEntries(
    CAPABILITY_NAMES.map((name) => [name, entry.capabilities?.[name] ?? false]),
  ) as unknown as ModelCapabilities;
  return {
    ...entry,
    displayName: entry.displayName ?? entry.id,
    aliases: entry.aliases ?? [],
    capabilities,
  } as ModelInfo;
}

/**
 * Applies an override to a model: fields the override gives replace the model's, `prices`
 * and `capabilities` merge key by key, aliases are added to the model's own (names that
 * resolved before still do), the override's `source` is put before the model's (the facts
 * now come from both), and the canonical id stays.
 *
 * @example
 * ```ts
 * mergeModel(gpt4o, { id: "gpt-4o", prices: { input: "2.00" } }).prices;
 * // { input: "2.00", output: "10", cachedInput: "1.25", ... }
 * ```
 */
export function mergeModel(base: ModelInfo, override: ModelOverride): ModelInfo {
  const merged: Record<string, unknown> = { ...base };
  for (const [field, value] of Object.entries(override)) {
    if (value !== undefined) merged[field] = value;
  }
  const aliases = [...base.aliases];
  const known = new Set([base.id, ...base.aliases].map(normalizeModelName));
  for (const alias of override.aliases ?? []) {
    if (!known.has(normalizeModelName(alias))) {
      known.add(normalizeModelName(alias));
      aliases.push(alias);
    }
  }
  const source =
    override.source === undefined || override.source === base.source
      ? base.source
      : `${override.source}; ${base.source}`;
  return {
    ...(merged as unknown as ModelInfo),
    id: base.id,
    source,
    prices: mergePrices(base.prices, override.prices),
    capabilities: { ...base.capabilities, ...withoutUndefined(override.capabilities) },
    aliases,
  };
}

/**
 * Prices key by key. An override that changes prices without dating them is "the price now",
 * for every call: the model's `from` no longer describes them, so it is dropped.
 */
function mergePrices(base: ModelPrices, override: Partial<ModelPrices> | undefined): ModelPrices {
  const changes = withoutUndefined(override);
  const merged: ModelPrices = { ...base, ...changes };
  const changesPrices = Object.keys(changes).some((field) => field !== "from");
  if (changesPrices && changes.from === undefined) delete merged.from;
  return merged;
}

function withoutUndefined<T extends object>(value: T | undefined): Partial<T> {
  if (value === undefined) return {};
  return Object.fromEntries(
    Object.entries(value).filter(([, fieldValue]) => fieldValue !== undefined),
  ) as Partial<T>;
}
