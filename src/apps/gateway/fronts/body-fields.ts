/**
 * Readers for the fields of a caller's JSON body: each returns the value with its type, or
 * throws `invalid_input` naming the field, what was wrong and what is expected.
 */
import { invalidInput } from "../../../core/errors/index.js";

export type JsonObject = Record<string, unknown>;

/**
 * @example
 * ```ts
 * const body = objectAt(parsed, "body"); // throws for arrays, null, strings
 * ```
 */
export function objectAt(value: unknown, field: string): JsonObject {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw invalidInput(field, `must be a JSON object, got ${kindOf(value)}`);
  }
  return value as JsonObject;
}

/** A required non-empty string. */
export function stringAt(value: unknown, field: string, example: string): string {
  if (typeof value !== "string" || value === "") {
    throw invalidInput(
      field,
      `must be a non-empty string such as ${JSON.stringify(example)}, got ${kindOf(value)}`,
    );
  }
  return value;
}

/** An optional string. */
export function optionalStringAt(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string")
    throw invalidInput(field, `must be a string, got ${kindOf(value)}`);
  return value;
}

/** An optional finite number within a range. */
export function optionalNumberAt(
  value: unknown,
  field: string,
  range: { min?: number; max?: number; integer?: boolean } = {},
): number | undefined {
  if (value === undefined || value === null) return undefined;
  const min = range.min ?? Number.NEGATIVE_INFINITY;
  const max = range.max ?? Number.POSITIVE_INFINITY;
  if (
    typeof value !== "number" ||
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (range.integer === true && !Number.isSafeInteger(value))
  ) {
    const bounds =
      range.max !== undefined
        ? `from ${min} to ${max}`
        : range.min !== undefined
          ? `of at least ${min}`
          : "";
    throw invalidInput(
      field,
      `must be ${range.integer === true ? "a whole number" : "a number"} ${bounds}, got ${kindOf(value)}`.replace(
        "  ",
        " ",
      ),
    );
  }
  return value;
}

/** An optional boolean. */
export function optionalBooleanAt(value: unknown, field: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean")
    throw invalidInput(field, `must be true or false, got ${kindOf(value)}`);
  return value;
}

/** A required array. */
export function arrayAt(value: unknown, field: string, what: string): unknown[] {
  if (!Array.isArray(value))
    throw invalidInput(field, `must be an array of ${what}, got ${kindOf(value)}`);
  return value;
}

/** A short description of a JSON value's type and, for scalars, the value. */
export function kindOf(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return value.length > 40 ? "a long string" : JSON.stringify(value);
  return `${typeof value} ${String(value)}`;
}
