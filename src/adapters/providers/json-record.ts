/** Safe reading of JSON from providers, whose shapes we never trust blindly. */

/** True for a plain JSON object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The value as an object, or an empty object, so optional fields can be read without crashes.
 *
 * @example
 * ```ts
 * asRecord(JSON.parse('{"a":1}')).a; // 1
 * asRecord(null).a; // undefined
 * ```
 */
export function asRecord(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

/** The value as an array, or an empty array. */
export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
