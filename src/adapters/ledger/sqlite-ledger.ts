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
// Internal: storeFailure stays out of the public index of adapters/stores.
import { storeFailure } from "../stores/store-input.js";
import type {
  BalanceListener,
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
  const listeners = new Set<BalanceListener>();
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
      CREATE INDEX IF NOT EXISTS "${prefix}_holds_scope_amount" ON ${holds} (scope, expires_at, amount);
      CREATE INDEX IF NOT EXISTS "${prefix}_holds_expires_at" ON ${holds} (expires_at);
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
  // The reserved sum of a scope reads this index alone; the one without amount is redundant.
  database.exec(`DROP INDEX IF EXISTS "${prefix}_holds_scope"`);

  const selectSpent = database
    .prepare<{ scope: string }, string>(`SELECT spent FROM ${scopes} WHERE scope = @scope`)
    .pluck();
  const upsertSpent = database.prepare<{ scope: string; spent: string }>(
    `INSERT INTO ${scopes} (scope, spent) VALUES (@scope, @spent)
     ON CONFLICT (scope) DO UPDATE SET spent = excluded.spent`,
  );
  // Summed in SQL, as whole microdollars and leftover picodollars apart (one SUM(amount) could
  // overflow 64 bits; these two cannot for any number of holds a budget can have).
  const selectActiveAmounts = database
    .prepare<{ scope: string; now: number }, { micro: bigint | null; pico: bigint | null }>(
      `SELECT sum(amount / 1000000) AS micro, sum(amount % 1000000) AS pico
       FROM ${holds} WHERE scope = @scope AND expires_at > @now`,
    )
    .safeIntegers();
  const insertHold = database.prepare<{
    id: string;
    position: number;
    scope: string;
    amount: bigint;
    expiresAt: number;
  }>(
    `INSERT INTO ${holds} (id, position, scope, amount, expires_at)
     VALUES (@id, @position, @scope, @amount, @expiresAt)`,
  );
  const selectHolds = database
    .prepare<{ id: string }, HoldRow>(
      `SELECT scope, amount, expires_at FROM ${holds} WHERE id = @id ORDER BY position`,
    )
    .safeIntegers();
  const extendHolds = database.prepare<{ id: string; now: number; expiresAt: number }>(
    `UPDATE ${holds} SET expires_at = @expiresAt WHERE id = @id AND expires_at > @now`,
  );
  const deleteHolds = database.prepare<{ id: string }>(`DELETE FROM ${holds} WHERE id = @id`);
  const forgetExpired = database.prepare<{ before: number }>(
    `DELETE FROM ${holds} WHERE expires_at <= @before`,
  );
  const selectSettled = database
    .prepare<{ id: string }, SettledRow>(
      `SELECT scopes, reserved, actual FROM ${settled} WHERE id = @id`,
    )
    .safeIntegers();
  const insertSettled = database.prepare<{
    id: string;
    scopes: string;
    reserved: bigint;
    actual: bigint;
    forgetAt: number;
  }>(
    `INSERT INTO ${settled} (id, scopes, reserved, actual, forget_at)
     VALUES (@id, @scopes, @reserved, @actual, @forgetAt)`,
  );
  const forgetSettled = database.prepare<{ now: number }>(
    `DELETE FROM ${settled} WHERE forget_at <= @now`,
  );
  const insertSpend = database.prepare<Record<string, string | number | bigint | null>>(
    `INSERT INTO ${spend} (time, scope, scopes, model, provider, input_tokens,
       cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens, cost,
       request_id, cached, metadata)
     VALUES (@time, @scope, @scopes, @model, @provider, @inputTokens, @cachedInputTokens,
       @cacheWriteTokens, @outputTokens, @reasoningTokens, @cost, @requestId, @cached, @metadata)`,
  );

  const spentOf = (scope: string): Picodollars => BigInt(selectSpent.get({ scope }) ?? "0");
  const reservedOf = (scope: string, at: number): Picodollars => {
    const sums = selectActiveAmounts.get({ scope, now: at });
    return (sums?.micro ?? 0n) * 1_000_000n + (sums?.pico ?? 0n);
  };
  /** Adds `amount` to what `scope` spent; returns the new total. */
  const charge = (scope: string, amount: Picodollars): Picodollars => {
    const total = spentOf(scope) + amount;
    upsertSpent.run({ scope, spent: total.toString() });
    return total;
  };
  const appendSpend = (record: SpendRecord) => {
    insertSpend.run({
      time: record.time,
      scope: record.scope,
      scopes: record.scopes === undefined ? null : JSON.stringify(record.scopes),
      model: record.model,
      provider: record.provider,
      inputTokens: record.usage.inputTokens,
      cachedInputTokens: record.usage.cachedInputTokens,
      cacheWriteTokens: record.usage.cacheWriteTokens,
      outputTokens: record.usage.outputTokens,
      reasoningTokens: record.usage.reasoningTokens,
      cost: record.cost,
      requestId: record.requestId ?? null,
      cached: record.cached === undefined ? null : record.cached ? 1 : 0,
      metadata: record.metadata === undefined ? null : JSON.stringify(record.metadata),
    });
  };

  const forget = (at: number) => {
    forgetExpired.run({ before: at - lateSettleWindowMs });
    forgetSettled.run({ now: at });
  };

  const reserveTransaction = database.transaction(
    (reservation: Reservation, budgets: ScopeBudget[], at: number): ReserveOutcome => {
      forget(at);
      const balances: ScopeBalance[] = [];
      for (const budget of budgets) {
        const spent = spentOf(budget.scope);
        const reserved = reservedOf(budget.scope, at);
        if (spent + reserved + reservation.amount > budget.limit) {
          return { ok: false, budget, spent, reserved };
        }
        balances.push({ scope: budget.scope, spent, reserved: reserved + reservation.amount });
      }
      reservation.scopes.forEach((scope, position) => {
        insertHold.run({
          id: reservation.id,
          position,
          scope,
          amount: reservation.amount,
          expiresAt: reservation.expiresAt,
        });
      });
      return { ok: true, balances };
    },
  );

  const renewTransaction = database.transaction(
    (id: string, at: number, expiresAt: number): Reservation | undefined => {
      if (extendHolds.run({ id, now: at, expiresAt }).changes === 0) return undefined;
      const rows = selectHolds.all({ id });
      const scopeList = rows.map((row) => row.scope);
      return {
        id,
        scope: scopeList[0] as string,
        scopes: scopeList,
        amount: (rows[0] as HoldRow).amount,
        expiresAt,
      };
    },
  );

  const settleTransaction = database.transaction(
    (
      id: string,
      actual: Picodollars,
      details: SettleDetails | undefined,
      at: number,
    ): { settled: SettledReservation; balances?: ScopeBalance[] } | undefined => {
      forget(at);
      const earlier = selectSettled.get({ id });
      if (earlier !== undefined) {
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
      const rows = selectHolds.all({ id });
      if (rows.length === 0) return undefined;
      deleteHolds.run({ id });
      const scopeList = rows.map((row) => row.scope);
      const spentNow = scopeList.map((scope) => charge(scope, actual));
      if (details !== undefined) appendSpend(settledRecord(details, scopeList, actual));
      const reserved = (rows[0] as HoldRow).amount;
      insertSettled.run({
        id,
        scopes: JSON.stringify(scopeList),
        reserved,
        actual,
        forgetAt: at + lateSettleWindowMs,
      });
      const settledNow = { id, scope: scopeList[0] as string, scopes: scopeList, reserved, actual };
      if (listeners.size === 0) return { settled: settledNow };
      const balances = scopeList.map((scope, index) => ({
        scope,
        spent: spentNow[index] as Picodollars,
        reserved: reservedOf(scope, at),
      }));
      return { settled: settledNow, balances };
    },
  );

  const recordTransaction = database.transaction((record: SpendRecord) => {
    for (const scope of record.scopes ?? [record.scope]) charge(scope, record.cost);
    appendSpend(record);
  });

  const balanceTransaction = database.transaction((scope: string, at: number) => ({
    spent: spentOf(scope),
    reserved: reservedOf(scope, at),
  }));

  const lifecycle = createEngineLifecycle("SQLite ledger");
  const { run } = lifecycle;
  /** Tells the listeners, after the transaction committed. */
  const observed = (balances: readonly ScopeBalance[]) => {
    for (const listener of listeners) {
      try {
        listener(balances);
      } catch {
        // A listener's failure is its own; the ledger operation succeeded.
      }
    }
  };

  return {
    async reserve(reserveOptions: ReserveOptions) {
      const { amount, ttlMs, budgets } = toReserveInput(reserveOptions);
      return run("reserve", () => {
        const at = now();
        const scopeList = budgets.map((budget) => budget.scope);
        const reservation: Reservation = {
          id: randomUUID(),
          scope: scopeList[0] as string,
          scopes: scopeList,
          amount,
          expiresAt: at + ttlMs,
        };
        const outcome = reserveTransaction.immediate(reservation, budgets, at);
        if (!outcome.ok) {
          const { budget, spent, reserved } = outcome;
          throw budgetExceeded({ ...budget, spent, reserved, requested: amount });
        }
        if (listeners.size > 0) observed(outcome.balances);
        return reservation;
      });
    },
    async renew(id: string, ttlMs: number) {
      assertReservationId(id);
      assertTtl(ttlMs);
      return run("renew", () => {
        const at = now();
        return renewTransaction.immediate(id, at, at + ttlMs);
      });
    },
    async settle(id: string, actual: Picodollars, record?: SettleRecord) {
      const at = now();
      const details = toSettleDetails({ id, actual, record, at });
      return run("settle", () => {
        const result = settleTransaction.immediate(id, actual, details, at);
        if (result === undefined) throw reservationNotFound(id);
        if (result.balances !== undefined) observed(result.balances);
        return result.settled;
      });
    },
    async release(id: string) {
      assertReservationId(id);
      return run("release", () => deleteHolds.run({ id }).changes > 0);
    },
    async spent(scope: string) {
      assertScope(scope);
      return run("spent", () => spentOf(scope));
    },
    async reserved(scope: string) {
      assertScope(scope);
      return run("reserved", () => reservedOf(scope, now()));
    },
    async remaining(scope: string, limit: Picodollars) {
      assertRemainingInput(scope, limit);
      return run("remaining", () => {
        const { spent, reserved } = balanceTransaction(scope, now());
        const left = limit - spent - reserved;
        return left > 0n ? left : 0n;
      });
    },
    async record(input: SpendRecordInput) {
      const record = toSpendRecord(input, now());
      run("record", () => recordTransaction.immediate(record));
      return structuredClone(record);
    },
    async records(query: SpendRecordsQuery = {}) {
      assertSpendQuery(query);
      return run("records", () => {
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
      return run("totals", () => {
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
      if (lifecycle.close() && owned) database.close();
      listeners.clear();
    },
    observeBalances(listener: BalanceListener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
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
