/**
 * The spend dashboard: a Node HTTP handler serving a page (spend over time, by model / key /
 * team, budget burn-down with run-out dates, cache savings, latest requests) and its data
 * endpoint behind an admin key. Every asset ships in the package.
 *
 * @example
 * ```ts
 * import { createDashboardHandler } from "tokenwise/dashboard";
 * const dashboard = createDashboardHandler({ ledger, adminKey: process.env.TOKENWISE_ADMIN_KEY! });
 * ```
 *
 * @module
 */
export { isAdminKey, presentedAdminKey } from "./admin-key.js";
export { type BudgetBurnDown, type DashboardData, dashboardData } from "./dashboard-data.js";
export {
  createDashboardHandler,
  type DashboardHandler,
  type DashboardHandlerOptions,
} from "./dashboard-handler.js";
