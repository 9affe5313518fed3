import { invalidInput } from "../errors/index.js";

/** A short, printable form of a bad value for an error message (never the whole of a long string). */
export function describeValue(value: unknown): string {
  if (typeof value === "string") {
    return value.length > 40 ? `${JSON.stringify(value.slice(0, 40))}…` : JSON.stringify(value);
  }
  if (typeof value === "number" || typeof value === "boolean" || value === null) {
    return String(value);
  }
  if (value === undefined) {
    return "undefined";
  }
  if (Array.isArray(value)) {
    return "an array";
  }
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

export function assertString(field: string, value: unknown): asserts value is string {
  if (typeof value !== "string") {
    throw invalidInput(field, `must be a string, got ${describeValue(value)}`);
  }
}

export function assertNonNegativeInteger(field: string, value: unknown): asserts value is number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw invalidInput(field, `must be a non-negative integer, got ${describeValue(value)}`);
  }
}

export function assertPositiveInteger(field: string, value: unknown): asserts value is number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw invalidInput(field, `must be a positive integer, got ${describeValue(value)}`);
  }
}
