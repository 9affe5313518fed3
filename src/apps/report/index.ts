/**
 * Spend reports over any ledger: exact spend, calls and tokens by period, model, provider,
 * key, team, tag and scope; cache hit rate and dollars saved; budgets and when they run out;
 * the top requests by cost; and what tokenwise's caches saved.
 *
 * @example
 * ```ts
 * import { buildSpendReport, openLedger } from "tokenwise/report";
 * const ledger = openLedger({ location: ".tokenwise" });
 * const report = await buildSpendReport({ ledger, period: "week" });
 * await ledger.close();
 * ```
 *
 * @module
 */
export { budgetStatuses, ratio, type ScopeWindow } from "./budget-status.js";
export { buildSpendReport, type SpendReportOptions } from "./build-spend-report.js";
export {
  type LedgerSavings,
  type LedgerSavingsOptions,
  ledgerSavings,
  type ModelSavings,
} from "./ledger-savings.js";
export { type OpenLedgerOptions, openLedger } from "./open-ledger.js";
export { parseBudget, parseTimeBound } from "./parse-report-input.js";
export { periodKey, type ReportPeriod } from "./period-key.js";
export { DEFAULT_PAGE_SIZE, readRecords } from "./read-records.js";
export {
  chargedScopes,
  keyOf,
  REPORT_METADATA_FIELDS,
  savedCostOf,
  tagsOf,
} from "./record-fields.js";
export { REPORT_GROUPINGS, spendReportCsv } from "./spend-report-csv.js";
export type {
  BudgetStatus,
  ReportBudget,
  RequestSummary,
  SpendGroup,
  SpendReport,
  SpendReportFilter,
} from "./spend-report-types.js";
export { textBar } from "./text-bar.js";
