/**
 * The budgets one request is held to: the key's and its team's, each as a ledger scope named
 * for the current calendar period, so spend resets by itself when a new period's scope begins.
 */
import { calendarPeriod } from "./calendar-period.js";
import type { BudgetScope, BudgetSpec, Team, VirtualKey } from "./types.js";

/**
 * The key's budget scope first, then its team's; none for a key and team without budgets.
 *
 * Scope names: `key:<id>:day:2026-12-03`, `key:<id>:week:2026-W49` (ISO week, Monday first),
 * `key:<id>:month:2026-12`, `key:<id>:none` (prepaid, never resets), and the same with
 * `team:<name>`. Periods follow the calendar of the budget's own time zone.
 *
 * @example
 * ```ts
 * budgetScopes(key, team, Date.now());
 * // [{ scope: "key:key_3f2a…:month:2026-12", limit: 50_000_000_000_000n, resetsAt: 1798761600000 },
 * //  { scope: "team:data:week:2026-W49", limit: 500_000_000_000_000n, resetsAt: 1796619600000 }]
 * ```
 */
export function budgetScopes(
  key: Pick<VirtualKey, "id" | "budget">,
  team: Team | undefined,
  now: number,
): BudgetScope[] {
  const scopes: BudgetScope[] = [];
  if (key.budget !== undefined) scopes.push(scopeFor(`key:${key.id}`, key.budget, now));
  if (team?.budget !== undefined) scopes.push(scopeFor(`team:${team.name}`, team.budget, now));
  return scopes;
}

function scopeFor(owner: string, budget: BudgetSpec, now: number): BudgetScope {
  if (budget.period === "none") return { scope: `${owner}:none`, limit: budget.limit };
  const period = calendarPeriod({ period: budget.period, timeZone: budget.timeZone, now });
  return {
    scope: `${owner}:${budget.period}:${period.label}`,
    limit: budget.limit,
    resetsAt: period.endsAt,
  };
}
