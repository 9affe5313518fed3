/**
 * The budgets the gateway enforces, as the spend dashboard and reports show them: every live
 * key's budget and every team's budget for the current calendar period, each once, named for
 * people. The dashboard's burn-down ("runs out on …") reads these.
 */
import type { ReportBudget } from "../report/index.js";
import type { BudgetScopesFor } from "./gateway-context.js";
import type { KeyRegistry } from "./keys/types.js";

/**
 * @example
 * ```ts
 * const budgets = await registryBudgets({ registry, budgetScopes, now: Date.now() });
 * // [{ scope: "key:key_x1:month:2026-12", limit, resetsAt, name: "key ci-bot" }, { scope: "team:data:…", name: "team data" }]
 * ```
 */
export async function registryBudgets(options: {
  registry: KeyRegistry;
  budgetScopes: BudgetScopesFor;
  now: number;
}): Promise<ReportBudget[]> {
  const { registry, budgetScopes, now } = options;
  const [keys, teams] = await Promise.all([registry.list(), registry.listTeams()]);
  const teamsByName = new Map(teams.map((team) => [team.name, team]));
  const budgets = new Map<string, ReportBudget>();
  for (const key of keys) {
    const team = key.team === undefined ? undefined : teamsByName.get(key.team);
    for (const scope of budgetScopes(key, team, now)) {
      if (budgets.has(scope.scope)) continue;
      const name = scope.scope.startsWith("team:") ? `team ${key.team}` : `key ${key.name}`;
      budgets.set(scope.scope, {
        scope: scope.scope,
        limit: scope.limit,
        name,
        ...(scope.resetsAt !== undefined ? { resetsAt: scope.resetsAt } : {}),
      });
    }
  }
  // A team whose keys have no budget of their own still has its budget shown.
  for (const team of teams) {
    for (const scope of budgetScopes(
      { id: "", name: "", secretHint: "", createdAt: 0 },
      team,
      now,
    )) {
      if (budgets.has(scope.scope) || !scope.scope.startsWith("team:")) continue;
      budgets.set(scope.scope, {
        scope: scope.scope,
        limit: scope.limit,
        name: `team ${team.name}`,
        ...(scope.resetsAt !== undefined ? { resetsAt: scope.resetsAt } : {}),
      });
    }
  }
  return [...budgets.values()];
}
