/**
 * A ledger in one SQLite file. Every check-and-write runs in a `BEGIN IMMEDIATE` transaction,
 * which takes the file's write lock first, so processes sharing the file can never together
 * reserve past a limit. Money is exact: amounts are 64-bit INTEGER picodollars read back as
 * bigint, running totals are decimal TEXT (no upper bound), and cost sums are computed in two
 * halves that cannot overflow.
 */
import { randomUUID } from "node:crypto";
import type { Usage } from "../cost/usage.js";
import type { Picodollars } from "../money/index.js";
import { createEngineLifecycle } from "../stores/engine-lifecycle.js";
import {
  assertSqlIdentifier,
  createSqliteTables,
  openSqliteConnection,
  type SqliteConnectionOptions,
} from "../stores/sqlite-database.js";
import type {
  Ledger,
  LedgerOptions,
  Reservation,
  ReserveOptions,
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
  assertReserveOptions,
  assertScope,
  assertSpendQuery,
  assertTotalsQuery,
  lateSettleWindowOf,
  toSettleDetails,
  toSpendRecord,
} from "./ledger-input.js";
import { sortTotals } from "./spend-totals.js";

export interface SqliteLedgerOptions extends SqliteConnectionOptions, LedgerOptions {
  /** Prefix of the ledger's three tables (default "tokenwise_ledger"). */
  tablePrefix?: string;
  /** Clock in epoch milliseconds (default `Date.now`); inject one to test expiry instantly. */
  now?: () => number;
}

interface ReservationRow {
  scope: string;
  amount: bigint;
  expires_at: bigint;
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

type ReserveOutcome = { ok: true } | { ok: false; spent: Picodollars; reserved: Picodollars };

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
  const scopes = `"${prefix}_scopes"`;
  const reservations = `"${prefix}_reservations"`;
  const spend = `"${prefix}_spend"`;
  createSqliteTables({
    connection,
    schema: `
      CREATE TABLE IF NOT EXISTS ${scopes} (
        scope TEXT PRIMARY KEY NOT NULL,
        spent TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS ${reservations} (
        id TEXT PRIMARY KEY NOT NULL,
        scope TEXT NOT NULL,
        amount INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS "${prefix}_reservations_scope"
        ON ${reservations} (scope, expires_at);
      CREATE INDEX IF NOT EXISTS "${prefix}_reservations_expires_at"
        ON ${reservations} (expires_at);
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
        metadata TEXT
      );
      CREATE INDEX IF NOT EXISTS "${prefix}_spend_time" ON ${spend} (time);
      CREATE INDEX IF NOT EXISTS "${prefix}_spend_scope_time" ON ${spend} (scope, time);
    `,
    tables: `SQLite ledger tables ${prefix}_*`,
  });

  const selectSpent = database
    .prepare<{ scope: string }, string>(`SELECT spent FROM ${scopes} WHERE scope = @scope`)
    .pluck();
  const upsertSpent = database.prepare<{ scope: string; spent: string }>(
    `INSERT INTO ${scopes} (scope, spent) VALUES (@scope, @spent)
     ON CONFLICT (scope) DO UPDATE SET spent = excluded.spent`,
  );
  const selectActiveAmounts = database
    .prepare<{ scope: string; now: number }, bigint>(
      `SELECT amount FROM ${reservations} WHERE scope = @scope AND expires_at > @now`,
    )
    .pluck()
    .safeIntegers();
  const insertReservation = database.prepare<{
    id: string;
    scope: string;
    amount: bigint;
    expiresAt: number;
  }>(
    `INSERT INTO ${reservations} (id, scope, amount, expires_at)
     VALUES (@id, @scope, @amount, @expiresAt)`,
  );
  const selectReservation = database
    .prepare<{ id: string }, ReservationRow>(
      `SELECT scope, amount, expires_at FROM ${reservations} WHERE id = @id`,
    )
    .safeIntegers();
  const deleteReservation = database.prepare<{ id: string }>(
    `DELETE FROM ${reservations} WHERE id = @id`,
  );
  const forgetExpired = database.prepare<{ before: number }>(
    `DELETE FROM ${reservations} WHERE expires_at <= @before`,
  );
  const insertSpend = database.prepare<Record<string, string | number | bigint | null>>(
    `INSERT INTO ${spend} (time, scope, model, provider, input_tokens, cached_input_tokens,
       cache_write_tokens, output_tokens, reasoning_tokens, cost, request_id, cached, metadata)
     VALUES (@time, @scope, @model, @provider, @inputTokens, @cachedInputTokens,
       @cacheWriteTokens, @outputTokens, @reasoningTokens, @cost, @requestId, @cached, @metadata)`,
  );

  const spentOf = (scope: string): Picodollars => BigInt(selectSpent.get({ scope }) ?? "0");
  const reservedOf = (scope: string, at: number): Picodollars => {
    let sum = 0n;
    for (const amount of selectActiveAmounts.all({ scope, now: at })) sum += amount;
    return sum;
  };
  const charge = (scope: string, amount: Picodollars) => {
    upsertSpent.run({ scope, spent: (spentOf(scope) + amount).toString() });
  };
  const appendSpend = (record: SpendRecord) => {
    insertSpend.run({
      time: record.time,
      scope: record.scope,
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

  const reserveTransaction = database.transaction(
    (reservation: Reservation, limit: Picodollars, at: number): ReserveOutcome => {
      forgetExpired.run({ before: at - lateSettleWindowMs });
      const spent = spentOf(reservation.scope);
      const reserved = reservedOf(reservation.scope, at);
      if (spent + reserved + reservation.amount > limit) return { ok: false, spent, reserved };
      insertReservation.run({
        id: reservation.id,
        scope: reservation.scope,
        amount: reservation.amount,
        expiresAt: reservation.expiresAt,
      });
      return { ok: true };
    },
  );

  const settleTransaction = database.transaction(
    (
      id: string,
      actual: Picodollars,
      details: Omit<SpendRecord, "scope" | "cost"> | undefined,
      at: number,
    ): ReservationRow | undefined => {
      forgetExpired.run({ before: at - lateSettleWindowMs });
      const row = selectReservation.get({ id });
      if (row === undefined) return undefined;
      deleteReservation.run({ id });
      charge(row.scope, actual);
      if (details !== undefined) appendSpend({ ...details, scope: row.scope, cost: actual });
      return row;
    },
  );

  const recordTransaction = database.transaction((record: SpendRecord) => {
    charge(record.scope, record.cost);
    appendSpend(record);
  });

  const balanceTransaction = database.transaction((scope: string, at: number) => ({
    spent: spentOf(scope),
    reserved: reservedOf(scope, at),
  }));

  const lifecycle = createEngineLifecycle("SQLite ledger");
  const { run } = lifecycle;

  return {
    async reserve(reserveOptions: ReserveOptions) {
      assertReserveOptions(reserveOptions);
      const { scope, amount, ttlMs, limit } = reserveOptions;
      return run("reserve", () => {
        const at = now();
        const reservation: Reservation = { id: randomUUID(), scope, amount, expiresAt: at + ttlMs };
        const outcome = reserveTransaction.immediate(reservation, limit, at);
        if (!outcome.ok) {
          throw budgetExceeded({ scope, limit, ...outcome, requested: amount });
        }
        return reservation;
      });
    },
    async settle(id: string, actual: Picodollars, record?: SettleRecord) {
      const at = now();
      const details = toSettleDetails({ id, actual, record, at });
      return run("settle", () => {
        const row = settleTransaction.immediate(id, actual, details, at);
        if (row === undefined) throw reservationNotFound(id);
        return { id, scope: row.scope, reserved: row.amount, actual };
      });
    },
    async release(id: string) {
      assertReservationId(id);
      return run("release", () => deleteReservation.run({ id }).changes > 0);
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
    },
  };
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
