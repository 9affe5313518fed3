/** Safe reads of request JSON whose shape is not known yet. */

export type Json = Record<string, unknown>;

/** True for a plain JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The value when it is an object, else `{}`, so missing fields read as undefined. */
export function record(value: unknown): Json {
  return isRecord(value) ? value : {};
}

/** The value when it is an array, else `[]`. */
export function array(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
