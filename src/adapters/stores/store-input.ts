/**
 * Validation shared by every store engine, so bad input fails the same way everywhere and
 * before anything is written.
 */
import { invalidInput, TokenwiseError } from "../../core/errors/index.js";
import type { StoreEntry, StoreValue } from "./key-value-store.js";

const UNPAIRED_SURROGATE = /\p{Cs}/u;

/**
 * Throws `invalid_input` unless `key` is a non-empty, well-formed string.
 *
 * @example
 * ```ts
 * assertStoreKey("response:abc"); // ok
 * assertStoreKey(""); // throws: key must be a non-empty string...
 * ```
 */
export function assertStoreKey(key: unknown, field = "key"): asserts key is string {
  if (typeof key !== "string" || key.length === 0) {
    throw invalidInput(field, `must be a non-empty string, got ${describeValue(key)}`);
  }
  // Engines store keys as UTF-8; a lone surrogate would turn into U+FFFD and two keys collide.
  if (UNPAIRED_SURROGATE.test(key)) {
    throw invalidInput(field, "contains an unpaired UTF-16 surrogate; use well-formed text");
  }
}

/**
 * Throws `invalid_input` unless `prefix` is a string (empty means everything).
 *
 * @example
 * ```ts
 * assertStorePrefix("response:"); // ok
 * ```
 */
export function assertStorePrefix(prefix: unknown, field = "prefix"): asserts prefix is string {
  if (typeof prefix !== "string") {
    throw invalidInput(field, `must be a string, got ${describeValue(prefix)}`);
  }
  if (UNPAIRED_SURROGATE.test(prefix)) {
    throw invalidInput(field, "contains an unpaired UTF-16 surrogate; use well-formed text");
  }
}

/**
 * Throws `invalid_input` unless `value` is a well-formed string or a `Uint8Array`.
 *
 * @example
 * ```ts
 * assertStoreValue(new Uint8Array([1, 2, 3])); // ok
 * ```
 */
export function assertStoreValue(value: unknown, field = "value"): asserts value is StoreValue {
  if (value instanceof Uint8Array) return;
  if (typeof value !== "string") {
    throw invalidInput(
      field,
      `must be a string or a Uint8Array, got ${describeValue(value)}; serialize objects with JSON.stringify`,
    );
  }
  if (UNPAIRED_SURROGATE.test(value)) {
    throw invalidInput(
      field,
      "contains an unpaired UTF-16 surrogate, which UTF-8 storage would corrupt; store it as bytes",
    );
  }
}

/**
 * Throws `invalid_input` unless `ttlMs` is undefined or a positive safe integer.
 *
 * @example
 * ```ts
 * assertTtlMs(60_000); // ok
 * assertTtlMs(0); // throws: ttlMs must be a positive integer number of milliseconds...
 * ```
 */
export function assertTtlMs(ttlMs: unknown, field = "ttlMs"): asserts ttlMs is number | undefined {
  if (ttlMs === undefined) return;
  if (typeof ttlMs !== "number" || !Number.isSafeInteger(ttlMs) || ttlMs <= 0) {
    throw invalidInput(
      field,
      `must be a positive integer number of milliseconds, got ${describeValue(ttlMs)}; omit it for no expiry`,
    );
  }
}

/**
 * Validates a whole batch before any engine writes a single entry of it.
 *
 * @example
 * ```ts
 * assertStoreEntries([{ key: "a", value: "1", ttlMs: 1000 }]);
 * ```
 */
export function assertStoreEntries(entries: unknown): asserts entries is readonly StoreEntry[] {
  if (!Array.isArray(entries)) {
    throw invalidInput(
      "entries",
      `must be an array of { key, value, ttlMs? }, got ${describeValue(entries)}`,
    );
  }
  entries.forEach((entry: unknown, index) => {
    if (typeof entry !== "object" || entry === null) {
      throw invalidInput(
        `entries[${index}]`,
        `must be an object { key, value, ttlMs? }, got ${describeValue(entry)}`,
      );
    }
    const { key, value, ttlMs } = entry as Partial<StoreEntry>;
    assertStoreKey(key, `entries[${index}].key`);
    assertStoreValue(value, `entries[${index}].value`);
    assertTtlMs(ttlMs, `entries[${index}].ttlMs`);
  });
}

/**
 * Throws `invalid_input` unless `keys` is an array of valid keys.
 *
 * @example
 * ```ts
 * assertStoreKeys(["a", "b"]);
 * ```
 */
export function assertStoreKeys(keys: unknown): asserts keys is readonly string[] {
  if (!Array.isArray(keys)) {
    throw invalidInput("keys", `must be an array of strings, got ${describeValue(keys)}`);
  }
  keys.forEach((key: unknown, index) => {
    assertStoreKey(key, `keys[${index}]`);
  });
}

/**
 * The error every engine throws once it has been closed.
 *
 * @example
 * ```ts
 * if (closed) throw storeClosedError("SQLite store");
 * ```
 */
export function storeClosedError(engine: string): TokenwiseError {
  return new TokenwiseError(
    "store_error",
    `${engine} is closed; create a new one to keep using it`,
  );
}

/**
 * Wraps a driver failure in a `store_error` that keeps the cause but names the operation.
 *
 * @example
 * ```ts
 * try { await client.get(key); } catch (cause) { throw storeFailure("Redis store get", cause); }
 * ```
 */
export function storeFailure(operation: string, cause: unknown): TokenwiseError {
  if (TokenwiseError.isInstance(cause)) return cause;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new TokenwiseError("store_error", `${operation} failed: ${reason}`, { cause });
}

function describeValue(value: unknown): string {
  if (typeof value === "string")
    return `"${value.length > 40 ? `${value.slice(0, 40)}...` : value}"`;
  if (typeof value === "bigint") return `${value}n`;
  if (value === null || typeof value !== "object") return String(value);
  return Array.isArray(value) ? "an array" : "an object";
}
