/**
 * A key-value store in one SQLite file: no server, survives restarts, shared by every process
 * that opens the file. Expired rows are ignored on read and deleted periodically.
 */
import { invalidInput } from "../../core/errors/index.js";
import { createEngineLifecycle } from "./engine-lifecycle.js";
import type { KeyValueStore, SetOptions, StoreEntry, StoreValue } from "./key-value-store.js";
import {
  assertSqlIdentifier,
  createSqliteTables,
  openSqliteConnection,
  type SqliteConnectionOptions,
} from "./sqlite-database.js";
import {
  assertStoreEntries,
  assertStoreKey,
  assertStoreKeys,
  assertStorePrefix,
  assertStoreValue,
  assertTtlMs,
} from "./store-input.js";

export interface SqliteStoreOptions extends SqliteConnectionOptions {
  /** Table name (default "tokenwise_kv"); several stores can share a file with different tables. */
  table?: string;
  /** Clock in epoch milliseconds (default `Date.now`); inject one to test TTLs instantly. */
  now?: () => number;
  /** Expired rows are deleted at most this often, on a write (default 60,000 ms). */
  pruneIntervalMs?: number;
}

/** A SQLite store can also delete expired rows on demand. */
export interface SqliteStore extends KeyValueStore {
  /** Deletes every expired row now; returns how many. */
  prune(): Promise<number>;
}

interface ValueRow {
  value: string | Buffer;
}

/**
 * Creates a SQLite-backed store. Strings are stored as TEXT and bytes as BLOB in the same
 * column, so each comes back as the kind it went in as.
 *
 * @example
 * ```ts
 * const store = createSqliteStore({ path: "data/tokenwise.db" });
 * await store.set("embedding:abc", new Uint8Array(vector.buffer), { ttlMs: 86_400_000 });
 * await store.close();
 * ```
 */
export function createSqliteStore(options: SqliteStoreOptions): SqliteStore {
  const table = options.table ?? "tokenwise_kv";
  assertSqlIdentifier(table, "table");
  const pruneIntervalMs = options.pruneIntervalMs ?? 60_000;
  if (!Number.isSafeInteger(pruneIntervalMs) || pruneIntervalMs < 0) {
    throw invalidInput("pruneIntervalMs", `must be a non-negative integer, got ${pruneIntervalMs}`);
  }
  const now = options.now ?? Date.now;
  const connection = openSqliteConnection(options);
  const { database, owned } = connection;
  createSqliteTables({
    connection,
    // A column declared BLOB has no type affinity: TEXT stays TEXT and BLOB stays BLOB.
    schema: `
      CREATE TABLE IF NOT EXISTS "${table}" (
        key TEXT PRIMARY KEY NOT NULL,
        value BLOB NOT NULL,
        expires_at INTEGER
      );
      CREATE INDEX IF NOT EXISTS "${table}_expires_at" ON "${table}" (expires_at)
        WHERE expires_at IS NOT NULL;
    `,
    tables: `SQLite table ${table}`,
  });

  const live = "(expires_at IS NULL OR expires_at > @now)";
  const selectValue = database.prepare<{ key: string; now: number }, ValueRow>(
    `SELECT value FROM "${table}" WHERE key = @key AND ${live}`,
  );
  const upsert = database.prepare<{
    key: string;
    value: string | Buffer;
    expiresAt: number | null;
  }>(
    `INSERT INTO "${table}" (key, value, expires_at) VALUES (@key, @value, @expiresAt)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
  );
  const deleteLive = database.prepare<{ key: string; now: number }>(
    `DELETE FROM "${table}" WHERE key = @key AND ${live}`,
  );
  const deleteKey = database.prepare<{ key: string }>(`DELETE FROM "${table}" WHERE key = @key`);
  const deleteExpired = database.prepare<{ now: number }>(
    `DELETE FROM "${table}" WHERE expires_at IS NOT NULL AND expires_at <= @now`,
  );
  const deleteAll = database.prepare(`DELETE FROM "${table}"`);
  // GLOB with a literal prefix can use the primary-key index (BINARY collation).
  const deleteByPrefix = database.prepare<{ pattern: string }>(
    `DELETE FROM "${table}" WHERE key GLOB @pattern`,
  );

  const lifecycle = createEngineLifecycle("SQLite store");
  const { run } = lifecycle;
  let lastPruneAt = Number.NEGATIVE_INFINITY;

  const prune = (): number => {
    const at = now();
    lastPruneAt = at;
    return deleteExpired.run({ now: at }).changes;
  };

  const pruneIfDue = () => {
    if (now() - lastPruneAt >= pruneIntervalMs) prune();
  };

  const writeMany = database.transaction((batch: readonly StoreEntry[]) => {
    const at = now();
    for (const entry of batch) {
      upsert.run({
        key: entry.key,
        value: toSqliteValue(entry.value),
        expiresAt: entry.ttlMs === undefined ? null : at + entry.ttlMs,
      });
    }
  });

  const readMany = database.transaction((keys: readonly string[]) => {
    const at = now();
    return keys.map((key) => fromSqliteValue(selectValue.get({ key, now: at })));
  });

  const clearLive = database.transaction((prefix: string) => {
    prune();
    if (prefix === "") return deleteAll.run().changes;
    return deleteByPrefix.run({ pattern: `${escapeGlob(prefix)}*` }).changes;
  });

  return {
    async get(key: string) {
      assertStoreKey(key);
      return run("get", () => fromSqliteValue(selectValue.get({ key, now: now() })));
    },
    async getMany(keys: readonly string[]) {
      assertStoreKeys(keys);
      return run("getMany", () => readMany(keys));
    },
    async set(key: string, value: StoreValue, setOptions: SetOptions = {}) {
      assertStoreKey(key);
      assertStoreValue(value);
      assertTtlMs(setOptions.ttlMs);
      run("set", () => {
        writeMany([{ key, value, ttlMs: setOptions.ttlMs }]);
        pruneIfDue();
      });
    },
    async setMany(entries: readonly StoreEntry[]) {
      assertStoreEntries(entries);
      run("setMany", () => {
        writeMany(entries);
        pruneIfDue();
      });
    },
    async delete(key: string) {
      assertStoreKey(key);
      return run("delete", () => {
        const removed = deleteLive.run({ key, now: now() }).changes > 0;
        // An expired row under the key is garbage either way.
        if (!removed) deleteKey.run({ key });
        return removed;
      });
    },
    async clear(prefix = "") {
      assertStorePrefix(prefix);
      return run("clear", () => clearLive(prefix));
    },
    async prune() {
      return run("prune", prune);
    },
    async close() {
      if (lifecycle.close() && owned) database.close();
    },
  };
}

function toSqliteValue(value: StoreValue): string | Buffer {
  if (typeof value === "string") return value;
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

function fromSqliteValue(row: ValueRow | undefined): StoreValue | undefined {
  if (row === undefined) return undefined;
  // A copy, so the result owns a buffer of exactly its own bytes.
  return typeof row.value === "string" ? row.value : new Uint8Array(row.value);
}

/** Escapes GLOB's wildcards so a prefix matches literally. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[]/g, (character) => `[${character}]`);
}
