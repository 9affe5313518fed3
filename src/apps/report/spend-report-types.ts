/** The shapes of a spend report: exact money (bigint picodollars) and token sums per group. */
import type { Usage } from "../../core/cost/index.js";
import type { Picodollars } from "../../core/money/index.js";
import type { ReportPeriod } from "./period-key.js";

/** Exact sums over a group of spend records. */
export interface SpendGroup {
  /** The group: a period ("2026-12-03"), model, provider, key, team, tag or scope. */
  key: string;
  /** Spend records (calls), cache hits included. */
  calls: number;
  /** Calls answered from a cache (`cached: true`). */
  cachedCalls: number;
  /** What was charged. */
  cost: Picodollars;
  /** What cache hits saved (`metadata.savedCost`). */
  savedCost: Picodollars;
  usage: Usage;
}

/** Narrows the records a report covers; every field must match. */
export interface SpendReportFilter {
  /** A scope the record was charged to (its `scope` or one of its `scopes`). */
  scope?: string;
  model?: string;
  provider?: string;
  /** `metadata.keyName` or `metadata.keyId`. */
  key?: string;
  team?: string;
  /** One of `metadata.tags`. */
  tag?: string;
}

/**
 * A budget to report on: a ledger scope and its limit. The gateway's `BudgetScope` (scope,
 * limit, resetsAt) fits as it is.
 */
export interface ReportBudget {
  scope: string;
  limit: Picodollars;
  /** When the budget's period ends (epoch ms); undefined for a budget that never resets. */
  resetsAt?: number;
  /** A label for people ("team data, December"); defaults to the scope. */
  name?: string;
}

/** Where a budget stands, and when it runs out at the current rate. */
export interface BudgetStatus {
  scope: string;
  name: string;
  limit: Picodollars;
  /** Everything charged to the scope (the ledger's `spent`). */
  spent: Picodollars;
  /** Held by active reservations. */
  reserved: Picodollars;
  /** `limit - spent - reserved`, never below zero. */
  remaining: Picodollars;
  /** spent / limit (1 when the limit is 0). */
  usedFraction: number;
  /** Spend per day over the report's window for this scope (exact picodollars per day). */
  ratePerDay: Picodollars;
  /** When `remaining` reaches zero at that rate (epoch ms); undefined when nothing is spent. */
  runsOutAt?: number;
  /** True when it runs out before `resetsAt` (always true for a budget that never resets). */
  runsOutBeforeReset: boolean;
  resetsAt?: number;
}

/** One request as a report lists it: no prompt text unless the report was asked for it. */
export interface RequestSummary {
  time: number;
  scope: string;
  model: string;
  provider: string;
  cost: Picodollars;
  savedCost: Picodollars;
  cached: boolean;
  usage: Usage;
  requestId?: string;
  key?: string;
  team?: string;
  tags: string[];
  latencyMs?: number;
  outcome?: string;
  cacheStatus?: string;
  /** `metadata.prompt`, only with `includePrompts: true`. */
  prompt?: string;
}

export interface SpendReport {
  /** The clock reading the report was built at (epoch ms). */
  generatedAt: number;
  /** Inclusive start of the window (epoch ms), when one was given. */
  since?: number;
  /** Exclusive end of the window (epoch ms), when one was given. */
  until?: number;
  period: ReportPeriod;
  filter: SpendReportFilter;
  totals: SpendGroup;
  /** cachedCalls / calls (0 with no calls). */
  cacheHitRate: number;
  firstRecordAt?: number;
  lastRecordAt?: number;
  /** Per period, in time order. */
  overTime: SpendGroup[];
  /** The groupings below are sorted by cost, highest first, then by key. */
  byModel: SpendGroup[];
  byProvider: SpendGroup[];
  byKey: SpendGroup[];
  byTeam: SpendGroup[];
  byTag: SpendGroup[];
  /** Per charged scope: a record charged to a key and its team counts in both. */
  byScope: SpendGroup[];
  budgets: BudgetStatus[];
  /** The most expensive requests, highest first. */
  topRequests: RequestSummary[];
  /** The newest requests, newest first. */
  latestRequests: RequestSummary[];
}
