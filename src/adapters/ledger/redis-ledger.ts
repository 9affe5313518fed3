/**
 * A ledger in Redis, for budgets shared by several processes or machines. Every
 * check-and-write is one Lua script, so it is atomic on the server, and expiry and lease
 * renewal use the server's clock (`TIME`), never the caller's. A multi-scope reservation is
 * one script over all its scopes. Standalone Redis (or one primary): the scripts derive some
 * key names from stored data, and one call touches several scopes' keys, which Redis Cluster
 * allows only within one hash slot (hash tags).
 *
 * The spend log is a sorted set by time; totals are summed exactly in JavaScript, reading the
 * matching records in pages. For very large logs keep durable records in SQL.
 */
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { TokenwiseError } from "../../core/errors/index.js";
import type { Picodollars } from "../../core/money/index.js";
// Internal: createEngineLifecycle stays out of the public index of adapters/stores.
import { createEngineLifecycle } from "../stores/engine-lifecycle.js";
// Internal: assertRedisPrefix, RedisScript, runRedisScript stays out of the public index of adapters/stores.
import {
  assertRedisPrefix,
  openRedisConnection,
  type RedisConnectionOptions,
  type RedisScript,
  runRedisScript,
} from "../stores/redis-connection.js";
import { balanceListeners } from "./balance-listeners.js";
import type {
  Ledger,
  LedgerOptions,
  ReserveOptions,
  ScopeBalance,
  ScopeBudget,
  SettleRecord,
  SpendQuery,
  SpendRecord,
  SpendRecordInput,
  SpendRecordsQuery,
  SpendTotalsQuery,
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
  toReserveInput,
  toSettleDetails,
  toSpendRecord,
} from "./ledger-input.js";
import {
  balanceScript,
  recordScript,
  releaseScript,
  renewScript,
  reserveScript,
  settleScript,
} from "./redis-ledger-scripts.js";
import { matchesSpendQuery, totalSpend } from "./spend-totals.js";

export interface RedisLedgerOptions extends RedisConnectionOptions, LedgerOptions {
  /** Namespace put before every key (default "tokenwise:ledger:"). */
  prefix?: string;
  /** Clock for the default time of spend records (default `Date.now`). Expiry uses Redis's clock. */
  now?: () => number;
  /**
   * A key that must exist for money to move. When it is missing (Redis restarted without
   * persistence and lost its data, this key with it), reserve, settle and record write nothing
   * and fail with a `store_error` whose details say `stateLost: true`
   * ({@link isLedgerStateLost}), so the caller can rebuild the counters before going on
   * instead of treating lost counters as budgets nobody spent. Default: none (no check).
   */
  epochKey?: string;
}

/**
 * True for the error of a Redis ledger whose epoch key is missing: Redis lost its data, and
 * nothing was written.
 *
 * @example
 * ```ts
 * if (isLedgerStateLost(error)) await rebuildCounters();
 * ```
 */
export function isLedgerStateLost(error: unknown): boolean {
  return TokenwiseError.hasCode(error, "store_error") && error.details.stateLost === true;
}

function stateLost(operation: string, epochKey: string): TokenwiseError {
  return new TokenwiseError(
    "store_error",
    `Redis ledger ${operation} refused: the epoch key "${epochKey}" is missing, so Redis lost its data (restarted without persistence?) and its budget counters with it. Nothing was written; rebuild the counters from the durable ledger first (the gateway does so itself).`,
    { details: { stateLost: true, epochKey, retryable: true } },
  );
}

const PAGE_SIZE = 1000;
/** Every log member is "<16-digit sequence>:<record JSON>". */
export const SEQUENCE_LENGTH = 16;

/**
 * Creates a Redis-backed ledger.
 *
 * @example
 * ```ts
 * import { Redis } from "ioredis";
 * const ledger = createRedisLedger({ client: new Redis(), prefix: "myapp:ledger:" });
 * await ledger.reserve({ scope: "team-a", amount: usd("0.02"), ttlMs: 60_000, limit: usd("50") });
 * ```
 */
export function createRedisLedger(options: RedisLedgerOptions): Ledger {
  const prefix = options.prefix ?? "tokenwise:ledger:";
  assertRedisPrefix(prefix);
  const lateSettleWindowMs = lateSettleWindowOf(options);
  const now = options.now ?? Date.now;
  const epochKey = options.epochKey ?? "";
  const { client, owned } = openRedisConnection(options);
  const logKey = `${prefix}log`;
  const sequenceKey = `${prefix}log:sequence`;
  // Encoding keeps scope names from colliding with the key structure (":" becomes %3A).
  const scopeKeys = (scope: string) => {
    const encoded = encodeURIComponent(scope);
    return {
      encoded,
      spent: spentKeyOf(prefix, scope),
      active: `${prefix}active:${encoded}`,
      amounts: `${prefix}amounts:${encoded}`,
    };
  };
  const reservationKey = (id: string) => `${prefix}reservation:${id}`;
  const lifecycle = createEngineLifecycle("Redis ledger");
  const run = lifecycle.runAsync;

  const listeners = balanceListeners();

  const script = (used: RedisScript, keys: string[], args: string[]) =>
    runRedisScript({ client, script: used, keys, args });

  const balance = async (scope: string) => {
    const keys = scopeKeys(scope);
    const [spent, reserved] = asStrings(
      await script(balanceScript, [keys.spent, keys.active, keys.amounts], []),
    );
    return { spent: BigInt(spent ?? "0"), reserved: BigInt(reserved ?? "0") };
  };

  const readLog = async (query: SpendQuery, limit: number | undefined) =>
    readSpendLog({ client, key: logKey, query, limit });

  return {
    async reserve(reserveOptions: ReserveOptions) {
      const { amount, ttlMs, budgets } = toReserveInput(reserveOptions);
      return run("reserve", async () => {
        const id = randomUUID();
        const scopes = budgets.map((budget) => budget.scope);
        const keys = scopes.map(scopeKeys);
        const reply = asStrings(
          await script(
            reserveScript,
            [...keys.flatMap((key) => [key.spent, key.active, key.amounts]), reservationKey(id)],
            [
              amount.toString(),
              String(ttlMs),
              String(lateSettleWindowMs),
              id,
              JSON.stringify(scopes),
              JSON.stringify(keys.map((key) => key.encoded)),
              ...budgets.map((budget) => budget.limit.toString()),
              epochKey,
            ],
          ),
        );
        if (reply[0] === "-2") throw stateLost("reserve", epochKey);
        if (reply[0] !== "1") {
          const budget = budgets[Number(reply[1]) - 1] as ScopeBudget;
          throw budgetExceeded({
            ...budget,
            spent: BigInt(reply[2] ?? "0"),
            reserved: BigInt(reply[3] ?? "0"),
            requested: amount,
          });
        }
        const balances = balancesFrom(scopes, reply, 2);
        listeners.tell(balances);
        return {
          id,
          scope: scopes[0] as string,
          scopes,
          amount,
          expiresAt: Number(reply[1]),
          balances,
        };
      });
    },
    async renew(id: string, ttlMs: number) {
      assertReservationId(id);
      assertTtl(ttlMs);
      return run("renew", async () => {
        const reply = await script(
          renewScript,
          [reservationKey(id)],
          [prefix, id, String(ttlMs), String(lateSettleWindowMs)],
        );
        if (reply === null) return undefined;
        const [expiresAt, scopesJson, amount] = asStrings(reply);
        return {
          id,
          ...scopesFrom(scopesJson),
          amount: BigInt(amount ?? "0"),
          expiresAt: Number(expiresAt),
        };
      });
    },
    async settle(id: string, actual: Picodollars, record?: SettleRecord) {
      const details = toSettleDetails({ id, actual, record, at: now() });
      return run("settle", async () => {
        const reply = await script(
          settleScript,
          [reservationKey(id), logKey, sequenceKey],
          [
            prefix,
            id,
            actual.toString(),
            details === undefined ? "" : JSON.stringify(details),
            String(details?.time ?? 0),
            String(lateSettleWindowMs),
            epochKey,
          ],
        );
        if (reply === null) throw reservationNotFound(id);
        const fields = asStrings(reply);
        if (fields[0] === "-2") throw stateLost("settle", epochKey);
        const [scopesJson, reserved, charged] = fields;
        const scopes = scopesFrom(scopesJson);
        // Only the first settle reports balances (a repeated one changed nothing).
        if (fields.length > 3) listeners.tell(balancesFrom(scopes.scopes, fields, 3));
        return {
          id,
          ...scopes,
          reserved: BigInt(reserved ?? "0"),
          actual: BigInt(charged ?? "0"),
        };
      });
    },
    async release(id: string) {
      assertReservationId(id);
      return run(
        "release",
        async () => (await script(releaseScript, [reservationKey(id)], [prefix, id])) === 1,
      );
    },
    async spent(scope: string) {
      assertScope(scope);
      return run("spent", async () => BigInt((await client.get(scopeKeys(scope).spent)) ?? "0"));
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
      await run("record", async () => {
        const reply = await script(
          recordScript,
          [
            logKey,
            sequenceKey,
            ...(record.scopes ?? [record.scope]).map((scope) => scopeKeys(scope).spent),
          ],
          [record.cost.toString(), String(record.time), serializeRecord(record), epochKey],
        );
        if (Number(reply) === -2) throw stateLost("record", epochKey);
      });
      return structuredClone(record);
    },
    async records(query: SpendRecordsQuery = {}) {
      assertSpendQuery(query);
      return run("records", () => readLog(query, query.limit));
    },
    async totals(query: SpendTotalsQuery) {
      assertTotalsQuery(query);
      return run("totals", async () => totalSpend(await readLog(query, undefined), query));
    },
    async close() {
      listeners.clear();
      if (lifecycle.close() && owned) await client.quit();
    },
    observeBalances: listeners.observe,
  };
}

/** The balances a script returned from `offset` on: each scope's spent, then reserved. */
function balancesFrom(
  scopes: readonly string[],
  reply: ReadonlyArray<string | undefined>,
  offset: number,
): ScopeBalance[] {
  return scopes.map((scope, index) => ({
    scope,
    spent: BigInt(reply[offset + index * 2] ?? "0"),
    reserved: BigInt(reply[offset + index * 2 + 1] ?? "0"),
  }));
}

/** The key of what a scope spent, in a Redis ledger with `prefix`. */
function spentKeyOf(prefix: string, scope: string): string {
  return `${prefix}spent:${encodeURIComponent(scope)}`;
}

/**
 * Whether a Redis ledger under `prefix` holds any data (a spend counter or a log sequence),
 * to tell a Redis that lost its data from one that never had any.
 *
 * @example
 * ```ts
 * if (!(await redisLedgerHasData({ client, prefix: "tokenwise:ledger:" }))) await restore();
 * ```
 */
export async function redisLedgerHasData(options: {
  client: Redis;
  prefix: string;
}): Promise<boolean> {
  const { client, prefix } = options;
  if ((await client.exists(`${prefix}log:sequence`)) === 1) return true;
  let cursor = "0";
  do {
    const [next, keys] = await client.scan(cursor, "MATCH", `${prefix}spent:*`, "COUNT", 1000);
    if (keys.length > 0) return true;
    cursor = next;
  } while (cursor !== "0");
  return false;
}

/**
 * Sets what each scope spent (from the durable ledger) in a Redis ledger under `prefix`, then
 * its epoch key, last, so money moves again only once every counter is back. Counters of
 * scopes not listed are left as they are.
 *
 * @example
 * ```ts
 * await restoreRedisLedger({ client, prefix: "tokenwise:ledger:", epochKey, spent: [{ scope: "team:a", spent: usd("3") }] });
 * ```
 */
export async function restoreRedisLedger(options: {
  client: Redis;
  prefix: string;
  epochKey: string;
  spent: ReadonlyArray<{ scope: string; spent: Picodollars }>;
}): Promise<void> {
  const { client, prefix, epochKey, spent } = options;
  for (let start = 0; start < spent.length; start += PAGE_SIZE) {
    const page = spent.slice(start, start + PAGE_SIZE);
    await client.mset(
      ...page.flatMap((entry) => [spentKeyOf(prefix, entry.scope), entry.spent.toString()]),
    );
  }
  await client.set(epochKey, randomUUID());
}

async function readSpendLog(options: {
  client: Redis;
  key: string;
  query: SpendQuery;
  limit: number | undefined;
}): Promise<SpendRecord[]> {
  const { client, key, query, limit } = options;
  const min = query.since === undefined ? "-inf" : String(query.since);
  const max = query.until === undefined ? "+inf" : `(${query.until}`;
  const records: SpendRecord[] = [];
  for (let offset = 0; ; offset += PAGE_SIZE) {
    const members = await client.zrangebyscore(key, min, max, "LIMIT", offset, PAGE_SIZE);
    for (const member of members) {
      const record = parseRecord(member.slice(SEQUENCE_LENGTH + 1));
      if (!matchesSpendQuery(record, query)) continue;
      records.push(record);
      if (records.length === limit) return records;
    }
    if (members.length < PAGE_SIZE) return records;
  }
}

function serializeRecord(record: SpendRecord): string {
  return JSON.stringify({ ...record, cost: record.cost.toString() });
}

/** A spend record as the log stores it (its JSON, after the sequence). */
export function parseRecord(json: string): SpendRecord {
  const stored = JSON.parse(json) as Omit<SpendRecord, "cost"> & { cost: string };
  return { ...stored, cost: BigInt(stored.cost) };
}

/** A reservation's scopes as a script returned them (JSON), the first one apart. */
function scopesFrom(json: string | undefined): { scope: string; scopes: string[] } {
  const scopes = JSON.parse(json ?? "[]") as string[];
  return { scope: scopes[0] as string, scopes };
}

function asStrings(reply: unknown): Array<string | undefined> {
  if (!Array.isArray(reply)) return [];
  return reply.map((item) => (item === null || item === undefined ? undefined : String(item)));
}
