/** Calendar buckets for spend over time, all in UTC. */
import { utcDay } from "../../adapters/ledger/index.js";

/** How spend over time is bucketed. */
export type ReportPeriod = "hour" | "day" | "week" | "month";

const DAY_MS = 86_400_000;

/**
 * The UTC bucket of an epoch-ms time: "2026-12-03T14" (hour), "2026-12-03" (day),
 * "2026-W49" (ISO week, Monday first) or "2026-12" (month). Keys sort in time order.
 *
 * @example
 * ```ts
 * periodKey(Date.UTC(2026, 11, 3), "week"); // "2026-W49"
 * ```
 */
export function periodKey(time: number, period: ReportPeriod): string {
  if (period === "hour") return new Date(time).toISOString().slice(0, 13);
  if (period === "day") return utcDay(time);
  if (period === "month") return utcDay(time).slice(0, 7);
  const date = new Date(Math.floor(time / DAY_MS) * DAY_MS);
  const weekday = (date.getUTCDay() + 6) % 7;
  // The ISO week belongs to the year of its Thursday.
  const thursday = new Date(date.getTime() + (3 - weekday) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const firstThursday = Date.UTC(year, 0, 4);
  const firstWeekday = (new Date(firstThursday).getUTCDay() + 6) % 7;
  const firstMonday = firstThursday - firstWeekday * DAY_MS;
  const week = Math.floor((thursday.getTime() - firstMonday) / (7 * DAY_MS)) + 1;
  return `${year}-W${String(week).padStart(2, "0")}`;
}
