import { invalidInput } from "../errors/index.js";

/**
 * Returns `value` trimmed, or throws naming `field` when it is not a string with visible text.
 * `meaning` tells the caller what belongs there, e.g. `the writing style, e.g. "formal"`.
 */
export function requireText(value: unknown, field: string, meaning: string): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw invalidInput(field, `must be a non-empty string (${meaning}), got ${describe(value)}`);
  }
  return value.trim();
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  return value === null ? "null" : typeof value;
}
