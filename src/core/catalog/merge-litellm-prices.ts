/**
 * Importing a LiteLLM price file over a catalog without undoing tokenwise's corrections.
 *
 * Each built-in model was built from one LiteLLM entry (`CURATED_FACTS[id].entry`); other
 * entries that resolve to the same name (a Vertex AI twin of a Gemini API model, say) are
 * ignored rather than merged into it. A fact tokenwise corrected (a wrong 1-hour cache price, a
 * context window, a batch price, a dated price) keeps tokenwise's value while the file still
 * carries the value tokenwise corrected; a file newer than the catalog's source that gives
 * another value changed it on purpose, and wins. Every difference is reported with both values.
 */
import type { Catalog } from "./catalog.js";
import type { CuratedFacts } from "./curated-facts.js";
import { CURATED_FACTS } from "./data/curation.generated.js";
import { defaultCatalog } from "./default-catalog.js";
import { normalizeModelName } from "./model-name.js";
import type { CatalogEntry } from "./model-override.js";
import {
  type ParseLiteLLMPricesOptions,
  readLiteLLMPrices,
  type SkippedLiteLLMEntry,
} from "./parse-litellm-prices.js";
import type { ModelInfo } from "./types.js";

/** How one fact of a built-in model fares in the import. */
export type FieldOutcome =
  /** The file's value replaces the catalog's. */
  | "updated"
  /** The file still has the value tokenwise corrected: tokenwise's value stays. */
  | "kept-correction"
  /** The file is newer and changed a corrected fact on purpose: its value replaces tokenwise's. */
  | "file-wins-over-correction";

export interface FieldChange {
  model: string;
  /** "prices.input", "contextWindow", "capabilities.batch"... */
  field: string;
  builtIn: unknown;
  file: unknown;
  outcome: FieldOutcome;
  /** For corrected facts: the value LiteLLM had when the catalog was built, and why it was changed. */
  correction?: { litellm: unknown; why: string };
}

export interface LiteLLMMerge {
  /** Overrides of known models and the file's new models, for `catalog.extend`. */
  entries: CatalogEntry[];
  changes: FieldChange[];
  /** Ids of models the catalog did not have. */
  added: string[];
  /** File entries that resolve to a built-in model built from another entry, so not merged. */
  ignored: Array<{ key: string; model: string; builtFrom: string }>;
  /** Entries that failed validation: which, and why. */
  rejected: SkippedLiteLLMEntry[];
  /** Every skipped entry, counted by reason (documentation, unsupported modes, invalid...). */
  skippedByReason: Partial<Record<SkippedLiteLLMEntry["reason"], number>>;
  /** The date the file's facts are taken to be from. */
  checked: string;
}

export interface MergeLiteLLMPricesOptions extends ParseLiteLLMPricesOptions {
  /** The catalog imported over (default `defaultCatalog`). */
  catalog?: Catalog;
  /** What the build recorded about the catalog's corrections (default: the built-in ones). */
  curatedFacts?: Readonly<Record<string, CuratedFacts>>;
}

const FIELDS = [
  "contextWindow",
  "maxInputTokens",
  "maxOutputTokens",
  "tiers",
  "deprecationDate",
  ...[
    "input",
    "output",
    "cachedInput",
    "cacheWrite",
    "cacheWrite1h",
    "reasoning",
    "batchInput",
    "batchOutput",
    "audioInput",
    "audioOutput",
    "imageOutput",
  ].map((field) => `prices.${field}`),
  ...["vision", "tools", "reasoning", "promptCaching", "structuredOutput", "batch"].map(
    (field) => `capabilities.${field}`,
  ),
];

/**
 * Compares a LiteLLM file with the catalog and returns what importing it changes.
 *
 * @example
 * ```ts
 * const merge = mergeLiteLLMPrices(JSON.parse(text), { checked: "2026-11-30" });
 * const catalog = defaultCatalog.extend(merge.entries);
 * merge.changes.filter((change) => change.outcome === "kept-correction");
 * ```
 */
export function mergeLiteLLMPrices(
  json: unknown,
  options: MergeLiteLLMPricesOptions = {},
): LiteLLMMerge {
  const catalog = options.catalog ?? defaultCatalog;
  const curated = options.curatedFacts ?? CURATED_FACTS;
  const file = readLiteLLMPrices(json, options);
  const merge: LiteLLMMerge = {
    entries: [],
    changes: [],
    added: [],
    ignored: [],
    rejected: file.skipped.filter((entry) => entry.reason === "invalid-field"),
    skippedByReason: file.skippedByReason,
    checked: file.checked,
  };
  for (const model of file.models) {
    const builtIn = catalog.find(model.id);
    if (builtIn === undefined) {
      merge.entries.push(model);
      merge.added.push(model.id);
      continue;
    }
    const facts = curated[builtIn.id];
    if (facts !== undefined && normalizeModelName(facts.entry) !== normalizeModelName(model.id)) {
      merge.ignored.push({ key: model.id, model: builtIn.id, builtFrom: facts.entry });
      continue;
    }
    const override = overrideFor(builtIn, model, facts, merge);
    if (override !== undefined) merge.entries.push(override);
  }
  return merge;
}

function overrideFor(
  builtIn: ModelInfo,
  model: ModelInfo,
  facts: CuratedFacts | undefined,
  merge: LiteLLMMerge,
): CatalogEntry | undefined {
  const override: Record<string, unknown> = {};
  for (const field of FIELDS) {
    const fileValue = valueAt(model, field);
    const builtInValue = valueAt(builtIn, field);
    if (fileValue === undefined || same(fileValue, builtInValue)) continue;
    const fact = facts?.fields[field];
    let outcome: FieldOutcome = "updated";
    if (fact !== undefined) {
      const fileStillWrong = same(fileValue, fact.litellm ?? undefined);
      outcome =
        !fileStillWrong && merge.checked > (facts?.checked ?? "")
          ? "file-wins-over-correction"
          : "kept-correction";
    }
    merge.changes.push({
      model: builtIn.id,
      field,
      builtIn: builtInValue,
      file: fileValue,
      outcome,
      ...(fact !== undefined
        ? { correction: { litellm: fact.litellm, why: facts?.why ?? "" } }
        : {}),
    });
    if (outcome !== "kept-correction") setAt(override, field, fileValue);
  }
  if (Object.keys(override).length === 0) return undefined;
  const prices = override.prices as Record<string, unknown> | undefined;
  // New prices date from the file, so the catalog's earlier periods still price older calls.
  if (prices !== undefined && (builtIn.priceHistory?.length ?? 0) > 0) prices.from = merge.checked;
  return {
    ...override,
    id: builtIn.id,
    source: model.source,
    checked: model.checked,
  } as CatalogEntry;
}

function valueAt(model: ModelInfo, path: string): unknown {
  let value: unknown = model;
  for (const key of path.split(".")) {
    value =
      typeof value === "object" && value !== null
        ? (value as Record<string, unknown>)[key]
        : undefined;
  }
  return value;
}

function setAt(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split(".");
  let node = target;
  for (const key of keys.slice(0, -1)) {
    node[key] ??= {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys.at(-1) ?? path] = value;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
