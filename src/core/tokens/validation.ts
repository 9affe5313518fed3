import { describeValue, invalidInput } from "../errors/index.js";

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

/** A `countUpTo` limit: any non-negative number (Infinity allowed). */
export function assertTokenLimit(limit: unknown): asserts limit is number {
  if (typeof limit !== "number" || Number.isNaN(limit) || limit < 0) {
    throw invalidInput("limit", `must be a non-negative number, got ${describeValue(limit)}`);
  }
}
