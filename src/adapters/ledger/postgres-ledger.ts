/**
 * A ledger in PostgreSQL: the durable source of truth for budgets shared by several replicas.
 * A reservation is one call of a function the migrations install, which locks the rows of its
 * scopes (in sorted order, so concurrent reservations never deadlock) and checks every limit in
 * one statement, so replicas together can never reserve past a limit. Lease times come from the database server's clock
 * (`clock_timestamp()`), never a replica's. Settling is idempotent, keyed by reservation id;
 * a spend record carrying a request id is written once (ON CONFLICT DO NOTHING). Money is
 * exact: amounts are bigint picodollars and running totals are numeric (no upper bound).
 */
import { randomUUID } from "node:crypto";
import type { Usage } from "../../core/cost/index.js";
import type { Picodollars } from "../../core/money/index.js";
// Internal: createEngineLifecycle stays out of the public index of adapters/stores.
import { createEngineLifecycle } from "../stores/engine-lifecycle.js";
import {
  openPostgresConnection,
  type PostgresConnectionOptions,
  withPostgresTransaction,
} from "../stores/index.js";
import type {
  Ledger,
  LedgerOptions,
  Reservation,
  ReserveOptions,
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
  settledRecord,
  toReserveInput,
  toSettleDetails,
  toSpendRecord,
} from "./ledger-input.js";
import { insertSpendRows, ledgerTables } from "./postgres-spend-rows.js";
import { sortTotals } from "./spend-totals.js";

export interface PostgresLedgerOptions extends PostgresConnectionOptions, LedgerOptions {
  /** Clock for the default time of spend records (default `Date.now`). Leases use the server's. */
  now?: () => number;
  /** Leases and settle results past their windows are deleted at most this often (default 60,000 ms). */
  pruneIntervalMs?: number;
}

interface BalanceRow {
  spent: string;
  reserved: string;
}

interface ReserveRow {
  /** 1-based position of the budget that refused, or null when the amount is held. */
  refused: number | null;
  spent: string | null;
  reserved: string | null;
  expires_at: string | null;
}

interface HoldRow {
  position: number;
  scope: string;
  amount: string;
  expires_at: string;
}

interface SettledRow {
  scopes: string[];
  reserved: string;
  actual: string;
}

interface UsageColumns {
  input_tokens: string;
  cached_input_tokens: string;
  cache_write_tokens: string;
  output_tokens: string;
  reasoning_tokens: string;
}

interface SpendRow extends UsageColumns {
  time: string;
  scope: string;
  scopes: string[] | null;
  model: string;
  provider: string;
  cost: string;
  request_id: string | null;
  cached: boolean | null;
  metadata: SpendRecord["metadata"] | null;
}

interface TotalsRow extends UsageColumns {
  key: string;
  records: string;
  cached_records: string;
  cost: string;
}

const GROUP_KEY: Record<SpendTotalsQuery["groupBy"], string> = {
  model: "model",
  scope: "scope",
  day: "to_char(to_timestamp(time / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
};

/**
 * Creates a PostgreSQL-backed ledger; its tables come from the shipped migrations, applied
 * before the first operation unless `migrate: false`.
 *
 * @example
 * ```ts
 * const ledger = createPostgresLedger({ url: "postgres://127.0.0.1/app" });
 * const { id } = await ledger.reserve({
 *   amount: usd("0.05"),
 *   ttlMs: 30_000,
 *   budgets: [{ scope: "key:abc", limit: usd("10") }, { scope: "team:a", limit: usd("500") }],
 * });
 * await ledger.settle(id, usd("0.031"), { model: "gpt-4o", provider: "openai", usage, requestId });
 * ```
 */
export function createPostgresLedger(options: PostgresLedgerOptions): Ledger {
  const lateSettleWindowMs = lateSettleWindowOf(options);
  const now = options.now ?? Date.now;
  const pruneIntervalMs = options.pruneIntervalMs ?? 60_000;
  const { pool, owned, schema, ready } = openPostgresConnection(options);
  const tables = ledgerTables(schema);
  // The database server's clock in epoch milliseconds (a function the migrations install).
  const serverNowMs = `${schema}.tokenwise_clock_ms()`;
  const lifecycle = createEngineLifecycle("PostgreSQL ledger");
  const run = <T>(operation: string, work: () => Promise<T>) =>
    lifecycle.runAsync(operation, async () => {
      await ready();
      return work();
    });
  let lastPruneAt = Number.NEGATIVE_INFINITY;

  /** Deletes leases past the late-settle window and settle results past theirs. */
  const pruneIfDue = async () => {
    if (Date.now() - lastPruneAt < pruneIntervalMs) return;
    lastPruneAt = Date.now();
    await pool.query(`DELETE FROM ${tables.holds} WHERE expires_at <= ${serverNowMs} - $1`, [
      lateSettleWindowMs,
    ]);
    await pool.query(`DELETE FROM ${tables.settled} WHERE forget_at <= ${serverNowMs}`);
  };

  /** Spent and active reservations of a scope, read in one snapshot. */
  const balance = async (scope: string) => {
    const { rows } = await pool.query<BalanceRow>(
      `SELECT
         coalesce((SELECT spent FROM ${tables.scopes} WHERE scope = $1), 0)::text AS spent,
         coalesce((SELECT sum(amount) FROM ${tables.holds}
           WHERE scope = $1 AND expires_at > ${serverNowMs}), 0)::text AS reserved`,
      [scope],
    );
    const row = rows[0] as BalanceRow;
    return { spent: BigInt(row.spent), reserved: BigInt(row.reserved) };
  };

  /** One round trip: the migration's function locks, checks and holds atomically. */
  const reserve = async (input: ReturnType<typeof toReserveInput>): Promise<Reservation> => {
    const id = randomUUID();
    const scopes = input.budgets.map((budget) => budget.scope);
    const { rows } = await pool.query<ReserveRow>(
      `SELECT refused, spent::text, reserved::text, expires_at::text
       FROM ${schema}.tokenwise_ledger_reserve($1, $2::text[], $3::numeric[], $4, $5)`,
      [
        id,
        scopes,
        input.budgets.map((budget) => budget.limit.toString()),
        input.amount.toString(),
        input.ttlMs,
      ],
    );
    const outcome = rows[0] as ReserveRow;
    if (outcome.refused !== null) {
      const budget = input.budgets[outcome.refused - 1] as ScopeBudget;
      throw budgetExceeded({
        ...budget,
        spent: BigInt(outcome.spent as string),
        reserved: BigInt(outcome.reserved as string),
        requested: input.amount,
      });
    }
    return {
      id,
      scope: scopes[0] as string,
      scopes,
      amount: input.amount,
      expiresAt: Number(outcome.expires_at),
    };
  };

  const settle = (
    id: string,
    actual: Picodollars,
    details: ReturnType<typeof toSettleDetails>,
  ): Promise<SettledReservation | undefined> =>
    withPostgresTransaction(pool, async (client) => {
      // Locking the lease rows makes a concurrent settle of the same id wait, then find them
      // gone and return the result this one leaves behind.
      const { rows: holds } = await client.query<HoldRow>(
        `SELECT position, scope, amount, expires_at FROM ${tables.holds}
         WHERE id = $1 AND expires_at > ${serverNowMs} - $2 ORDER BY position FOR UPDATE`,
        [id, lateSettleWindowMs],
      );
      if (holds.length === 0) {
        const { rows } = await client.query<SettledRow>(
          `SELECT scopes, reserved, actual FROM ${tables.settled}
           WHERE id = $1 AND forget_at > ${serverNowMs}`,
          [id],
        );
        const earlier = rows[0];
        if (earlier === undefined) return undefined;
        return {
          id,
          scope: earlier.scopes[0] as string,
          scopes: earlier.scopes,
          reserved: BigInt(earlier.reserved),
          actual: BigInt(earlier.actual),
        };
      }
      const scopes = holds.map((hold) => hold.scope);
      const reserved = BigInt((holds[0] as HoldRow).amount);
      await client.query(
        `INSERT INTO ${tables.scopes} AS totals (scope, spent)
         SELECT scope, $2::numeric FROM unnest($1::text[]) AS scope ORDER BY scope
         ON CONFLICT (scope) DO UPDATE SET spent = totals.spent + excluded.spent`,
        [[...scopes].sort(), actual.toString()],
      );
      await client.query(`DELETE FROM ${tables.holds} WHERE id = $1`, [id]);
      await client.query(
        `INSERT INTO ${tables.settled} (id, scopes, reserved, actual, forget_at)
         VALUES ($1, $2, $3, $4, ${serverNowMs} + $5)`,
        [id, scopes, reserved.toString(), actual.toString(), lateSettleWindowMs],
      );
      if (details !== undefined) {
        await insertSpendRows(client, tables, [settledRecord(details, scopes, actual)], {
          charge: false,
        });
      }
      return { id, scope: scopes[0] as string, scopes, reserved, actual };
    });

  return {
    async reserve(reserveOptions: ReserveOptions) {
      const input = toReserveInput(reserveOptions);
      return run("reserve", async () => {
        await pruneIfDue();
        return reserve(input);
      });
    },
    async renew(id: string, ttlMs: number) {
      assertReservationId(id);
      assertTtl(ttlMs);
      return run("renew", async () => {
        const { rows } = await pool.query<HoldRow>(
          `WITH clock AS (SELECT ${serverNowMs} AS at)
           UPDATE ${tables.holds} AS held SET expires_at = clock.at + $2
           FROM clock WHERE held.id = $1 AND held.expires_at > clock.at
           RETURNING held.position, held.scope, held.amount, held.expires_at`,
          [id, ttlMs],
        );
        if (rows.length === 0) return undefined;
        const ordered = [...rows].sort((a, b) => a.position - b.position);
        const scopes = ordered.map((row) => row.scope);
        const first = ordered[0] as HoldRow;
        return {
          id,
          scope: scopes[0] as string,
          scopes,
          amount: BigInt(first.amount),
          expiresAt: Number(first.expires_at),
        };
      });
    },
    async settle(id: string, actual: Picodollars, record?: SettleRecord) {
      const details = toSettleDetails({ id, actual, record, at: now() });
      return run("settle", async () => {
        const result = await settle(id, actual, details);
        if (result === undefined) throw reservationNotFound(id);
        return result;
      });
    },
    async release(id: string) {
      assertReservationId(id);
      return run("release", async () => {
        const result = await pool.query(`DELETE FROM ${tables.holds} WHERE id = $1`, [id]);
        return (result.rowCount ?? 0) > 0;
      });
    },
    async spent(scope: string) {
      assertScope(scope);
      return run("spent", async () => (await balance(scope)).spent);
    },
    async reserved(scope: string) {
      assertScope(scope);
      return run("reserved", async () => (await balance(scope)).reserved);
    },
    async remaining(scope: string, limit: Picodollars) {
      assertRemainingInput(scope, limit);
      return run("remaining", async () => {
        const { spent, reserved } = await balance(scope);
        const left = limit - spent - reserved;
        return left > 0n ? left : 0n;
      });
    },
    async record(input: SpendRecordInput) {
      const record = toSpendRecord(input, now());
      await run("record", () => insertSpendRows(pool, tables, [record]));
      return structuredClone(record);
    },
    async records(query: SpendRecordsQuery = {}) {
      assertSpendQuery(query);
      return run("records", async () => {
        const { where, values } = whereClause(query);
        let limit = "";
        if (query.limit !== undefined) {
          values.push(query.limit);
          limit = ` LIMIT $${values.length}`;
        }
        const { rows } = await pool.query<SpendRow>(
          `SELECT * FROM ${tables.spend}${where} ORDER BY time, id${limit}`,
          values,
        );
        return rows.map(toRecord);
      });
    },
    async totals(query: SpendTotalsQuery) {
      assertTotalsQuery(query);
      return run("totals", async () => {
        const { where, values } = whereClause(query);
        const { rows } = await pool.query<TotalsRow>(
          `SELECT ${GROUP_KEY[query.groupBy]} AS key,
             count(*) AS records,
             count(*) FILTER (WHERE cached) AS cached_records,
             sum(cost)::text AS cost,
             sum(input_tokens)::text AS input_tokens,
             sum(cached_input_tokens)::text AS cached_input_tokens,
             sum(cache_write_tokens)::text AS cache_write_tokens,
             sum(output_tokens)::text AS output_tokens,
             sum(reasoning_tokens)::text AS reasoning_tokens
           FROM ${tables.spend}${where} GROUP BY 1`,
          values,
        );
        return sortTotals(rows.map(toTotalsRow));
      });
    },
    async close() {
      if (lifecycle.close() && owned) await pool.end();
    },
  };
}

function whereClause(query: SpendRecordsQuery): { where: string; values: unknown[] } {
  const conditions: string[] = [];
  const values: unknown[] = [];
  const add = (condition: string, value: unknown) => {
    values.push(value);
    conditions.push(`${condition} $${values.length}`);
  };
  if (query.scope !== undefined) add("scope =", query.scope);
  if (query.since !== undefined) add("time >=", query.since);
  if (query.until !== undefined) add("time <", query.until);
  return { where: conditions.length === 0 ? "" : ` WHERE ${conditions.join(" AND ")}`, values };
}

function toRecord(row: SpendRow): SpendRecord {
  const record: SpendRecord = {
    time: Number(row.time),
    scope: row.scope,
    model: row.model,
    provider: row.provider,
    usage: toUsage(row),
    cost: BigInt(row.cost),
  };
  if (row.scopes !== null) record.scopes = row.scopes;
  if (row.request_id !== null) record.requestId = row.request_id;
  if (row.cached !== null) record.cached = row.cached;
  if (row.metadata !== null) record.metadata = row.metadata;
  return record;
}

function toTotalsRow(row: TotalsRow): SpendTotalsRow {
  return {
    key: row.key,
    records: Number(row.records),
    cachedRecords: Number(row.cached_records),
    cost: BigInt(row.cost),
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
