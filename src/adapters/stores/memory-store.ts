/**
 * An in-process store: a bounded LRU (by entry count and/or bytes) with TTL. Fast and free,
 * but private to one process and gone on restart; use SQLite or Redis to share or persist.
 */
import { invalidInput } from "../../core/errors/index.js";
import { createEngineLifecycle } from "./engine-lifecycle.js";
import type { KeyValueStore, SetOptions, StoreEntry, StoreValue } from "./key-value-store.js";
import {
  assertStoreEntries,
  assertStoreKey,
  assertStoreKeys,
  assertStorePrefix,
  assertStoreValue,
  assertTtlMs,
} from "./store-input.js";

export interface MemoryStoreOptions {
  /** Most entries kept; the least recently used go first (default 10,000). */
  maxEntries?: number;
  /** Most bytes kept, counting UTF-8 keys and values (default: no byte limit). */
  maxBytes?: number;
  /** Clock in epoch milliseconds (default `Date.now`); inject one to test TTLs instantly. */
  now?: () => number;
}

/** A memory store also reports its size and can drop expired entries on demand. */
export interface MemoryStore extends KeyValueStore {
  /** Live and not-yet-swept entries. */
  readonly size: number;
  /** Bytes held, as counted against `maxBytes`. */
  readonly bytes: number;
  /** Drops every expired entry now; returns how many. */
  prune(): Promise<number>;
}

interface MemoryEntry {
  value: StoreValue;
  expiresAt: number | undefined;
  bytes: number;
}

const DEFAULT_MAX_ENTRIES = 10_000;

/**
 * Creates an in-memory LRU store with TTL.
 *
 * Bytes are copied in and out, so changing an array you stored or got back never changes the
 * cache. A value bigger than `maxBytes` on its own is refused with `invalid_input` rather than
 * silently dropped.
 *
 * @example
 * ```ts
 * const store = createMemoryStore({ maxEntries: 1000, maxBytes: 50_000_000 });
 * await store.set("a", "1", { ttlMs: 60_000 });
 * await store.get("a"); // "1"
 * ```
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
    throw invalidInput("maxEntries", `must be a positive integer, got ${String(maxEntries)}`);
  }
  if (maxBytes !== Number.POSITIVE_INFINITY && (!Number.isSafeInteger(maxBytes) || maxBytes < 1)) {
    throw invalidInput("maxBytes", `must be a positive integer, got ${String(maxBytes)}`);
  }
  const now = options.now ?? Date.now;
  // A Map iterates in insertion order: re-inserting on every read keeps the oldest use first.
  const entries = new Map<string, MemoryEntry>();
  let totalBytes = 0;
  let writesSinceSweep = 0;
  const lifecycle = createEngineLifecycle("memory store");
  const { ensureOpen } = lifecycle;

  const remove = (key: string, entry: MemoryEntry) => {
    entries.delete(key);
    totalBytes -= entry.bytes;
  };

  const isExpired = (entry: MemoryEntry, at: number) =>
    entry.expiresAt !== undefined && entry.expiresAt <= at;

  const sweepExpired = (): number => {
    const at = now();
    let removed = 0;
    for (const [key, entry] of entries) {
      if (isExpired(entry, at)) {
        remove(key, entry);
        removed += 1;
      }
    }
    writesSinceSweep = 0;
    return removed;
  };

  const read = (key: string): StoreValue | undefined => {
    const entry = entries.get(key);
    if (entry === undefined) return undefined;
    if (isExpired(entry, now())) {
      remove(key, entry);
      return undefined;
    }
    entries.delete(key);
    entries.set(key, entry);
    return copyValue(entry.value);
  };

  const write = (key: string, value: StoreValue, ttlMs: number | undefined) => {
    const bytes = byteLength(key) + byteLength(value);
    if (bytes > maxBytes) {
      throw invalidInput(
        "value",
        `for key "${key}" takes ${bytes} bytes, more than maxBytes ${maxBytes}; raise maxBytes or store less`,
      );
    }
    const previous = entries.get(key);
    if (previous !== undefined) remove(key, previous);
    entries.set(key, {
      value: copyValue(value),
      expiresAt: ttlMs === undefined ? undefined : now() + ttlMs,
      bytes,
    });
    totalBytes += bytes;
    writesSinceSweep += 1;
    // Amortized O(1): a full sweep only after as many writes as there are entries.
    if (writesSinceSweep >= Math.max(1000, entries.size)) sweepExpired();
    for (const [oldestKey, oldest] of entries) {
      if (entries.size <= maxEntries && totalBytes <= maxBytes) break;
      remove(oldestKey, oldest);
    }
  };

  return {
    get size() {
      return entries.size;
    },
    get bytes() {
      return totalBytes;
    },
    async get(key: string) {
      ensureOpen();
      assertStoreKey(key);
      return read(key);
    },
    async getMany(keys: readonly string[]) {
      ensureOpen();
      assertStoreKeys(keys);
      return keys.map(read);
    },
    async set(key: string, value: StoreValue, setOptions: SetOptions = {}) {
      ensureOpen();
      assertStoreKey(key);
      assertStoreValue(value);
      assertTtlMs(setOptions.ttlMs);
      write(key, value, setOptions.ttlMs);
    },
    async setMany(batch: readonly StoreEntry[]) {
      ensureOpen();
      assertStoreEntries(batch);
      const tooBig = batch.findIndex(
        (entry) => byteLength(entry.key) + byteLength(entry.value) > maxBytes,
      );
      if (tooBig !== -1) {
        throw invalidInput(`entries[${tooBig}].value`, `is larger than maxBytes ${maxBytes}`);
      }
      for (const entry of batch) write(entry.key, entry.value, entry.ttlMs);
    },
    async delete(key: string) {
      ensureOpen();
      assertStoreKey(key);
      const entry = entries.get(key);
      if (entry === undefined) return false;
      remove(key, entry);
      return !isExpired(entry, now());
    },
    async clear(prefix = "") {
      ensureOpen();
      assertStorePrefix(prefix);
      sweepExpired();
      let removed = 0;
      for (const [key, entry] of entries) {
        if (key.startsWith(prefix)) {
          remove(key, entry);
          removed += 1;
        }
      }
      return removed;
    },
    async prune() {
      ensureOpen();
      return sweepExpired();
    },
    async close() {
      lifecycle.close();
      entries.clear();
      totalBytes = 0;
    },
  };
}

function byteLength(value: StoreValue): number {
  return typeof value === "string" ? Buffer.byteLength(value, "utf8") : value.byteLength;
}

function copyValue(value: StoreValue): StoreValue {
  return typeof value === "string" ? value : new Uint8Array(value);
}
