import { emptyUsage } from "../cost/usage.js";
import type { Ledger } from "../ledger/index.js";
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
  for (const row of groups) {
    summary.cost += row.cost;
    summary.records += row.records;
    summary.cachedRecords += row.cachedRecords;
    summary.usage.inputTokens += row.usage.inputTokens;
    summary.usage.cachedInputTokens += row.usage.cachedInputTokens;
    summary.usage.cacheWriteTokens += row.usage.cacheWriteTokens;
    summary.usage.outputTokens += row.usage.outputTokens;
    summary.usage.reasoningTokens += row.usage.reasoningTokens;
  }
  return summary;
}
