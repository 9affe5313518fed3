/**
 * "What did tokenwise save us": from a ledger alone, the money cache hits saved (the
 * `metadata.savedCost` the client writes on every response-cache hit and on every embedding
 * call the embedding cache answered in whole or in part) and what the provider's prompt cache
 * took off the bill (cached input tokens priced at the model's input price minus what was
 * paid for them, cache writes' surcharge subtracted, at the prices of the day each call was
 * recorded), against what the same calls would have
 * cost without either.
 */

import type { Ledger, SpendRecord } from "../../adapters/ledger/index.js";
import type { ModelInfo } from "../../core/catalog/index.js";
import { defaultCatalog } from "../../core/catalog/index.js";
import type { ModelCatalog } from "../../core/cost/index.js";
import { costFromUsage } from "../../core/cost/index.js";
import { TokenwiseError } from "../../core/errors/index.js";
import type { Picodollars } from "../../core/money/index.js";
import { ratio } from "./budget-status.js";
import { readRecords } from "./read-records.js";
import { chargedScopes, savedCostOf } from "./record-fields.js";
import { compareBigint } from "./spend-group.js";

export interface ModelSavings {
  model: string;
  calls: number;
  cacheHits: number;
  partialCacheHits: number;
  spent: Picodollars;
  cacheHitSaved: Picodollars;
  promptCacheSaved: Picodollars;
}

export interface LedgerSavings {
  calls: number;
  /** Calls answered wholly from a cache (`cached: true`), at $0. */
  cacheHits: number;
  /**
   * Paid calls that a cache answered in part (an embedding call with some inputs cached):
   * what their cached part would have cost is in `cacheHitSaved`.
   */
  partialCacheHits: number;
  /** What was charged. */
  spent: Picodollars;
  /** What response / embedding cache hits, whole or partial, saved (`metadata.savedCost`). */
  cacheHitSaved: Picodollars;
  /** Cache hits recorded without `savedCost` (their saving is unknown, not counted). */
  cacheHitsWithoutSavedCost: number;
  /** Net saving of the provider's prompt cache (can be negative when writes outweigh reads). */
  promptCacheSaved: Picodollars;
  /** Input tokens served from the provider's prompt cache. */
  promptCachedTokens: number;
  /** `spent + cacheHitSaved + promptCacheSaved`: the bill without those savings. */
  withoutSavings: Picodollars;
  /** (cacheHitSaved + promptCacheSaved) / withoutSavings. */
  savedFraction: number;
  /** Models with prompt-cached tokens that the catalog cannot price (their saving is not counted). */
  unpricedModels: string[];
  byModel: ModelSavings[];
}

export interface LedgerSavingsOptions {
  ledger: Ledger;
  since?: number;
  until?: number;
  /** Only records charged to this scope (their `scope` or one of their `scopes`). */
  scope?: string;
  /** Prices for the prompt-cache saving (default the built-in catalog). */
  catalog?: ModelCatalog;
}

/**
 * @example
 * ```ts
 * const savings = await ledgerSavings({ ledger, since: Date.UTC(2026, 11, 1) });
 * `${formatUsd(savings.cacheHitSaved + savings.promptCacheSaved)} saved (${formatPercent(savings.savedFraction)})`;
 * ```
 */
export async function ledgerSavings(options: LedgerSavingsOptions): Promise<LedgerSavings> {
  const catalog = options.catalog ?? defaultCatalog;
  const models = new Map<string, ModelSavings>();
  const unpriced = new Set<string>();
  const savings: Omit<LedgerSavings, "withoutSavings" | "savedFraction" | "byModel"> = {
    calls: 0,
    cacheHits: 0,
    partialCacheHits: 0,
    spent: 0n,
    cacheHitSaved: 0n,
    cacheHitsWithoutSavedCost: 0,
    promptCacheSaved: 0n,
    promptCachedTokens: 0,
    unpricedModels: [],
  };
  const query = { since: options.since, until: options.until };
  for await (const record of readRecords(options.ledger, query)) {
    if (options.scope !== undefined && !chargedScopes(record).includes(options.scope)) continue;
    let model = models.get(record.model);
    if (model === undefined) {
      model = {
        model: record.model,
        calls: 0,
        cacheHits: 0,
        partialCacheHits: 0,
        spent: 0n,
        cacheHitSaved: 0n,
        promptCacheSaved: 0n,
      };
      models.set(record.model, model);
    }
    const hitSaved = savedCostOf(record);
    const promptSaved = promptCacheSaving(record, catalog, unpriced);
    for (const sums of [savings, model]) {
      sums.calls += 1;
      sums.spent += record.cost;
      sums.cacheHitSaved += hitSaved;
      sums.promptCacheSaved += promptSaved;
      if (record.cached === true) sums.cacheHits += 1;
      else if (hitSaved > 0n) sums.partialCacheHits += 1;
    }
    if (record.cached === true && record.metadata?.savedCost === undefined) {
      savings.cacheHitsWithoutSavedCost += 1;
    }
    if (record.cached !== true) savings.promptCachedTokens += record.usage.cachedInputTokens;
  }
  const saved = savings.cacheHitSaved + savings.promptCacheSaved;
  const withoutSavings = savings.spent + saved;
  return {
    ...savings,
    unpricedModels: [...unpriced].sort(),
    withoutSavings,
    savedFraction: ratio(saved, withoutSavings),
    byModel: [...models.values()].sort(
      (a, b) =>
        compareBigint(b.cacheHitSaved + b.promptCacheSaved, a.cacheHitSaved + a.promptCacheSaved) ||
        compareBigint(b.spent, a.spent),
    ),
  };
}

function promptCacheSaving(
  record: SpendRecord,
  catalog: ModelCatalog,
  unpriced: Set<string>,
): Picodollars {
  const { usage } = record;
  if (record.cached === true || (usage.cachedInputTokens === 0 && usage.cacheWriteTokens === 0)) {
    return 0n;
  }
  const info = findModel(catalog, record.model);
  if (info === undefined) {
    unpriced.add(record.model);
    return 0n;
  }
  // The prices of the day the call was recorded, not today's: a saving made before a price
  // change is worth what it saved then.
  const pricing = { at: new Date(record.time) };
  const withCache = costFromUsage(info, usage, pricing).total;
  const withoutCache = costFromUsage(
    info,
    { ...usage, cachedInputTokens: 0, cacheWriteTokens: 0 },
    pricing,
  ).total;
  return withoutCache - withCache;
}

function findModel(catalog: ModelCatalog, model: string): ModelInfo | undefined {
  try {
    return catalog.get(model);
  } catch (error) {
    if (TokenwiseError.hasCode(error, "unknown_model")) return undefined;
    throw error;
  }
}
