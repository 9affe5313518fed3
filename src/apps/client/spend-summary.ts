import type { Ledger } from "../../adapters/ledger/index.js";
// Internal: addSpendSums stays out of the public index of adapters/ledger.
import { addSpendSums } from "../../adapters/ledger/spend-totals.js";
import { emptyUsage } from "../../core/cost/index.js";
import type { SpendFilter, SpendSummary } from "./client-types.js";

/**
 * Exact totals of the ledger's spend log for a scope and time range, overall and per model
 * (or per day or scope).
 *
 * @example
 * ```ts
 * const { cost, records, groups } = await spendSummary(ledger, { scope: "team-a", groupBy: "day" });
 * formatUsd(cost);
 * ```
 */
export async function spendSummary(
  ledger: Ledger,
  filter: SpendFilter = {},
): Promise<SpendSummary> {
  const { groupBy = "model", ...query } = filter;
  const groups = await ledger.totals({ ...query, groupBy });
  const summary: SpendSummary = {
    cost: 0n,
    records: 0,
    cachedRecords: 0,
    usage: emptyUsage(),
    groups,
  };
  for (const row of groups) addSpendSums(summary, row);
  return summary;
}
