/** Where each budget stands and when it runs out at the rate it is being spent. */
import type { Ledger } from "../../adapters/ledger/index.js";
import type { Picodollars } from "../../core/money/index.js";
import type { BudgetStatus, ReportBudget } from "./spend-report-types.js";

const DAY_MS = 86_400_000n;

/** Spend observed for a scope inside the report's window. */
export interface ScopeWindow {
  /** Exact spend in the window. */
  cost: Picodollars;
  /** When the window's spending started (epoch ms): the report's `since`, else the first record. */
  startedAt: number;
}

/**
 * Status of each budget: the ledger's spent / reserved / remaining, the rate over the window,
 * and the time the remaining budget runs out at that rate.
 *
 * @example
 * ```ts
 * const [status] = await budgetStatuses({ ledger, budgets: [{ scope: "team-a", limit: usd("50") }], windows, now: Date.now() });
 * status.runsOutAt; // epoch ms, or undefined when nothing has been spent
 * ```
 */
export async function budgetStatuses(options: {
  ledger: Ledger;
  budgets: readonly ReportBudget[];
  windows: ReadonlyMap<string, ScopeWindow>;
  now: number;
}): Promise<BudgetStatus[]> {
  const { ledger, budgets, windows, now } = options;
  return Promise.all(
    budgets.map(async (budget): Promise<BudgetStatus> => {
      const [spent, reserved] = await Promise.all([
        ledger.spent(budget.scope),
        ledger.reserved(budget.scope),
      ]);
      const left = budget.limit - spent - reserved;
      const remaining = left > 0n ? left : 0n;
      const window = windows.get(budget.scope);
      const elapsed = BigInt(Math.max(1, now - (window?.startedAt ?? now)));
      const windowCost = window?.cost ?? 0n;
      const ratePerDay = (windowCost * DAY_MS) / elapsed;
      const runsOutAt =
        windowCost > 0n ? now + Number((remaining * elapsed) / windowCost) : undefined;
      const status: BudgetStatus = {
        scope: budget.scope,
        name: budget.name ?? budget.scope,
        limit: budget.limit,
        spent,
        reserved,
        remaining,
        usedFraction: budget.limit === 0n ? 1 : ratio(spent, budget.limit),
        ratePerDay,
        runsOutBeforeReset:
          runsOutAt !== undefined && (budget.resetsAt === undefined || runsOutAt < budget.resetsAt),
      };
      if (runsOutAt !== undefined) status.runsOutAt = runsOutAt;
      if (budget.resetsAt !== undefined) status.resetsAt = budget.resetsAt;
      return status;
    }),
  );
}

/**
 * a / b as a number with six significant decimals, for display; exact amounts stay bigint.
 *
 * @example
 * ```ts
 * ratio(1n, 4n); // 0.25
 * ```
 */
export function ratio(a: bigint, b: bigint): number {
  if (b === 0n) return 0;
  return Number((a * 1_000_000n) / b) / 1_000_000;
}
