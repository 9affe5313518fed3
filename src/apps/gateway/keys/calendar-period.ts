/**
 * Calendar periods in an IANA time zone, with nothing but `Intl`: the local day, ISO week
 * (Monday first) or month an instant falls in, its label and the instants it starts and ends.
 * Days are not always 24 hours (DST), so boundaries are found, not computed from offsets.
 */
import { canonicalTimeZone } from "./key-input.js";
import type { BudgetPeriod } from "./types.js";

/** A date on the local calendar; `month` is 1 to 12. */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

export interface CalendarPeriod {
  /** "2026-12-03", "2026-W49" (ISO week-numbering year) or "2026-12". */
  label: string;
  /** The first instant of the period (epoch ms). */
  startsAt: number;
  /** The first instant after it (epoch ms). */
  endsAt: number;
}

const DAY_MS = 86_400_000;
/** Wider than any UTC offset (-12 h to +14 h), so a local date is always inside it. */
const SEARCH_MARGIN_MS = 2 * DAY_MS;
const formatters = new Map<string, Intl.DateTimeFormat>();
const dayStarts = new Map<string, number>();
const DAY_START_CACHE_SIZE = 4096;
/**
 * The period last asked for, per period kind and time zone: every request of a busy gateway
 * asks for the same one, and an instant inside [startsAt, endsAt) is in it by definition.
 */
const currentPeriods = new Map<string, CalendarPeriod>();
const CURRENT_PERIOD_CACHE_SIZE = 1024;

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone: canonicalTimeZone(timeZone, "timeZone"),
      calendar: "gregory",
      numberingSystem: "latn",
      era: "short",
      year: "numeric",
      month: "numeric",
      day: "numeric",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/**
 * The local calendar date of an instant in a time zone.
 *
 * @example
 * ```ts
 * localDateAt(Date.UTC(2026, 10, 30, 23, 30), "Europe/Berlin"); // { year: 2026, month: 12, day: 1 }
 * ```
 */
export function localDateAt(instant: number, timeZone: string): LocalDate {
  const values: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) values[part.type] = part.value;
  const year = Number(values.year);
  return {
    year: values.era === "BC" ? 1 - year : year,
    month: Number(values.month),
    day: Number(values.day),
  };
}

/**
 * The first instant of a local date: local midnight, or the moment the day begins when DST
 * skips midnight.
 *
 * @example
 * ```ts
 * startOfLocalDay({ year: 2026, month: 3, day: 29 }, "Europe/Berlin"); // Date.UTC(2026, 2, 28, 23)
 * ```
 */
export function startOfLocalDay(date: LocalDate, timeZone: string): number {
  const cacheKey = `${timeZone}|${date.year}-${date.month}-${date.day}`;
  const cached = dayStarts.get(cacheKey);
  if (cached !== undefined) return cached;
  const target = dayNumber(date);
  // Smallest instant whose local date is on or after the target: local dates never go back
  // by a whole day, so the predicate is monotonic over the window.
  let low = Date.UTC(date.year, date.month - 1, date.day) - SEARCH_MARGIN_MS;
  let high = low + 2 * SEARCH_MARGIN_MS;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (dayNumber(localDateAt(middle, timeZone)) >= target) high = middle;
    else low = middle;
  }
  if (dayStarts.size >= DAY_START_CACHE_SIZE) dayStarts.clear();
  dayStarts.set(cacheKey, high);
  return high;
}

/**
 * The calendar day, ISO week or month `instant` falls in, in `timeZone`.
 *
 * @example
 * ```ts
 * calendarPeriod({ period: "week", timeZone: "UTC", now: Date.UTC(2026, 11, 3) }).label; // "2026-W49"
 * ```
 */
export function calendarPeriod(options: {
  period: Exclude<BudgetPeriod, "none">;
  timeZone: string;
  now: number;
}): CalendarPeriod {
  const { period, timeZone, now } = options;
  const cacheKey = `${period}|${timeZone}`;
  const current = currentPeriods.get(cacheKey);
  if (current !== undefined && current.startsAt <= now && now < current.endsAt) {
    return { ...current };
  }
  const found = findCalendarPeriod(period, timeZone, now);
  if (currentPeriods.size >= CURRENT_PERIOD_CACHE_SIZE) currentPeriods.clear();
  currentPeriods.set(cacheKey, found);
  return { ...found };
}

function findCalendarPeriod(
  period: Exclude<BudgetPeriod, "none">,
  timeZone: string,
  now: number,
): CalendarPeriod {
  const today = localDateAt(now, timeZone);
  const span = (first: LocalDate, next: LocalDate, label: string): CalendarPeriod => ({
    label,
    startsAt: startOfLocalDay(first, timeZone),
    endsAt: startOfLocalDay(next, timeZone),
  });
  if (period === "day") {
    return span(today, addDays(today, 1), `${today.year}-${pad(today.month)}-${pad(today.day)}`);
  }
  if (period === "month") {
    const next =
      today.month === 12
        ? { year: today.year + 1, month: 1, day: 1 }
        : { year: today.year, month: today.month + 1, day: 1 };
    return span({ ...today, day: 1 }, next, `${today.year}-${pad(today.month)}`);
  }
  const monday = addDays(today, 1 - isoWeekday(today));
  const { year, week } = isoWeek(monday);
  return span(monday, addDays(monday, 7), `${year}-W${pad(week)}`);
}

/** Days since 1970-01-01 of a calendar date (proleptic Gregorian). */
function dayNumber(date: LocalDate): number {
  return Math.floor(utcMidnight(date) / DAY_MS);
}

function utcMidnight(date: LocalDate): number {
  const instant = new Date(0);
  instant.setUTCFullYear(date.year, date.month - 1, date.day);
  return instant.getTime();
}

function addDays(date: LocalDate, days: number): LocalDate {
  const instant = new Date(utcMidnight(date) + days * DAY_MS);
  return {
    year: instant.getUTCFullYear(),
    month: instant.getUTCMonth() + 1,
    day: instant.getUTCDate(),
  };
}

/** Monday 1 to Sunday 7. */
function isoWeekday(date: LocalDate): number {
  return new Date(utcMidnight(date)).getUTCDay() || 7;
}

/** The ISO week of a Monday: its year is the year of that week's Thursday. */
function isoWeek(monday: LocalDate): { year: number; week: number } {
  const thursday = addDays(monday, 3);
  const firstOfYear = utcMidnight({ year: thursday.year, month: 1, day: 1 });
  const week = 1 + Math.floor((utcMidnight(thursday) - firstOfYear) / (7 * DAY_MS));
  return { year: thursday.year, week };
}

function pad(value: number): string {
  return String(value).padStart(2, "0");
}
