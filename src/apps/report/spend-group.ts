/** Accumulating spend records into {@link SpendGroup} sums. */

import type { SpendRecord } from "../../adapters/ledger/index.js";
import { emptyUsage } from "../../core/cost/index.js";
import { savedCostOf } from "./record-fields.js";
import type { SpendGroup } from "./spend-report-types.js";

/**
 * A group with every sum at zero.
 *
 * @example
 * ```ts
 * emptyGroup("gpt-4o").cost; // 0n
 * ```
 */
export function emptyGroup(key: string): SpendGroup {
  return { key, calls: 0, cachedCalls: 0, cost: 0n, savedCost: 0n, usage: emptyUsage() };
}

/**
 * Adds one record into `group`, in place.
 *
 * @example
 * ```ts
 * const all = emptyGroup("all");
 * for (const record of records) addRecord(all, record);
 * ```
 */
export function addRecord(group: SpendGroup, record: SpendRecord): void {
  group.calls += 1;
  if (record.cached === true) group.cachedCalls += 1;
  group.cost += record.cost;
  group.savedCost += savedCostOf(record);
  group.usage.inputTokens += record.usage.inputTokens;
  group.usage.cachedInputTokens += record.usage.cachedInputTokens;
  group.usage.cacheWriteTokens += record.usage.cacheWriteTokens;
  group.usage.outputTokens += record.usage.outputTokens;
  group.usage.reasoningTokens += record.usage.reasoningTokens;
}

/** Groups by a key, creating each group on first use. */
export class GroupSums {
  private readonly groups = new Map<string, SpendGroup>();

  add(key: string, record: SpendRecord): void {
    let group = this.groups.get(key);
    if (group === undefined) {
      group = emptyGroup(key);
      this.groups.set(key, group);
    }
    addRecord(group, record);
  }

  /** Highest cost first; ties by key. */
  byCost(): SpendGroup[] {
    return [...this.groups.values()].sort(
      (a, b) => compareBigint(b.cost, a.cost) || compareKeys(a.key, b.key),
    );
  }

  /** By key (time order for period keys). */
  byKey(): SpendGroup[] {
    return [...this.groups.values()].sort((a, b) => compareKeys(a.key, b.key));
  }
}

/**
 * -1, 0 or 1, for sorting exact amounts.
 *
 * @example
 * ```ts
 * [3n, 1n, 2n].sort(compareBigint); // [1n, 2n, 3n]
 * ```
 */
export function compareBigint(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
