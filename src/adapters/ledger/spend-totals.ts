/**
 * Grouping spend records into exact totals, for engines that aggregate in JavaScript (memory,
 * Redis). SQLite groups in SQL with the same keys and ordering.
 */
import { emptyUsage } from "../../core/cost/index.js";
import type { SpendQuery, SpendRecord, SpendTotalsQuery, SpendTotalsRow } from "./ledger.js";

/**
 * The UTC day of an epoch-ms time, as "YYYY-MM-DD".
 *
 * @example
 * ```ts
 * utcDay(Date.UTC(2026, 6, 24, 23, 59)); // "2026-07-24"
 * ```
 */
export function utcDay(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

/**
 * True when `record` is in the query's scope and time range (`since` inclusive, `until`
 * exclusive).
 *
 * @example
 * ```ts
 * records.filter((record) => matchesSpendQuery(record, { scope: "team-a" }));
 * ```
 */
export function matchesSpendQuery(record: SpendRecord, query: SpendQuery): boolean {
  if (query.scope !== undefined && record.scope !== query.scope) return false;
  if (query.since !== undefined && record.time < query.since) return false;
  if (query.until !== undefined && record.time >= query.until) return false;
  return true;
}

/**
 * Exact totals per group, sorted by key (UTF-16 order, the same in every engine).
 *
 * @example
 * ```ts
 * totalSpend(records, { groupBy: "model" });
 * // [{ key: "gpt-4o", records: 2, cachedRecords: 0, cost: 30_000_000n, usage: {...} }]
 * ```
 */
export function totalSpend(
  records: Iterable<SpendRecord>,
  query: SpendTotalsQuery,
): SpendTotalsRow[] {
  const groups = new Map<string, SpendTotalsRow>();
  for (const record of records) {
    if (!matchesSpendQuery(record, query)) continue;
    const key = groupKey(record, query.groupBy);
    let row = groups.get(key);
    if (row === undefined) {
      row = { key, records: 0, cachedRecords: 0, cost: 0n, usage: emptyUsage() };
      groups.set(key, row);
    }
    addSpendSums(row, {
      records: 1,
      cachedRecords: record.cached === true ? 1 : 0,
      cost: record.cost,
      usage: record.usage,
    });
  }
  return sortTotals([...groups.values()]);
}

/** What a totals row sums: records, records served from cache, exact cost and tokens. */
export type SpendSums = Omit<SpendTotalsRow, "key">;

/**
 * Adds `addition` into `sums`, in place.
 *
 * @example
 * ```ts
 * const overall = { records: 0, cachedRecords: 0, cost: 0n, usage: emptyUsage() };
 * for (const row of await ledger.totals({ groupBy: "model" })) addSpendSums(overall, row);
 * ```
 */
export function addSpendSums(sums: SpendSums, addition: SpendSums): void {
  sums.records += addition.records;
  sums.cachedRecords += addition.cachedRecords;
  sums.cost += addition.cost;
  sums.usage.inputTokens += addition.usage.inputTokens;
  sums.usage.cachedInputTokens += addition.usage.cachedInputTokens;
  sums.usage.cacheWriteTokens += addition.usage.cacheWriteTokens;
  sums.usage.outputTokens += addition.usage.outputTokens;
  sums.usage.reasoningTokens += addition.usage.reasoningTokens;
}

/**
 * Sorts rows by key in UTF-16 code unit order.
 *
 * @example
 * ```ts
 * sortTotals(rows)[0].key; // the smallest key
 * ```
 */
export function sortTotals(rows: SpendTotalsRow[]): SpendTotalsRow[] {
  return rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function groupKey(record: SpendRecord, groupBy: SpendTotalsQuery["groupBy"]): string {
  if (groupBy === "model") return record.model;
  if (groupBy === "scope") return record.scope;
  return utcDay(record.time);
}
