/**
 * The aggregates behind `tokenwise report`, the dashboard and any app that shows spend: one
 * streaming pass over the ledger's records (`Ledger.records`, paged), so it works on every
 * engine without engine-specific queries.
 */

import type { Ledger, SpendRecord } from "../../adapters/ledger/index.js";
import { invalidInput } from "../../core/errors/index.js";
import { budgetStatuses, type ScopeWindow } from "./budget-status.js";
import { periodKey, type ReportPeriod } from "./period-key.js";
import { readRecords } from "./read-records.js";
import {
  chargedScopes,
  keyOf,
  metadataNumber,
  metadataString,
  savedCostOf,
  tagsOf,
} from "./record-fields.js";
import { addRecord, compareBigint, emptyGroup, GroupSums } from "./spend-group.js";
import type {
  ReportBudget,
  RequestSummary,
  SpendReport,
  SpendReportFilter,
} from "./spend-report-types.js";

export interface SpendReportOptions {
  ledger: Ledger;
  /** Inclusive start (epoch ms). */
  since?: number;
  /** Exclusive end (epoch ms). */
  until?: number;
  /** How spend over time is bucketed (default "day"). */
  period?: ReportPeriod;
  filter?: SpendReportFilter;
  /** Budgets to show; without them a report still shows spend per scope. */
  budgets?: readonly ReportBudget[];
  /** How many of the most expensive requests to list (default 10). */
  top?: number;
  /** How many of the newest requests to list (default 20). */
  latest?: number;
  /** Copy `metadata.prompt` into listed requests (default false: no prompt text). */
  includePrompts?: boolean;
  /** Clock (default `Date.now`). */
  now?: () => number;
  /** Records fetched per page (default 5000). */
  pageSize?: number;
}

const PERIODS: readonly ReportPeriod[] = ["hour", "day", "week", "month"];

/**
 * Spend, calls and tokens by period, model, provider, key, team, tag and scope; cache hit
 * rate and dollars saved; budgets and what is left; the top requests by cost. Money is exact.
 *
 * @example
 * ```ts
 * const report = await buildSpendReport({ ledger, since: Date.UTC(2026, 11, 1), filter: { team: "data" } });
 * formatUsd(report.totals.cost); formatUsd(report.totals.savedCost); report.cacheHitRate;
 * ```
 */
export async function buildSpendReport(options: SpendReportOptions): Promise<SpendReport> {
  const period = options.period ?? "day";
  if (!PERIODS.includes(period)) {
    throw invalidInput("period", `must be one of ${PERIODS.join(", ")}, got "${String(period)}"`);
  }
  const top = countOption(options.top, 10, "top");
  const latest = countOption(options.latest, 20, "latest");
  if (options.since !== undefined && options.until !== undefined && options.since > options.until) {
    throw invalidInput("since", "must not be after until");
  }
  const filter = options.filter ?? {};
  const now = (options.now ?? Date.now)();
  const totals = emptyGroup("all");
  const groups = {
    overTime: new GroupSums(),
    model: new GroupSums(),
    provider: new GroupSums(),
    key: new GroupSums(),
    team: new GroupSums(),
    tag: new GroupSums(),
    scope: new GroupSums(),
  };
  const windows = new Map<string, ScopeWindow>();
  const topRecords: SpendRecord[] = [];
  const latestRecords: SpendRecord[] = [];
  let firstRecordAt: number | undefined;
  let lastRecordAt: number | undefined;

  // Scope is filtered here, not in the ledger query: a record charged to a key and its team
  // (`scopes`) belongs to both, and the engines filter by the first scope only.
  const query = { since: options.since, until: options.until };
  for await (const record of readRecords(options.ledger, query, options.pageSize)) {
    if (!matchesFilter(record, filter)) continue;
    firstRecordAt ??= record.time;
    lastRecordAt = record.time;
    addRecord(totals, record);
    groups.overTime.add(periodKey(record.time, period), record);
    groups.model.add(record.model, record);
    groups.provider.add(record.provider, record);
    const scopes = chargedScopes(record);
    for (const scope of scopes) groups.scope.add(scope, record);
    const key = keyOf(record);
    if (key !== undefined) groups.key.add(key, record);
    const team = metadataString(record, "team");
    if (team !== undefined) groups.team.add(team, record);
    for (const tag of tagsOf(record)) groups.tag.add(tag, record);
    for (const scope of scopes) {
      const window = windows.get(scope);
      if (window === undefined) {
        windows.set(scope, { cost: record.cost, startedAt: options.since ?? record.time });
      } else window.cost += record.cost;
    }
    keepTop(topRecords, record, top);
    latestRecords.push(record);
    if (latestRecords.length > latest) latestRecords.shift();
  }

  const summarize = (record: SpendRecord) => requestSummary(record, options.includePrompts);
  const report: SpendReport = {
    generatedAt: now,
    period,
    filter,
    totals,
    cacheHitRate: totals.calls === 0 ? 0 : totals.cachedCalls / totals.calls,
    overTime: groups.overTime.byKey(),
    byModel: groups.model.byCost(),
    byProvider: groups.provider.byCost(),
    byKey: groups.key.byCost(),
    byTeam: groups.team.byCost(),
    byTag: groups.tag.byCost(),
    byScope: groups.scope.byCost(),
    budgets: await budgetStatuses({
      ledger: options.ledger,
      budgets: options.budgets ?? [],
      windows,
      now,
    }),
    topRequests: topRecords.map(summarize),
    latestRequests: latestRecords.reverse().map(summarize),
  };
  if (options.since !== undefined) report.since = options.since;
  if (options.until !== undefined) report.until = options.until;
  if (firstRecordAt !== undefined) report.firstRecordAt = firstRecordAt;
  if (lastRecordAt !== undefined) report.lastRecordAt = lastRecordAt;
  return report;
}

function matchesFilter(record: SpendRecord, filter: SpendReportFilter): boolean {
  if (filter.scope !== undefined && !chargedScopes(record).includes(filter.scope)) return false;
  if (filter.model !== undefined && record.model !== filter.model) return false;
  if (filter.provider !== undefined && record.provider !== filter.provider) return false;
  if (filter.team !== undefined && metadataString(record, "team") !== filter.team) return false;
  if (
    filter.key !== undefined &&
    metadataString(record, "keyName") !== filter.key &&
    metadataString(record, "keyId") !== filter.key
  ) {
    return false;
  }
  if (filter.tag !== undefined && !tagsOf(record).includes(filter.tag)) return false;
  return true;
}

/** Keeps the `size` most expensive records, highest first (earlier record wins a tie). */
function keepTop(top: SpendRecord[], record: SpendRecord, size: number): void {
  if (size === 0) return;
  const last = top.at(-1);
  if (top.length === size && last !== undefined && record.cost <= last.cost) return;
  let index = top.length;
  while (index > 0 && compareBigint(record.cost, top[index - 1]?.cost ?? 0n) > 0) index--;
  top.splice(index, 0, record);
  if (top.length > size) top.pop();
}

function requestSummary(record: SpendRecord, includePrompts = false): RequestSummary {
  const summary: RequestSummary = {
    time: record.time,
    scope: record.scope,
    model: record.model,
    provider: record.provider,
    cost: record.cost,
    savedCost: savedCostOf(record),
    cached: record.cached === true,
    usage: record.usage,
    tags: tagsOf(record),
  };
  const optional = {
    requestId: record.requestId,
    key: keyOf(record),
    team: metadataString(record, "team"),
    latencyMs: metadataNumber(record, "latencyMs"),
    outcome: metadataString(record, "outcome"),
    cacheStatus: metadataString(record, "cacheStatus"),
    prompt: includePrompts ? metadataString(record, "prompt") : undefined,
  };
  for (const [field, value] of Object.entries(optional)) {
    if (value !== undefined) Object.assign(summary, { [field]: value });
  }
  return summary;
}

function countOption(value: number | undefined, fallback: number, field: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw invalidInput(field, `must be a whole number of 0 or more, got ${value}`);
  }
  return value;
}
