import { type Picodollars, toDecimalString } from "../money/index.js";

/** A token count as people read it: 1048576 → "1,048,576". */
export function describeTokens(tokens: number): string {
  return tokens.toLocaleString("en-US");
}

/** An exact dollar amount for messages: 600_000_000_000n → "$0.60", never rounded to "$0.00". */
export function describeCost(amount: Picodollars): string {
  return `$${toDecimalString(amount)}`;
}

/**
 * A value a caller passed, for an error message: short, and safe for any value (bigints,
 * cycles, huge objects), so describing bad input can never throw or flood a log.
 */
export function describeValue(value: unknown): string {
  if (typeof value === "string") {
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  }
  if (typeof value === "bigint") return `${value}n`;
  if (value === null || typeof value !== "object") return String(value);
  return Array.isArray(value) ? "an array" : "an object";
}
