/** Small horizontal bars for tables in a terminal. */

const EIGHTHS = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];

/**
 * A bar `width` characters long at full scale, in eighths of a character, for `value` out of
 * `max` (exact amounts, so money needs no conversion). A non-zero value shows at least "▏".
 *
 * @example
 * ```ts
 * textBar(1n, 2n, 10); // "█████"
 * ```
 */
export function textBar(value: bigint, max: bigint, width = 20): string {
  if (max <= 0n || value <= 0n) return "";
  const eighths = Number((value * BigInt(width * 8)) / max);
  const shown = Math.max(1, Math.min(width * 8, eighths));
  return "█".repeat(Math.floor(shown / 8)) + (EIGHTHS[shown % 8] ?? "");
}
