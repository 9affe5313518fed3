import type { Command } from "commander";
import {
  buildSpendReport,
  openLedger,
  parseBudget,
  parseTimeBound,
  REPORT_GROUPINGS,
  type ReportBudget,
  type ReportPeriod,
  type RequestSummary,
  type SpendGroup,
  type SpendReport,
  spendReportCsv,
  textBar,
} from "../../../apps/report/index.js";
import { formatUsd } from "../../../core/money/index.js";
import { type Output, processOutput, toJson } from "../output.js";
import { collect, nonNegativeInteger } from "../parse-options.js";
import { type Column, formatInteger, formatPercent, formatTable } from "../table.js";

/** Flags every command that reads a ledger shares. */
export interface LedgerFlags {
  ledger?: string;
  redisPrefix?: string;
  tablePrefix?: string;
  schema?: string;
}

interface ReportFlags extends LedgerFlags {
  since?: string;
  until?: string;
  period: string;
  model?: string;
  provider?: string;
  key?: string;
  team?: string;
  tag?: string;
  scope?: string;
  budget: string[];
  top: number;
  json?: boolean;
  csv?: boolean;
}

/**
 * Adds `--ledger`, `--redis-prefix`, `--table-prefix` and `--schema` to a command.
 *
 * @example
 * ```ts
 * withLedgerOptions(program.command("report"));
 * ```
 */
export function withLedgerOptions(command: Command): Command {
  return command
    .option(
      "--ledger <location>",
      "data directory or SQLite file, redis://host:port, or postgres://… (default the data directory: .tokenwise or TOKENWISE_DATA_DIR)",
    )
    .option("--redis-prefix <prefix>", "key prefix of a Redis ledger", "tokenwise:ledger:")
    .option("--table-prefix <prefix>", "table prefix of a SQLite ledger", "tokenwise_ledger")
    .option("--schema <name>", "schema of a PostgreSQL ledger", "tokenwise");
}

/**
 * Opens the ledger the shared flags name.
 *
 * @example
 * ```ts
 * const ledger = openLedgerFromFlags({ ledger: "redis://127.0.0.1:6379" });
 * ```
 */
export function openLedgerFromFlags(flags: LedgerFlags) {
  return openLedger({
    location: flags.ledger,
    redisPrefix: flags.redisPrefix,
    tablePrefix: flags.tablePrefix,
    postgresSchema: flags.schema,
  });
}

/** `tokenwise report`: spend over a ledger, for people (tables), scripts (JSON) or sheets (CSV). */
export function registerReportCommand(program: Command, output: Output = processOutput): void {
  withLedgerOptions(
    program
      .command("report")
      .description(
        "spend, calls and tokens by day / week / month, model, provider, key, team and tag; cache savings; budgets; top requests",
      ),
  )
    .option("--since <when>", "start: 2026-12-01, 2026-12-01T09:00:00Z, or back from now: 24h, 7d")
    .option("--until <when>", "end (a bare date includes that whole day)")
    .option("--period <period>", "bucket spend over time by hour, day, week or month", "day")
    .option("--model <name>", "only this model")
    .option("--provider <name>", "only this provider")
    .option("--key <name>", "only this gateway key (name or id)")
    .option("--team <name>", "only this team")
    .option("--tag <tag>", "only records with this tag")
    .option("--scope <scope>", "only this ledger scope")
    .option(
      "--budget <scope=dollars>",
      "show a budget and what is left of it (repeatable)",
      collect,
      [],
    )
    .option("--top <n>", "how many of the most expensive requests to list", nonNegativeInteger, 10)
    .option("--json", "print the report as JSON (money as exact decimal dollars)")
    .option("--csv", "print every grouping as CSV rows (exact decimal dollars)")
    .addHelpText(
      "after",
      `
Examples:
  tokenwise report --ledger .tokenwise --since 7d
  tokenwise report --ledger redis://127.0.0.1:6379 --period week --team data --json
  tokenwise report --budget team:data:month:2026-12=250 --csv > spend.csv

Records are grouped by key, team and tag when their metadata carries keyName/keyId, team and
tags (the gateway writes them). Dollars saved come from cache hits' metadata.savedCost.`,
    )
    .action(async (flags: ReportFlags) => {
      const now = Date.now();
      const budgets: ReportBudget[] = flags.budget.map((text) => parseBudget(text, "--budget"));
      const ledger = openLedgerFromFlags(flags);
      try {
        const report = await buildSpendReport({
          ledger,
          ...timeWindowFromFlags(flags, now),
          period: flags.period as ReportPeriod,
          filter: definedOnly({
            model: flags.model,
            provider: flags.provider,
            key: flags.key,
            team: flags.team,
            tag: flags.tag,
            scope: flags.scope,
          }),
          budgets,
          top: flags.top,
          latest: 0,
          now: () => now,
        });
        if (flags.json) output.write(toJson(report));
        else if (flags.csv) output.write(spendReportCsv(report));
        else output.write(formatSpendReport(report));
      } finally {
        await ledger.close();
      }
    });
}

/**
 * The `--since` / `--until` window as epoch ms (a bare `--until` date includes that day).
 *
 * @example
 * ```ts
 * timeWindowFromFlags({ since: "7d" }, Date.now()); // { since: <a week ago>, until: undefined }
 * ```
 */
export function timeWindowFromFlags(
  flags: { since?: string; until?: string },
  now: number,
): { since: number | undefined; until: number | undefined } {
  return {
    since:
      flags.since === undefined
        ? undefined
        : parseTimeBound(flags.since, { field: "--since", now }),
    until:
      flags.until === undefined
        ? undefined
        : parseTimeBound(flags.until, { field: "--until", now, endOfDay: true }),
  };
}

function definedOnly<T extends Record<string, string | undefined>>(values: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(values).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}

/**
 * A spend report as text: totals, then a table with a bar per row for each grouping.
 *
 * @example
 * ```ts
 * output.write(formatSpendReport(await buildSpendReport({ ledger })));
 * ```
 */
export function formatSpendReport(report: SpendReport): string {
  const { totals } = report;
  const lines = [`Spend report, ${describeWindow(report)}${describeFilter(report)}`];
  if (totals.calls === 0) {
    lines.push("", "No spend records in this window.");
  } else {
    lines.push(
      "",
      `Spent ${formatUsd(totals.cost)} on ${formatInteger(totals.calls)} calls; ` +
        `${formatInteger(totals.cachedCalls)} cache hits (${formatPercent(report.cacheHitRate)}) ` +
        `saved ${formatUsd(totals.savedCost)}.`,
      `Tokens: ${formatInteger(totals.usage.inputTokens)} input ` +
        `(${formatInteger(totals.usage.cachedInputTokens)} from the provider's prompt cache, ` +
        `${formatInteger(totals.usage.cacheWriteTokens)} cache writes), ` +
        `${formatInteger(totals.usage.outputTokens)} output ` +
        `(${formatInteger(totals.usage.reasoningTokens)} reasoning).`,
      "",
      `By ${report.period}`,
      groupTable(report.overTime, report.period),
    );
    for (const [field, label] of REPORT_GROUPINGS) {
      const groups = report[field];
      if (groups.length === 0) continue;
      lines.push("", `By ${label}`, groupTable(groups, label));
    }
  }
  if (report.budgets.length > 0) lines.push("", "Budgets", budgetTable(report));
  if (report.topRequests.length > 0) {
    lines.push("", "Top requests by cost", requestTable(report.topRequests));
  }
  return lines.join("\n");
}

function groupTable(groups: SpendGroup[], label: string): string {
  let max = 0n;
  for (const group of groups) if (group.cost > max) max = group.cost;
  const columns: Column<SpendGroup>[] = [
    { header: label, value: (group) => group.key },
    { header: "calls", value: (group) => formatInteger(group.calls), align: "right" },
    { header: "cached", value: (group) => formatInteger(group.cachedCalls), align: "right" },
    { header: "input", value: (group) => formatInteger(group.usage.inputTokens), align: "right" },
    {
      header: "output",
      value: (group) => formatInteger(group.usage.outputTokens),
      align: "right",
    },
    { header: "cost", value: (group) => formatUsd(group.cost), align: "right" },
    { header: "saved", value: (group) => formatUsd(group.savedCost), align: "right" },
    { header: "", value: (group) => textBar(group.cost, max) },
  ];
  return formatTable(groups, columns);
}

function budgetTable(report: SpendReport): string {
  return formatTable(report.budgets, [
    { header: "budget", value: (budget) => budget.name },
    { header: "limit", value: (budget) => formatUsd(budget.limit), align: "right" },
    { header: "spent", value: (budget) => formatUsd(budget.spent), align: "right" },
    { header: "reserved", value: (budget) => formatUsd(budget.reserved), align: "right" },
    { header: "left", value: (budget) => formatUsd(budget.remaining), align: "right" },
    { header: "used", value: (budget) => formatPercent(budget.usedFraction), align: "right" },
    {
      header: "runs out at the current rate",
      value: (budget) =>
        budget.runsOutAt === undefined
          ? "-"
          : budget.runsOutBeforeReset
            ? formatTime(budget.runsOutAt)
            : "not before it resets",
    },
    { header: "", value: (budget) => textBar(budget.spent, budget.limit, 10) },
  ]);
}

function requestTable(requests: RequestSummary[]): string {
  return formatTable(requests, [
    { header: "time (UTC)", value: (request) => formatTime(request.time) },
    { header: "model", value: (request) => request.model },
    { header: "key or scope", value: (request) => request.key ?? request.scope },
    {
      header: "input",
      value: (request) => formatInteger(request.usage.inputTokens),
      align: "right",
    },
    {
      header: "output",
      value: (request) => formatInteger(request.usage.outputTokens),
      align: "right",
    },
    { header: "cost", value: (request) => formatUsd(request.cost), align: "right" },
    { header: "request", value: (request) => request.requestId ?? "" },
  ]);
}

/** "2026-12-03 14:05:09" in UTC. */
function formatTime(time: number): string {
  return new Date(time).toISOString().slice(0, 19).replace("T", " ");
}

function describeWindow(report: SpendReport): string {
  const from = report.since ?? report.firstRecordAt;
  const to = report.until ?? report.lastRecordAt;
  if (from === undefined || to === undefined) return "all time (UTC)";
  return `${formatTime(from)} to ${formatTime(to)} (UTC)`;
}

function describeFilter(report: SpendReport): string {
  const parts = Object.entries(report.filter).map(([field, value]) => `${field}=${String(value)}`);
  return parts.length === 0 ? "" : `, only ${parts.join(", ")}`;
}
