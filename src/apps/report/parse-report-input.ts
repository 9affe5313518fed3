/** Reading report bounds and budgets as people type them on a command line or in a URL. */
import { invalidInput } from "../../core/errors/index.js";
import { usd } from "../../core/money/index.js";
import type { ReportBudget } from "./spend-report-types.js";

const RELATIVE = /^(\d+)([mhdw])$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A time bound in epoch ms from "2026-12-01", an ISO date-time ("2026-12-01T09:30:00Z"), epoch
 * ms, or a duration back from now ("30m", "24h", "7d", "4w"). A bare date is UTC midnight;
 * as an `until` bound (`endOfDay`) it means the end of that day, so the day is included.
 *
 * @example
 * ```ts
 * parseTimeBound("2026-12-01", { field: "since" }); // Date.UTC(2026, 11, 1)
 * parseTimeBound("7d", { field: "since", now: Date.now() }); // a week ago
 * ```
 */
export function parseTimeBound(
  text: string,
  options: { field: string; now?: number; endOfDay?: boolean },
): number {
  const value = text.trim();
  const relative = RELATIVE.exec(value);
  if (relative?.[1] !== undefined && relative[2] !== undefined) {
    const unit = UNIT_MS[relative[2] as keyof typeof UNIT_MS];
    return (options.now ?? Date.now()) - Number(relative[1]) * unit;
  }
  if (/^\d{10,}$/.test(value)) return Number(value);
  const parsed = Date.parse(DATE_ONLY.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(parsed)) {
    throw invalidInput(
      options.field,
      `must be a date such as 2026-12-01, a date-time such as 2026-12-01T09:30:00Z, or a duration back from now such as 7d; got "${text}"`,
    );
  }
  return DATE_ONLY.test(value) && options.endOfDay === true ? parsed + UNIT_MS.d : parsed;
}

/**
 * A budget from "SCOPE=LIMIT" (limit in dollars), e.g. "team:data:month:2026-12=250".
 *
 * @example
 * ```ts
 * parseBudget("team-a=50"); // { scope: "team-a", limit: 50_000_000_000_000n }
 * ```
 */
export function parseBudget(text: string, field = "budget"): ReportBudget {
  const at = text.lastIndexOf("=");
  const scope = at > 0 ? text.slice(0, at).trim() : "";
  if (scope === "") {
    throw invalidInput(field, `must be SCOPE=DOLLARS such as team-a=50, got "${text}"`);
  }
  const limit = usd(text.slice(at + 1), field);
  if (limit < 0n) throw invalidInput(field, `must have a limit of 0 or more, got "${text}"`);
  return { scope, limit };
}
