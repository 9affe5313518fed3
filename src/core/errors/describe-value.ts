/**
 * A value a caller passed, for an error message: short, and safe for any value (bigints,
 * functions, cycles, huge objects), so describing bad input can never throw or flood a log.
 * A long string keeps its first 40 characters; an object or function is named, never printed.
 *
 * @example
 * ```ts
 * describeValue("gpt-4o"); // '"gpt-4o"'
 * describeValue(5n); // "5n"
 * describeValue({ apiKey: "sk-..." }); // "an object"
 * ```
 */
export function describeValue(value: unknown): string {
  if (typeof value === "string") {
    return value.length > 40 ? `${JSON.stringify(value.slice(0, 40))}…` : JSON.stringify(value);
  }
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "function" || typeof value === "symbol") return `a ${typeof value}`;
  if (value === null || typeof value !== "object") return String(value);
  return Array.isArray(value) ? "an array" : "an object";
}
