/**
 * Durations people type ("1h", "30m", "90s", "7d", "500ms", "0") as milliseconds, for rotation
 * grace periods on the command line and in the admin API.
 */
import { describeValue, invalidInput } from "../../../core/errors/index.js";

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

/**
 * @example
 * ```ts
 * parseDuration("1h", "grace"); // 3600000
 * parseDuration("1.5m", "grace"); // 90000
 * ```
 */
export function parseDuration(text: unknown, field: string): number {
  const trimmed = typeof text === "string" ? text.trim().toLowerCase() : undefined;
  if (trimmed === "0") return 0;
  const match = trimmed === undefined ? null : DURATION.exec(trimmed);
  const milliseconds = match
    ? Number(match[1]) * (UNIT_MS[match[2] ?? ""] ?? Number.NaN)
    : Number.NaN;
  if (!Number.isSafeInteger(milliseconds)) {
    throw invalidInput(
      field,
      `must be a duration such as 0, 30s, 15m, 1h or 7d (whole milliseconds), got ${describeValue(text)}`,
    );
  }
  return milliseconds;
}

/**
 * A duration for people: the largest unit that divides it exactly ("1h", "90s", "0").
 *
 * @example
 * ```ts
 * formatDuration(5_400_000); // "90m"
 * ```
 */
export function formatDuration(milliseconds: number): string {
  if (milliseconds === 0) return "0";
  for (const unit of ["d", "h", "m", "s"]) {
    const size = UNIT_MS[unit] ?? 1;
    if (milliseconds % size === 0) return `${milliseconds / size}${unit}`;
  }
  return `${milliseconds}ms`;
}
