/**
 * Canonical JSON: one exact text per JSON value, whatever order its keys were written in, so
 * equal requests hash equally and different ones never do.
 */
import { invalidInput } from "../../core/errors/index.js";

/**
 * Serializes `value` with object keys sorted (UTF-16 code unit order) and `undefined`
 * properties dropped; arrays keep their order. Throws `invalid_input` naming the path for
 * anything JSON cannot represent exactly (functions, symbols, bigints, NaN, Infinity, class
 * instances such as Date, cycles).
 *
 * @example
 * ```ts
 * canonicalJson({ b: 1, a: [true, null], c: undefined }); // '{"a":[true,null],"b":1}'
 * ```
 */
export function canonicalJson(value: unknown, path = "value"): string {
  return write(value, path, new Set());
}

function write(value: unknown, path: string, ancestors: Set<object>): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
    case "boolean":
      return JSON.stringify(value);
    case "number":
      if (!Number.isFinite(value)) {
        throw invalidInput(path, `must be a finite number, got ${value}`);
      }
      return JSON.stringify(value);
    case "object":
      break;
    default:
      throw invalidInput(path, `cannot be represented in JSON (got a ${typeof value})`);
  }
  if (ancestors.has(value)) throw invalidInput(path, "refers back to itself (a cycle)");
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      const items = value.map((item, index) =>
        item === undefined ? "null" : write(item, `${path}[${index}]`, ancestors),
      );
      return `[${items.join(",")}]`;
    }
    const prototype = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) {
      throw invalidInput(path, "must be a plain object, array or JSON primitive");
    }
    const record = value as Record<string, unknown>;
    const members: string[] = [];
    for (const key of Object.keys(record).sort()) {
      const member = record[key];
      if (member === undefined) continue;
      members.push(`${JSON.stringify(key)}:${write(member, `${path}.${key}`, ancestors)}`);
    }
    return `{${members.join(",")}}`;
  } finally {
    ancestors.delete(value);
  }
}
