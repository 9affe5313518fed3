/**
 * Rate limits in a SQLite file, shared by every process on one machine that opens it. Each
 * take is one `BEGIN IMMEDIATE` transaction (the write lock is taken before reading), so two
 * processes can never both admit the request that fills a window. The rule is the sliding
 * window log of {@link decideTake}.
 */
// Internal: createEngineLifecycle stays out of the public index of adapters/stores.
import { createEngineLifecycle } from "../../../adapters/stores/engine-lifecycle.js";
// Internal: createSqliteTables stays out of the public index of adapters/stores.
import {
  createSqliteTables,
  openSqliteConnection,
  type SqliteConnectionOptions,
} from "../../../adapters/stores/sqlite-database.js";
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
  const deleteExpired = database.prepare<[string, number]>(
    "DELETE FROM tokenwise_rate_events WHERE key_id = ? AND at <= ?",
  );
  const selectTotals = database.prepare<[string], { count: number; tokens: number }>(
    "SELECT COUNT(*) AS count, COALESCE(SUM(tokens), 0) AS tokens FROM tokenwise_rate_events WHERE key_id = ?",
  );
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
  const take = database.transaction(
    (key: Pick<VirtualKey, "id" | "rpm" | "tpm">, tokens: number): RateLimitDecision => {
      const at = now();
      if (at - lastPruneAt >= windowMs) {
        lastPruneAt = at;
        deleteAllExpired.run(at - windowMs);
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
    },
  );
  const lifecycle = createEngineLifecycle("SQLite rate limiter");
  return {
    async take(key, tokens) {
      assertTake(key, tokens);
      if (key.rpm === undefined && key.tpm === undefined) {
        lifecycle.ensureOpen();
        return { allowed: true };
      }
      return lifecycle.run("take", () => take.immediate(key, tokens));
    },
    async close() {
      if (lifecycle.close() && owned) database.close();
    },
  };
}
