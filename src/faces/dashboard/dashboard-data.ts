/**
 * What the dashboard page shows, built from the ledger: the spend report plus, for each budget,
 * its burn-down (what was left after each hour of spending) and the projected run-out date.
 */
import type { Ledger } from "../../adapters/ledger/index.js";
import type { ReportBudget, ReportPeriod, SpendReport } from "../../apps/report/index.js";
import { buildSpendReport } from "../../apps/report/index.js";
import type { Picodollars } from "../../core/money/index.js";

/** One budget's remaining amount over time. */
export interface BudgetBurnDown {
  scope: string;
  /** [epoch ms at the end of an hour with spending, what was left then], in time order. */
  points: Array<[number, Picodollars]>;
}

export interface DashboardData {
  report: SpendReport;
  burnDown: BudgetBurnDown[];
  /** Whether prompt text is shown (the operator switched prompt logging on). */
  showsPrompts: boolean;
}

const HOUR_MS = 3_600_000;

/**
 * @example
 * ```ts
 * const data = await dashboardData({ ledger, budgets: [], period: "day", showPrompts: false });
 * ```
 */
export async function dashboardData(options: {
  ledger: Ledger;
  budgets: readonly ReportBudget[];
  period: ReportPeriod;
  since?: number;
  showPrompts: boolean;
  now?: () => number;
}): Promise<DashboardData> {
  const now = options.now ?? Date.now;
  const report = await buildSpendReport({
    ledger: options.ledger,
    period: options.period,
    since: options.since,
    budgets: options.budgets,
    top: 10,
    latest: 25,
    includePrompts: options.showPrompts,
    now,
  });
  const burnDown = await Promise.all(
    report.budgets.map(async (budget): Promise<BudgetBurnDown> => {
      const hourly = await buildSpendReport({
        ledger: options.ledger,
        filter: { scope: budget.scope },
        since: options.since,
        period: "hour",
        top: 0,
        latest: 0,
        now,
      });
      // Walk back from what is spent now: before each later hour, that hour's spend was not yet spent.
      const points: Array<[number, Picodollars]> = [];
      let spent = budget.spent;
      for (const group of [...hourly.overTime].reverse()) {
        const hourEnd = Date.parse(`${group.key}:00:00Z`) + HOUR_MS;
        points.unshift([hourEnd, clampToZero(budget.limit - spent)]);
        spent -= group.cost;
      }
      const first = hourly.overTime[0];
      if (first !== undefined) {
        points.unshift([Date.parse(`${first.key}:00:00Z`), clampToZero(budget.limit - spent)]);
      }
      return { scope: budget.scope, points };
    }),
  );
  return { report, burnDown, showsPrompts: options.showPrompts };
}

function clampToZero(amount: Picodollars): Picodollars {
  return amount > 0n ? amount : 0n;
}
