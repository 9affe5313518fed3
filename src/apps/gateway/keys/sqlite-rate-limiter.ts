/**
 * Rate limits in a SQLite file, shared by every process on one machine that opens it. Each
 * take runs in a `BEGIN IMMEDIATE` transaction (the write lock is taken before reading; the
 * takes of one turn of the event loop share one, see sqliteWriteBatcher), so two processes
 * can never both admit the request that fills a window. The rule is the sliding
 * window log of {@link decideTake}.
 *
 * A take costs the same however full the window is: triggers keep each key's count and token
 * sum in `tokenwise_rate_totals` as events are added and dropped (whichever process, or
 * version of tokenwise, writes them), so a take reads one row instead of summing the window.
 */
// Internal: createEngineLifecycle stays out of the public index of adapters/stores.
import { createEngineLifecycle } from "../../../adapters/stores/engine-lifecycle.js";
// Internal: createSqliteTables stays out of the public index of adapters/stores.
import {
  createSqliteTables,
  openSqliteConnection,
  type SqliteConnection,
  type SqliteConnectionOptions,
} from "../../../adapters/stores/sqlite-database.js";
// Internal: sqliteWriteBatcher stays out of the public index of adapters/stores.
import { sqliteWriteBatcher } from "../../../adapters/stores/sqlite-write-batch.js";
// Internal: storeFailure stays out of the public index of adapters/stores.
import { storeFailure } from "../../../adapters/stores/store-input.js";
import { assertTake, decideTake, type WindowEntry, windowOf } from "./sliding-window.js";
import type { RateLimitDecision, RateLimiter, VirtualKey } from "./types.js";

export interface SqliteRateLimiterOptions extends SqliteConnectionOptions {
  /** Clock in epoch milliseconds (default `Date.now`). */
  now?: () => number;
  /** The window rpm and tpm count over (default 60,000 ms); shorter only in tests. */
  windowMs?: number;
}

/**
 * @example
 * ```ts
 * const limiter = createSqliteRateLimiter({ path: ".tokenwise/tokenwise.db" });
 * await limiter.take({ id: key.id, rpm: 600 }, 0); // { allowed: true, remainingRequests: 599 }
 * ```
 */
export function createSqliteRateLimiter(options: SqliteRateLimiterOptions): RateLimiter {
  const now = options.now ?? Date.now;
  const windowMs = windowOf(options.windowMs);
  const connection = openSqliteConnection(options);
  const { database, owned } = connection;
  createSqliteTables({
    connection,
    schema: `
      CREATE TABLE IF NOT EXISTS tokenwise_rate_events (
        key_id TEXT NOT NULL,
        at INTEGER NOT NULL,
        tokens INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS tokenwise_rate_events_key_at
        ON tokenwise_rate_events (key_id, at);
    `,
    tables: "SQLite table tokenwise_rate_events",
  });
  addWindowTotals(connection);
  const deleteExpired = database.prepare<[string, number]>(
    "DELETE FROM tokenwise_rate_events WHERE key_id = ? AND at <= ?",
  );
  const selectTotals = database.prepare<[string], { count: number; tokens: number }>(
    "SELECT count, tokens FROM tokenwise_rate_totals WHERE key_id = ?",
  );
  const deleteEmptyTotals = database.prepare("DELETE FROM tokenwise_rate_totals WHERE count <= 0");
  const selectEntries = database.prepare<[string], WindowEntry>(
    "SELECT at, tokens FROM tokenwise_rate_events WHERE key_id = ? ORDER BY at, rowid",
  );
  const deleteAllExpired = database.prepare<[number]>(
    "DELETE FROM tokenwise_rate_events WHERE at <= ?",
  );
  const insertEntry = database.prepare<[string, number, number]>(
    "INSERT INTO tokenwise_rate_events (key_id, at, tokens) VALUES (?, ?, ?)",
  );
  // Keys that stop sending leave rows behind; once a window, every expired row goes.
  let lastPruneAt = Number.NEGATIVE_INFINITY;
  const take = (
    key: Pick<VirtualKey, "id" | "rpm" | "tpm">,
    tokens: number,
    at: number,
  ): RateLimitDecision => {
    if (at - lastPruneAt >= windowMs) {
      lastPruneAt = at;
      deleteAllExpired.run(at - windowMs);
      deleteEmptyTotals.run();
    } else deleteExpired.run(key.id, at - windowMs);
    const totals = selectTotals.get(key.id) ?? { count: 0, tokens: 0 };
    const decision = decideTake({
      key,
      tokens,
      now: at,
      windowMs,
      state: { ...totals, entries: () => selectEntries.all(key.id) },
    });
    if (decision.allowed) insertEntry.run(key.id, at, tokens);
    return decision;
  };
  const lifecycle = createEngineLifecycle("SQLite rate limiter");
  const batcher = sqliteWriteBatcher(database);
  return {
    async take(key, tokens) {
      assertTake(key, tokens);
      if (key.rpm === undefined && key.tpm === undefined) {
        lifecycle.ensureOpen();
        return { allowed: true };
      }
      lifecycle.ensureOpen();
      const at = now();
      try {
        return await batcher.write(() => take(key, tokens, at));
      } catch (cause) {
        throw storeFailure("SQLite rate limiter take", cause);
      }
    },
    async close() {
      if (!lifecycle.close()) return;
      batcher.flush();
      if (owned) database.close();
    },
  };
}

/**
 * Each key's count and token sum over the events in the table, kept by triggers on every
 * insert and delete. A file made before the totals existed gets them here, summed from its
 * events once, in a `BEGIN IMMEDIATE` transaction so two processes upgrading the same file
 * cannot both do it.
 */
function addWindowTotals(connection: SqliteConnection): void {
  const { database, owned } = connection;
  const upgrade = database.transaction(() => {
    const exists = database
      .prepare(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'tokenwise_rate_totals'",
      )
      .get();
    if (exists !== undefined) return;
    database.exec(`
      CREATE TABLE tokenwise_rate_totals (
        key_id TEXT PRIMARY KEY NOT NULL,
        count INTEGER NOT NULL,
        tokens INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TRIGGER tokenwise_rate_events_added AFTER INSERT ON tokenwise_rate_events
      BEGIN
        INSERT INTO tokenwise_rate_totals (key_id, count, tokens) VALUES (NEW.key_id, 1, NEW.tokens)
        ON CONFLICT (key_id) DO UPDATE SET count = count + 1, tokens = tokens + excluded.tokens;
      END;
      CREATE TRIGGER tokenwise_rate_events_dropped AFTER DELETE ON tokenwise_rate_events
      BEGIN
        UPDATE tokenwise_rate_totals SET count = count - 1, tokens = tokens - OLD.tokens
        WHERE key_id = OLD.key_id;
      END;
      INSERT INTO tokenwise_rate_totals (key_id, count, tokens)
        SELECT key_id, COUNT(*), SUM(tokens) FROM tokenwise_rate_events GROUP BY key_id;
    `);
  });
  try {
    upgrade.immediate();
  } catch (cause) {
    if (owned) database.close();
    throw storeFailure("Creating SQLite table tokenwise_rate_totals", cause);
  }
}
