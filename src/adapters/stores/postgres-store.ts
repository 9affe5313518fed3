/**
 * A key-value store in PostgreSQL, for caches shared by several replicas. Entries of several
 * stores share one table, kept apart by namespace. TTLs use the database server's clock
 * (`clock_timestamp()`), so replicas with drifting clocks agree on what has expired.
 */
import { invalidInput } from "../../core/errors/index.js";
import { createEngineLifecycle } from "./engine-lifecycle.js";
import type { KeyValueStore, SetOptions, StoreEntry, StoreValue } from "./key-value-store.js";
import { openPostgresConnection, type PostgresConnectionOptions } from "./postgres-connection.js";
import {
  assertStoreEntries,
  assertStoreKey,
  assertStoreKeys,
  assertStorePrefix,
  assertStoreValue,
  assertTtlMs,
} from "./store-input.js";

export interface PostgresStoreOptions extends PostgresConnectionOptions {
  /** Which entries are this store's (default "default"); `clear()` only touches them. */
  namespace?: string;
  /** Expired rows are deleted at most this often, on a write (default 60,000 ms). */
  pruneIntervalMs?: number;
}

/** A PostgreSQL store can also delete expired rows on demand. */
export interface PostgresStore extends KeyValueStore {
  /** Deletes every expired row of this namespace now; returns how many. */
  prune(): Promise<number>;
}

interface ValueRow {
  key: Buffer;
  value: Buffer;
  is_text: boolean;
}

const LIVE = "(expires_at IS NULL OR expires_at > clock_timestamp())";
const EXPIRES_AT =
  "CASE WHEN $5::double precision IS NULL THEN NULL " +
  "ELSE clock_timestamp() + $5::double precision * interval '1 millisecond' END";

/**
 * Creates a PostgreSQL-backed store; its table is created by the shipped migrations, applied
 * before the first operation unless `migrate: false`.
 *
 * @example
 * ```ts
 * const store = createPostgresStore({ url: "postgres://127.0.0.1/app", namespace: "responses" });
 * await store.set("answer", "42", { ttlMs: 60_000 });
 * await store.close();
 * ```
 */
export function createPostgresStore(options: PostgresStoreOptions): PostgresStore {
  const namespace = options.namespace ?? "default";
  assertNamespace(namespace);
  const pruneIntervalMs = options.pruneIntervalMs ?? 60_000;
  if (!Number.isSafeInteger(pruneIntervalMs) || pruneIntervalMs < 0) {
    throw invalidInput("pruneIntervalMs", `must be a non-negative integer, got ${pruneIntervalMs}`);
  }
  const { pool, owned, schema, ready } = openPostgresConnection(options);
  const table = `${schema}.tokenwise_kv`;
  const lifecycle = createEngineLifecycle("PostgreSQL store");
  const run = <T>(operation: string, work: () => Promise<T>) =>
    lifecycle.runAsync(operation, async () => {
      await ready();
      return work();
    });
  let lastPruneAt = Number.NEGATIVE_INFINITY;

  const prune = async (): Promise<number> => {
    lastPruneAt = Date.now();
    const result = await pool.query(
      `DELETE FROM ${table} WHERE namespace = $1 AND expires_at <= clock_timestamp()`,
      [namespace],
    );
    return result.rowCount ?? 0;
  };
  const pruneIfDue = async () => {
    if (Date.now() - lastPruneAt >= pruneIntervalMs) await prune();
  };

  const upsert = `INSERT INTO ${table} (namespace, key, value, is_text, expires_at)`;
  const onConflict = `ON CONFLICT (namespace, key)
    DO UPDATE SET value = excluded.value, is_text = excluded.is_text, expires_at = excluded.expires_at`;

  return {
    async get(key: string) {
      assertStoreKey(key);
      return run("get", async () => {
        const { rows } = await pool.query<ValueRow>(
          `SELECT key, value, is_text FROM ${table} WHERE namespace = $1 AND key = $2 AND ${LIVE}`,
          [namespace, keyBytes(key)],
        );
        return fromRow(rows[0]);
      });
    },
    async getMany(keys: readonly string[]) {
      assertStoreKeys(keys);
      if (keys.length === 0) return [];
      return run("getMany", async () => {
        const wanted = keys.map(keyBytes);
        const { rows } = await pool.query<ValueRow>(
          `SELECT key, value, is_text FROM ${table}
           WHERE namespace = $1 AND key = ANY($2::bytea[]) AND ${LIVE}`,
          [namespace, wanted],
        );
        const found = new Map(rows.map((row) => [row.key.toString("hex"), row]));
        return wanted.map((key) => fromRow(found.get(key.toString("hex"))));
      });
    },
    async set(key: string, value: StoreValue, setOptions: SetOptions = {}) {
      assertStoreKey(key);
      assertStoreValue(value);
      assertTtlMs(setOptions.ttlMs);
      await run("set", async () => {
        await pool.query(`${upsert} VALUES ($1, $2, $3, $4, ${EXPIRES_AT}) ${onConflict}`, [
          namespace,
          keyBytes(key),
          valueBytes(value),
          typeof value === "string",
          setOptions.ttlMs ?? null,
        ]);
        await pruneIfDue();
      });
    },
    async setMany(entries: readonly StoreEntry[]) {
      assertStoreEntries(entries);
      if (entries.length === 0) return;
      // One statement cannot update a row twice: a repeated key keeps its last entry, as a
      // sequence of sets would.
      const lastByKey = new Map(entries.map((entry) => [entry.key, entry]));
      const batch = [...lastByKey.values()];
      await run("setMany", async () => {
        await pool.query(
          `${upsert}
           SELECT $1, entry.key, entry.value, entry.is_text,
             CASE WHEN entry.ttl_ms IS NULL THEN NULL
               ELSE clock_timestamp() + entry.ttl_ms * interval '1 millisecond' END
           FROM unnest($2::bytea[], $3::bytea[], $4::boolean[], $5::double precision[])
             AS entry (key, value, is_text, ttl_ms)
           ${onConflict}`,
          [
            namespace,
            batch.map((entry) => keyBytes(entry.key)),
            batch.map((entry) => valueBytes(entry.value)),
            batch.map((entry) => typeof entry.value === "string"),
            batch.map((entry) => entry.ttlMs ?? null),
          ],
        );
        await pruneIfDue();
      });
    },
    async delete(key: string) {
      assertStoreKey(key);
      return run("delete", async () => {
        // An expired row under the key is garbage either way; only a live one counts.
        const { rows } = await pool.query<{ live: boolean }>(
          `DELETE FROM ${table} WHERE namespace = $1 AND key = $2 RETURNING ${LIVE} AS live`,
          [namespace, keyBytes(key)],
        );
        return rows[0]?.live === true;
      });
    },
    async clear(prefix = "") {
      assertStorePrefix(prefix);
      return run("clear", async () => {
        const { lower, upper } = byteRange(prefix);
        const { rows } = await pool.query<{ deleted: string }>(
          `WITH gone AS (
             DELETE FROM ${table}
             WHERE namespace = $1 AND key >= $2 AND ($3::bytea IS NULL OR key < $3)
             RETURNING expires_at
           )
           SELECT count(*) FILTER (WHERE ${LIVE}) AS deleted FROM gone`,
          [namespace, lower, upper],
        );
        return Number(rows[0]?.deleted ?? 0);
      });
    },
    async prune() {
      return run("prune", prune);
    },
    async close() {
      if (lifecycle.close() && owned) await pool.end();
    },
  };
}

function assertNamespace(namespace: unknown): asserts namespace is string {
  assertStoreKey(namespace, "namespace");
  if (namespace.includes("\u0000")) {
    throw invalidInput("namespace", "must not contain NUL characters (PostgreSQL text cannot)");
  }
}

function keyBytes(key: string): Buffer {
  return Buffer.from(key, "utf8");
}

function valueBytes(value: StoreValue): Buffer {
  if (typeof value === "string") return Buffer.from(value, "utf8");
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

function fromRow(row: ValueRow | undefined): StoreValue | undefined {
  if (row === undefined) return undefined;
  // A copy, so the result owns a buffer of exactly its own bytes.
  return row.is_text ? row.value.toString("utf8") : new Uint8Array(row.value);
}

/**
 * The keys starting with `prefix` are the byte range [prefix, prefix with its last byte + 1).
 * UTF-8 never contains the byte 0xFF, so the last byte can always be incremented; an empty
 * prefix has no upper bound.
 */
function byteRange(prefix: string): { lower: Buffer; upper: Buffer | null } {
  const lower = keyBytes(prefix);
  if (lower.length === 0) return { lower, upper: null };
  const upper = Buffer.from(lower);
  upper[upper.length - 1] = (upper[upper.length - 1] as number) + 1;
  return { lower, upper };
}
