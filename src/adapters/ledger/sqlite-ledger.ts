/**
 * A ledger in one SQLite file. Every check-and-write runs in a `BEGIN IMMEDIATE` transaction,
 * which takes the file's write lock first, so processes sharing the file can never together
 * reserve past a limit. Money is exact: amounts are 64-bit INTEGER picodollars read back as
 * bigint, running totals are decimal TEXT (no upper bound), and cost sums are computed in two
 * halves that cannot overflow.
 */
import { randomUUID } from "node:crypto";
import type { Usage } from "../../core/cost/index.js";
import type { Picodollars } from "../../core/money/index.js";
// Internal: createEngineLifecycle stays out of the public index of adapters/stores.
import { createEngineLifecycle } from "../stores/engine-lifecycle.js";
// Internal: assertSqlIdentifier, createSqliteTables stays out of the public index of adapters/stores.
import {
  assertSqlIdentifier,
  createSqliteTables,
  openSqliteConnection,
  type SqliteConnection,
  type SqliteConnectionOptions,
} from "../stores/sqlite-database.js";
// Internal: sqliteWriteBatcher stays out of the public index of adapters/stores.
import { sqliteWriteBatcher } from "../stores/sqlite-write-batch.js";
// Internal: storeFailure stays out of the public index of adapters/stores.
import { storeFailure } from "../stores/store-input.js";
import { balanceListeners } from "./balance-listeners.js";
import type {
  Ledger,
  LedgerOptions,
  Reservation,
  ReserveOptions,
  ScopeBalance,
  ScopeBudget,
  SettledReservation,
  SettleRecord,
  SpendRecord,
  SpendRecordInput,
  SpendRecordsQuery,
  SpendTotalsQuery,
  SpendTotalsRow,
} from "./ledger.js";
import { budgetExceeded, reservationNotFound } from "./ledger-errors.js";
import {
  assertRemainingInput,
  assertReservationId,
  assertScope,
  assertSpendQuery,
  assertTotalsQuery,
  assertTtl,
  lateSettleWindowOf,
  type SettleDetails,
  settledRecord,
  toReserveInput,
  toSettleDetails,
  toSpendRecord,
} from "./ledger-input.js";
import { sortTotals } from "./spend-totals.js";

export interface SqliteLedgerOptions extends SqliteConnectionOptions, LedgerOptions {
  /** Prefix of the ledger's tables (default "tokenwise_ledger"). */
  tablePrefix?: string;
  /** Clock in epoch milliseconds (default `Date.now`); inject one to test expiry instantly. */
  now?: () => number;
}

/** One scope a reservation holds its amount on. */
interface HoldRow {
  scope: string;
  amount: bigint;
  expires_at: bigint;
}

interface SettledRow {
  scopes: string;
  reserved: bigint;
  actual: bigint;
}

/** The token columns of a spend row, or their sums in a totals row. */
interface UsageColumns {
  input_tokens: bigint;
  cached_input_tokens: bigint;
  cache_write_tokens: bigint;
  output_tokens: bigint;
  reasoning_tokens: bigint;
}

interface SpendRow extends UsageColumns {
  time: bigint;
  scope: string;
  scopes: string | null;
  model: string;
  provider: string;
  cost: bigint;
  request_id: string | null;
  cached: bigint | null;
  metadata: string | null;
}

interface TotalsRow extends UsageColumns {
  key: string;
  records: bigint;
  cached_records: bigint;
  cost_micro: bigint;
  cost_pico: bigint;
}

type ReserveOutcome =
  | { ok: true; balances: ScopeBalance[] }
  | { ok: false; budget: ScopeBudget; spent: Picodollars; reserved: Picodollars };

/** How often holds and settle results past their windows are deleted, in ms at most. */
const FORGET_EVERY_MS = 1000;

/**
 * A reservation id: a UUID (version 7 layout) that starts with the time in ms, so the ids of
 * a busy ledger land next to each other in its indexes instead of on random pages.
 */
function timeOrderedId(): string {
  const time = Date.now().toString(16).padStart(12, "0");
  const random = randomUUID();
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(15, 18)}-${random.slice(19)}`;
}

const GROUP_KEY: Record<SpendTotalsQuery["groupBy"], string> = {
  model: "model",
  scope: "scope",
  day: "strftime('%Y-%m-%d', time / 1000, 'unixepoch')",
};

/**
 * Creates a SQLite-backed ledger.
 *
 * @example
 * ```ts
 * const ledger = createSqliteLedger({ path: "data/tokenwise.db" });
 * const { id } = await ledger.reserve({ scope: "key:abc", amount: usd("0.05"), ttlMs: 120_000, limit: usd("10") });
 * await ledger.settle(id, usd("0.031"));
 * ```
 */
export function createSqliteLedger(options: SqliteLedgerOptions): Ledger {
  const prefix = options.tablePrefix ?? "tokenwise_ledger";
  assertSqlIdentifier(prefix, "tablePrefix");
  const lateSettleWindowMs = lateSettleWindowOf(options);
  const now = options.now ?? Date.now;
  const connection = openSqliteConnection(options);
  const { database, owned } = connection;
  const listeners = balanceListeners();
  const scopes = `"${prefix}_scopes"`;
  // One row per scope a reservation holds budget on (the first engine kept one scope per
  // reservation in "_reservations"; that table is no longer read).
  const holds = `"${prefix}_holds"`;
  const settled = `"${prefix}_settled"`;
  const spend = `"${prefix}_spend"`;
  createSqliteTables({
    connection,
    schema: `
      CREATE TABLE IF NOT EXISTS ${scopes} (
        scope TEXT PRIMARY KEY NOT NULL,
        spent TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS ${holds} (
        id TEXT NOT NULL,
        position INTEGER NOT NULL,
        scope TEXT NOT NULL,
        amount INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (id, position)
      );
      -- What a scope holds is summed from this index alone (it covers the amount), on every
      -- reserve and settle. The index by expiry alone is gone: only the once-a-second sweep of
      -- expired holds used it, over a table that holds only live and recently expired holds.
      CREATE INDEX IF NOT EXISTS "${prefix}_holds_scope_amount" ON ${holds} (scope, expires_at, amount);
      DROP INDEX IF EXISTS "${prefix}_holds_scope";
      DROP INDEX IF EXISTS "${prefix}_holds_expires_at";
      CREATE TABLE IF NOT EXISTS ${settled} (
        id TEXT PRIMARY KEY NOT NULL,
        scopes TEXT NOT NULL,
        reserved INTEGER NOT NULL,
        actual INTEGER NOT NULL,
        forget_at INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS "${prefix}_settled_forget_at" ON ${settled} (forget_at);
      CREATE TABLE IF NOT EXISTS ${spend} (
        id INTEGER PRIMARY KEY,
        time INTEGER NOT NULL,
        scope TEXT NOT NULL,
        model TEXT NOT NULL,
        provider TEXT NOT NULL,
        input_tokens INTEGER NOT NULL,
        cached_input_tokens INTEGER NOT NULL,
        cache_write_tokens INTEGER NOT NULL,
        output_tokens INTEGER NOT NULL,
        reasoning_tokens INTEGER NOT NULL,
        cost INTEGER NOT NULL,
        request_id TEXT,
        cached INTEGER,
        metadata TEXT,
        scopes TEXT
      );
      CREATE INDEX IF NOT EXISTS "${prefix}_spend_time" ON ${spend} (time);
      CREATE INDEX IF NOT EXISTS "${prefix}_spend_scope_time" ON ${spend} (scope, time);
    `,
    tables: `SQLite ledger tables ${prefix}_*`,
  });
  addSpendScopesColumn(connection, spend, prefix);

  const selectSpent = database
    .prepare<[string], string>(`SELECT spent FROM ${scopes} WHERE scope = ?`)
    .pluck();
  const upsertSpent = database.prepare<[string, string]>(
    `INSERT INTO ${scopes} (scope, spent) VALUES (?, ?)
     ON CONFLICT (scope) DO UPDATE SET spent = excluded.spent`,
  );
  // Summed in SQL. One SUM(amount) is exact and fast; past 2^63 picodollars (about $9.2
  // million held on one scope) SQLite refuses it with "integer overflow" instead of wrapping,
  // and the sum is taken again as whole microdollars and leftover picodollars apart, which
  // cannot overflow for any number of holds a budget can have.
  const selectActiveSum = database
    .prepare<[string, number], bigint | null>(
      `SELECT sum(amount) FROM ${holds} WHERE scope = ? AND expires_at > ?`,
    )
    .pluck()
    .safeIntegers();
  const selectActiveSplitSum = database
    .prepare<[string, number], { micro: bigint | null; pico: bigint | null }>(
      `SELECT sum(amount / 1000000) AS micro, sum(amount % 1000000) AS pico
       FROM ${holds} WHERE scope = ? AND expires_at > ?`,
    )
    .safeIntegers();
  const insertHold = database.prepare<[string, number, string, bigint, number]>(
    `INSERT INTO ${holds} (id, position, scope, amount, expires_at) VALUES (?, ?, ?, ?, ?)`,
  );
  const selectHolds = database
    .prepare<[string, number], HoldRow>(
      `SELECT scope, amount, expires_at FROM ${holds} WHERE id = ? AND expires_at > ?
       ORDER BY position`,
    )
    .safeIntegers();
  const extendHolds = database.prepare<[number, string, number]>(
    `UPDATE ${holds} SET expires_at = ? WHERE id = ? AND expires_at > ?`,
  );
  const deleteHolds = database.prepare<[string]>(`DELETE FROM ${holds} WHERE id = ?`);
  const releaseHolds = database.prepare<[string, number]>(
    `DELETE FROM ${holds} WHERE id = ? AND expires_at > ?`,
  );
  const forgetExpired = database.prepare<[number]>(`DELETE FROM ${holds} WHERE expires_at <= ?`);
  const selectSettled = database
    .prepare<[string, number], SettledRow>(
      `SELECT scopes, reserved, actual FROM ${settled} WHERE id = ? AND forget_at > ?`,
    )
    .safeIntegers();
  const insertSettled = database.prepare<[string, string, bigint, bigint, number]>(
    `INSERT INTO ${settled} (id, scopes, reserved, actual, forget_at) VALUES (?, ?, ?, ?, ?)`,
  );
  const forgetSettled = database.prepare<[number]>(`DELETE FROM ${settled} WHERE forget_at <= ?`);
  const insertSpend = database.prepare<(string | number | bigint | null)[]>(
    `INSERT INTO ${spend} (time, scope, scopes, model, provider, input_tokens,
       cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens, cost,
       request_id, cached, metadata)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );

  const spentOf = (scope: string): Picodollars => BigInt(selectSpent.get(scope) ?? "0");
  const reservedOf = (scope: string, at: number): Picodollars => {
    try {
      return selectActiveSum.get(scope, at) ?? 0n;
    } catch (error) {
      if (!(error instanceof Error && error.message.includes("integer overflow"))) throw error;
      const sums = selectActiveSplitSum.get(scope, at);
      return (sums?.micro ?? 0n) * 1_000_000n + (sums?.pico ?? 0n);
    }
  };
  /** What each of `scopeList` spent and holds in active reservations now, in its order. */
  const balancesOf = (scopeList: readonly string[], at: number): ScopeBalance[] =>
    scopeList.map((scope) => ({ scope, spent: spentOf(scope), reserved: reservedOf(scope, at) }));
  /** Adds `amount` to what each scope spent; returns the new totals, in its order. */
  const charge = (scopeList: readonly string[], amount: Picodollars): Picodollars[] =>
    scopeList.map((scope) => {
      const total = spentOf(scope) + amount;
      upsertSpent.run(scope, total.toString());
      return total;
    });
  const appendSpend = (record: SpendRecord) => {
    insertSpend.run(
      record.time,
      record.scope,
      record.scopes === undefined ? null : JSON.stringify(record.scopes),
      record.model,
      record.provider,
      record.usage.inputTokens,
      record.usage.cachedInputTokens,
      record.usage.cacheWriteTokens,
      record.usage.outputTokens,
      record.usage.reasoningTokens,
      record.cost,
      record.requestId ?? null,
      record.cached === undefined ? null : record.cached ? 1 : 0,
      record.metadata === undefined ? null : JSON.stringify(record.metadata),
    );
  };

  // Holds past the late-settle window and settle results past theirs are deleted at most
  // once a second (every lookup already ignores them), not twice per request.
  let forgottenAt = Number.NEGATIVE_INFINITY;
  const forget = (at: number) => {
    if (at - forgottenAt < FORGET_EVERY_MS && at >= forgottenAt) return;
    forgottenAt = at;
    forgetExpired.run(at - lateSettleWindowMs);
    forgetSettled.run(at);
  };

  const reserveWork = (
    reservation: Reservation,
    budgets: ScopeBudget[],
    at: number,
  ): ReserveOutcome => {
    forget(at);
    const balances = balancesOf(reservation.scopes, at);
    for (const [index, budget] of budgets.entries()) {
      const { spent, reserved } = balances[index] as ScopeBalance;
      if (spent + reserved + reservation.amount > budget.limit) {
        return { ok: false, budget, spent, reserved };
      }
    }
    reservation.scopes.forEach((scope, position) => {
      insertHold.run(reservation.id, position, scope, reservation.amount, reservation.expiresAt);
    });
    for (const balance of balances) balance.reserved += reservation.amount;
    return { ok: true, balances };
  };

  const renewWork = (id: string, at: number, expiresAt: number): Reservation | undefined => {
    if (extendHolds.run(expiresAt, id, at).changes === 0) return undefined;
    const rows = selectHolds.all(id, at);
    const scopeList = rows.map((row) => row.scope);
    return {
      id,
      scope: scopeList[0] as string,
      scopes: scopeList,
      amount: (rows[0] as HoldRow).amount,
      expiresAt,
    };
  };

  const settleWork = (
    id: string,
    actual: Picodollars,
    details: SettleDetails | undefined,
    at: number,
  ): { settled: SettledReservation; balances?: ScopeBalance[] } | undefined => {
    forget(at);
    // A reservation still held is the common case; only without one is an earlier settle
    // looked for (a settle deletes the holds and writes its result in one transaction).
    const rows = selectHolds.all(id, at - lateSettleWindowMs);
    if (rows.length === 0) {
      const earlier = selectSettled.get(id, at);
      if (earlier === undefined) return undefined;
      const scopeList = JSON.parse(earlier.scopes) as string[];
      return {
        settled: {
          id,
          scope: scopeList[0] as string,
          scopes: scopeList,
          reserved: earlier.reserved,
          actual: earlier.actual,
        },
      };
    }
    deleteHolds.run(id);
    const scopeList = rows.map((row) => row.scope);
    const spentNow = charge(scopeList, actual);
    if (details !== undefined) appendSpend(settledRecord(details, scopeList, actual));
    const reserved = (rows[0] as HoldRow).amount;
    insertSettled.run(id, JSON.stringify(scopeList), reserved, actual, at + lateSettleWindowMs);
    const settledNow = { id, scope: scopeList[0] as string, scopes: scopeList, reserved, actual };
    if (!listeners.any()) return { settled: settledNow };
    const balances = scopeList.map((scope, index) => ({
      scope,
      spent: spentNow[index] as Picodollars,
      reserved: reservedOf(scope, at),
    }));
    return { settled: settledNow, balances };
  };

  const recordWork = (record: SpendRecord) => {
    charge(record.scopes ?? [record.scope], record.cost);
    appendSpend(record);
  };

  const balanceTransaction = database.transaction((scope: string, at: number) => ({
    spent: spentOf(scope),
    reserved: reservedOf(scope, at),
  }));

  const lifecycle = createEngineLifecycle("SQLite ledger");
  const { run } = lifecycle;
  const batcher = sqliteWriteBatcher(database);
  /** Runs `work` in the connection's next batch; a driver failure becomes a `store_error`. */
  const write = async <T>(operation: string, work: () => T): Promise<T> => {
    lifecycle.ensureOpen();
    try {
      return await batcher.write(work);
    } catch (cause) {
      throw storeFailure(`SQLite ledger ${operation}`, cause);
    }
  };
  /** A read sees every write asked for before it. */
  const read = <T>(operation: string, work: () => T): T =>
    run(operation, () => {
      batcher.flush();
      return work();
    });

  return {
    async reserve(reserveOptions: ReserveOptions) {
      const { amount, ttlMs, budgets } = toReserveInput(reserveOptions);
      const at = now();
      const scopeList = budgets.map((budget) => budget.scope);
      const reservation: Reservation = {
        id: timeOrderedId(),
        scope: scopeList[0] as string,
        scopes: scopeList,
        amount,
        expiresAt: at + ttlMs,
      };
      const outcome = await write("reserve", () => reserveWork(reservation, budgets, at));
      if (!outcome.ok) {
        const { budget, spent, reserved } = outcome;
        throw budgetExceeded({ ...budget, spent, reserved, requested: amount });
      }
      // Told after the transaction committed.
      if (listeners.any()) listeners.tell(outcome.balances);
      return reservation;
    },
    async renew(id: string, ttlMs: number) {
      assertReservationId(id);
      assertTtl(ttlMs);
      const at = now();
      return write("renew", () => renewWork(id, at, at + ttlMs));
    },
    async settle(id: string, actual: Picodollars, record?: SettleRecord) {
      const at = now();
      const details = toSettleDetails({ id, actual, record, at });
      const result = await write("settle", () => settleWork(id, actual, details, at));
      if (result === undefined) throw reservationNotFound(id);
      if (result.balances !== undefined) listeners.tell(result.balances);
      return result.settled;
    },
    async release(id: string) {
      assertReservationId(id);
      const at = now();
      return write("release", () => releaseHolds.run(id, at - lateSettleWindowMs).changes > 0);
    },
    async spent(scope: string) {
      assertScope(scope);
      return read("spent", () => spentOf(scope));
    },
    async reserved(scope: string) {
      assertScope(scope);
      return read("reserved", () => reservedOf(scope, now()));
    },
    async remaining(scope: string, limit: Picodollars) {
      assertRemainingInput(scope, limit);
      return read("remaining", () => {
        const { spent, reserved } = balanceTransaction(scope, now());
        const left = limit - spent - reserved;
        return left > 0n ? left : 0n;
      });
    },
    async record(input: SpendRecordInput) {
      const record = toSpendRecord(input, now());
      await write("record", () => recordWork(record));
      return structuredClone(record);
    },
    async records(query: SpendRecordsQuery = {}) {
      assertSpendQuery(query);
      return read("records", () => {
        const { where, parameters } = whereClause(query);
        const limit = query.limit === undefined ? "" : " LIMIT @limit";
        if (query.limit !== undefined) parameters.limit = query.limit;
        const rows = database
          .prepare<Record<string, string | number>, SpendRow>(
            `SELECT * FROM ${spend}${where} ORDER BY time, id${limit}`,
          )
          .safeIntegers()
          .all(parameters);
        return rows.map(toRecord);
      });
    },
    async totals(query: SpendTotalsQuery) {
      assertTotalsQuery(query);
      return read("totals", () => {
        const { where, parameters } = whereClause(query);
        // Summing whole microdollars and leftover picodollars apart keeps both sums far from
        // 64-bit overflow; one SUM(cost) would overflow past $9.2 million.
        const rows = database
          .prepare<Record<string, string | number>, TotalsRow>(
            `SELECT ${GROUP_KEY[query.groupBy]} AS key,
               count(*) AS records,
               count(CASE WHEN cached = 1 THEN 1 END) AS cached_records,
               sum(cost / 1000000) AS cost_micro,
               sum(cost % 1000000) AS cost_pico,
               sum(input_tokens) AS input_tokens,
               sum(cached_input_tokens) AS cached_input_tokens,
               sum(cache_write_tokens) AS cache_write_tokens,
               sum(output_tokens) AS output_tokens,
               sum(reasoning_tokens) AS reasoning_tokens
             FROM ${spend}${where} GROUP BY key`,
          )
          .safeIntegers()
          .all(parameters);
        return sortTotals(rows.map(toTotalsRow));
      });
    },
    async close() {
      if (!lifecycle.close()) return;
      // What was asked for before close is written (or fails) first.
      batcher.flush();
      if (owned) database.close();
      listeners.clear();
    },
    observeBalances: listeners.observe,
  };
}

/**
 * A spend table made before multi-scope reservations lacks the scopes column; add it. Two
 * processes upgrading the same file at once both try, and the second finds it there.
 */
function addSpendScopesColumn(connection: SqliteConnection, spend: string, prefix: string): void {
  const columns = connection.database
    .prepare<[], string>(`SELECT name FROM pragma_table_info('${prefix}_spend')`)
    .pluck()
    .all();
  if (columns.includes("scopes")) return;
  try {
    connection.database.exec(`ALTER TABLE ${spend} ADD COLUMN scopes TEXT`);
  } catch (cause) {
    if (cause instanceof Error && cause.message.includes("duplicate column name")) return;
    if (connection.owned) connection.database.close();
    throw storeFailure(`Adding the scopes column to SQLite table ${prefix}_spend`, cause);
  }
}

function whereClause(query: SpendRecordsQuery): {
  where: string;
  parameters: Record<string, string | number>;
} {
  const conditions: string[] = [];
  const parameters: Record<string, string | number> = {};
  if (query.scope !== undefined) {
    conditions.push("scope = @scope");
    parameters.scope = query.scope;
  }
  if (query.since !== undefined) {
    conditions.push("time >= @since");
    parameters.since = query.since;
  }
  if (query.until !== undefined) {
    conditions.push("time < @until");
    parameters.until = query.until;
  }
  return { where: conditions.length === 0 ? "" : ` WHERE ${conditions.join(" AND ")}`, parameters };
}

function toRecord(row: SpendRow): SpendRecord {
  const record: SpendRecord = {
    time: Number(row.time),
    scope: row.scope,
    model: row.model,
    provider: row.provider,
    usage: toUsage(row),
    cost: row.cost,
  };
  if (row.scopes !== null) record.scopes = JSON.parse(row.scopes);
  if (row.request_id !== null) record.requestId = row.request_id;
  if (row.cached !== null) record.cached = row.cached === 1n;
  if (row.metadata !== null) record.metadata = JSON.parse(row.metadata);
  return record;
}

function toTotalsRow(row: TotalsRow): SpendTotalsRow {
  return {
    key: row.key,
    records: Number(row.records),
    cachedRecords: Number(row.cached_records),
    cost: row.cost_micro * 1_000_000n + row.cost_pico,
    usage: toUsage(row),
  };
}

function toUsage(row: UsageColumns): Usage {
  return {
    inputTokens: Number(row.input_tokens),
    cachedInputTokens: Number(row.cached_input_tokens),
    cacheWriteTokens: Number(row.cache_write_tokens),
    outputTokens: Number(row.output_tokens),
    reasoningTokens: Number(row.reasoning_tokens),
  };
}
