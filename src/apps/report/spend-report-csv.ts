/** A spend report as CSV for scripts: exact decimal dollars, one row per group. */
import { toDecimalString } from "../../core/money/index.js";
import type { SpendGroup, SpendReport } from "./spend-report-types.js";

/** The groupings of a report after spend over time: its field and the label people see. */
export const REPORT_GROUPINGS = [
  ["byModel", "model"],
  ["byProvider", "provider"],
  ["byKey", "key"],
  ["byTeam", "team"],
  ["byTag", "tag"],
  ["byScope", "scope"],
] as const;

const CSV_HEADER = [
  "grouping",
  "key",
  "calls",
  "cached_calls",
  "input_tokens",
  "cached_input_tokens",
  "cache_write_tokens",
  "output_tokens",
  "reasoning_tokens",
  "cost_usd",
  "saved_usd",
];

/**
 * One CSV row per group of every grouping (`grouping` is "total", the period, "model",
 * "provider", "key", "team", "tag" or "scope"), exact dollars, RFC 4180 quoting.
 *
 * @example
 * ```ts
 * writeFileSync("spend.csv", spendReportCsv(report));
 * ```
 */
export function spendReportCsv(report: SpendReport): string {
  const rows: string[][] = [CSV_HEADER];
  const add = (grouping: string, group: SpendGroup) =>
    rows.push([
      grouping,
      group.key,
      String(group.calls),
      String(group.cachedCalls),
      String(group.usage.inputTokens),
      String(group.usage.cachedInputTokens),
      String(group.usage.cacheWriteTokens),
      String(group.usage.outputTokens),
      String(group.usage.reasoningTokens),
      toDecimalString(group.cost),
      toDecimalString(group.savedCost),
    ]);
  add("total", report.totals);
  for (const group of report.overTime) add(report.period, group);
  for (const [field, label] of REPORT_GROUPINGS)
    for (const group of report[field]) add(label, group);
  return `${rows.map((row) => row.map(csvField).join(",")).join("\r\n")}\r\n`;
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
