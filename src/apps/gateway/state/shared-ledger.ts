/**
 * The ledger of a gateway whose replicas share Redis and PostgreSQL. Reservations, leases and
 * the live spend counters are the Redis ledger's (one Lua script per check-and-write, the
 * server's clock); each settle also leaves its spend record in the Redis ledger's log, in the
 * same script as the charge, and a relay moves those records into PostgreSQL, the durable
 * source of truth that reports read. So a record exists the moment its money is counted, and
 * a replica killed right after a settle loses nothing.
 *
 * When Redis stops answering: a new reservation is refused with 503 (fail closed), or, with
 * `failOpen`, granted without any budget (it holds nothing) and its cost charged to the
 * budgets once Redis answers again. A settle or record that cannot reach Redis is never lost:
 * its row goes straight to the PostgreSQL spend writer, and the charge is replayed into Redis
 * when it is back (a replayed row carries the same request id, so PostgreSQL keeps one).
 */
import { randomUUID } from "node:crypto";
// Internal: balanceListeners stays out of the public index of adapters/ledger.
import { balanceListeners } from "../../../adapters/ledger/balance-listeners.js";
import type {
  Ledger,
  Reservation,
  ReserveOptions,
  ScopeBalance,
  SettledReservation,
  SettleRecord,
  SpendRecordInput,
  SpendWrite,
  SpendWriter,
} from "../../../adapters/ledger/index.js";
import { TokenwiseError } from "../../../core/errors/index.js";
import type { Picodollars } from "../../../core/money/index.js";
import type { GatewayError } from "../gateway-failure.js";

/** A charge that could not reach Redis, applied when it answers again. */
export type Replay =
  | {
      kind: "settle";
      id: string;
      actual: Picodollars;
      record: SettleRecord | undefined;
      row: SpendWrite | undefined;
    }
  | { kind: "record"; row: SpendWrite };

export interface SharedLedgerOptions {
  /** The Redis ledger: reservations, leases, counters, and the spend log the relay empties. */
  redis: Ledger;
  /** Rows that could not go through Redis are written here directly. */
  writer: SpendWriter;
  /** Reads records and totals (the PostgreSQL ledger over the same tables as the writer). */
  reader: Ledger;
  /** Whether Redis answers now. */
  redisUp(): boolean;
  /** Reports a failed Redis call; true when it failed for want of Redis (it is down). */
  redisFailed(error: unknown): boolean;
  /**
   * Reports a Redis call refused because Redis lost its data (the Redis ledger's epoch key is
   * gone); true when so. The call then takes the Redis-down path, and the caller rebuilds the
   * counters (which counts the charges waiting for Redis from their rows: see `clearReplays`).
   */
  stateLost?(error: unknown): boolean;
  /** The 503 for a paid request while the counters are being rebuilt (default `unavailable`). */
  recovering?(): GatewayError;
  /** Grant reservations without budgets while Redis is down (instead of refusing). */
  failOpen: boolean;
  /** The 503 for a paid request while Redis is down. */
  unavailable(): GatewayError;
  /** Called for every reservation granted without budgets. */
  onFailOpen?(scopes: readonly string[]): void;
  /** Called when a row or charge could not be kept (the writer's buffer was full). */
  onLost?(what: string): void;
  /** Called for each row a settle or record left in the Redis ledger's log. */
  onLogged?(): void;
  /** Most charges kept for replay (default 100,000); past it they are reported lost. */
  maxReplays?: number;
}

export interface SharedLedger extends Ledger {
  /** Charges waiting for Redis. */
  pendingReplays(): number;
  /**
   * Resolves once every settle sent to Redis without waiting has its answer (a failed one
   * then waits among the replays): before replaying and closing.
   */
  settling(): Promise<void>;
  /**
   * Applies the waiting charges to Redis, oldest first; stops at the first that fails for want
   * of Redis. Resolves to how many are left.
   */
  replay(): Promise<number>;
  /**
   * Drops the charges waiting for Redis and says how many: after Redis lost its data, the
   * counters are rebuilt from the durable rows, which already count them (their rows were
   * written straight to PostgreSQL); applying them too would count them twice.
   */
  clearReplays(): number;
}

const UNBUDGETED = "unbudgeted_";

/** A reservation this replica holds: what a settle needs when Redis cannot be asked. */
interface Held {
  scopes: string[];
  amount: Picodollars;
  /** What each scope spent and held once it was reserved, when Redis reported it. */
  balances?: ScopeBalance[];
}
const MAX_HELD = 100_000;

/**
 * @example
 * ```ts
 * const ledger = createSharedLedger({ redis, writer, reader, redisUp: link.up, redisFailed: link.failed, failOpen: false, unavailable });
 * ```
 */
export function createSharedLedger(options: SharedLedgerOptions): SharedLedger {
  const { redis, writer, reader } = options;
  const maxReplays = options.maxReplays ?? 100_000;
  /** Scopes of the reservations this replica holds, for a settle that cannot reach Redis. */
  const held = new Map<string, Held>();
  const hold = (id: string, entry: Held) => {
    held.set(id, entry);
    // Every reservation ends in a settle or release; this only bounds a caller that forgets.
    if (held.size > MAX_HELD) held.delete(held.keys().next().value as string);
  };
  const replays: Replay[] = [];
  let replaying: Promise<number> | undefined;
  /** Settles sent to Redis whose answer has not come yet. */
  const inFlight = new Set<Promise<void>>();
  const listeners = balanceListeners();
  redis.observeBalances?.(listeners.tell);

  const keep = (replay: Replay) => {
    if (replays.length >= maxReplays) {
      options.onLost?.(`a charge for reservation or request ${replayKey(replay)}`);
      return;
    }
    replays.push(replay);
  };
  const writeDirect = (row: SpendWrite) => {
    if (!writer.write(row)) options.onLost?.(`the spend row of request ${row.requestId}`);
  };
  /** Runs a Redis call; a failure for want of Redis becomes `down()`'s result. */
  /** True when `error` says Redis cannot take the call: it is down, or it lost its data. */
  const unreachable = (error: unknown) =>
    options.stateLost?.(error) === true || options.redisFailed(error);
  /**
   * Runs a Redis call; a failure for want of Redis becomes `down()`'s result (`lost` when
   * Redis answered but had lost its data).
   */
  const viaRedis = async <T>(
    work: () => Promise<T>,
    down: (lost: boolean) => T | Promise<T>,
  ): Promise<T> => {
    if (!options.redisUp()) return down(false);
    try {
      return await work();
    } catch (error) {
      if (options.stateLost?.(error) === true) return down(true);
      if (!options.redisFailed(error)) throw error;
      return down(false);
    }
  };
  const unbudgeted = (reserveOptions: ReserveOptions): Reservation => {
    const scopes =
      reserveOptions.budgets !== undefined
        ? reserveOptions.budgets.map((budget) => budget.scope)
        : [reserveOptions.scope];
    const id = `${UNBUDGETED}${randomUUID()}`;
    hold(id, { scopes, amount: 0n });
    options.onFailOpen?.(scopes);
    return {
      id,
      scope: scopes[0] as string,
      scopes,
      amount: 0n,
      expiresAt: Date.now() + reserveOptions.ttlMs,
    };
  };
  const rowOf = (
    id: string,
    scopes: readonly string[],
    actual: Picodollars,
    record: SettleRecord,
    extra: Record<string, string> = {},
  ): SpendWrite => ({
    ...record,
    scope: scopes[0] as string,
    ...(scopes.length > 1 ? { scopes: [...scopes] } : {}),
    cost: actual,
    requestId: record.requestId ?? id,
    ...(Object.keys(extra).length > 0 ? { metadata: { ...record.metadata, ...extra } } : {}),
  });

  const ledger: SharedLedger = {
    async reserve(reserveOptions) {
      const reservation = await viaRedis(
        () => redis.reserve(reserveOptions),
        (lost) => {
          if (!options.failOpen)
            throw lost ? (options.recovering ?? options.unavailable)() : options.unavailable();
          return unbudgeted(reserveOptions);
        },
      );
      if (!reservation.id.startsWith(UNBUDGETED)) {
        hold(reservation.id, {
          scopes: reservation.scopes,
          amount: reservation.amount,
          ...(reservation.balances !== undefined ? { balances: reservation.balances } : {}),
        });
      }
      return reservation;
    },
    async renew(id, ttlMs) {
      const known = held.get(id);
      if (id.startsWith(UNBUDGETED)) {
        if (known === undefined) return undefined;
        return {
          id,
          scope: known.scopes[0] as string,
          scopes: known.scopes,
          amount: 0n,
          expiresAt: Date.now() + ttlMs,
        };
      }
      // A renewal that cannot reach Redis throws: the caller tries again at its next renewal.
      return redis.renew(id, ttlMs);
    },
    async settle(id, actual, record) {
      const known = held.get(id);
      // One time and one request id for every path this record may take, so copies match.
      const fixed =
        record === undefined
          ? undefined
          : { ...record, time: record.time ?? Date.now(), requestId: record.requestId ?? id };
      if (id.startsWith(UNBUDGETED)) {
        if (known === undefined) throw notFound(id);
        held.delete(id);
        if (fixed !== undefined) {
          const row = rowOf(id, known.scopes, actual, fixed, { sharedState: "fail_open" });
          writeDirect(row);
          keep({ kind: "record", row });
        }
        return { id, scope: known.scopes[0] as string, scopes: known.scopes, reserved: 0n, actual };
      }
      if (known?.balances !== undefined && options.redisUp()) {
        return settleInBackground(id, actual, fixed, known, known.balances);
      }
      const settled = await viaRedis<SettledReservation | undefined>(
        () => redis.settle(id, actual, fixed),
        () => undefined,
      );
      if (settled !== undefined) {
        held.delete(id);
        if (fixed !== undefined) options.onLogged?.();
        return settled;
      }
      // Redis did not answer: the call was paid for, so its row is written now and the charge
      // applied later. The reservation keeps holding its worst case until its lease runs out.
      if (known === undefined) throw options.unavailable();
      held.delete(id);
      keepUnsettled(id, actual, fixed, known);
      return settledOf(id, known, actual);
    },
    async release(id) {
      if (id.startsWith(UNBUDGETED)) return held.delete(id);
      held.delete(id);
      // A release that cannot reach Redis frees nothing now; the lease runs out by itself.
      return viaRedis(
        () => redis.release(id),
        () => false,
      );
    },
    spent: (scope) => redisOr503(() => redis.spent(scope)),
    reserved: (scope) => redisOr503(() => redis.reserved(scope)),
    remaining: (scope, limit) => redisOr503(() => redis.remaining(scope, limit)),
    async record(input: SpendRecordInput) {
      const fixed: SpendRecordInput = {
        ...input,
        time: input.time ?? Date.now(),
        requestId: input.requestId ?? `rec_${randomUUID()}`,
      };
      return viaRedis(
        async () => {
          const recorded = await redis.record(fixed);
          options.onLogged?.();
          return recorded;
        },
        () => {
          const row = { ...fixed, requestId: fixed.requestId as string };
          writeDirect(row);
          // A row that charges nothing needs no replay: PostgreSQL has it.
          if (fixed.cost > 0n) keep({ kind: "record", row });
          return { ...fixed, time: fixed.time as number };
        },
      );
    },
    records: (query) => reader.records(query),
    totals: (query) => reader.totals(query),
    // The Redis ledger's balances are the shared counters each reserve and settle left; a
    // charge that took another path (Redis down, fail open) reports none.
    ...(redis.observeBalances !== undefined ? { observeBalances: listeners.observe } : {}),
    settling: async () => {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    async close() {
      // The engines belong to the gateway state, which closes them.
    },
    pendingReplays: () => replays.length,
    clearReplays: () => replays.splice(0).length,
    replay() {
      replaying ??= drainReplays().finally(() => {
        replaying = undefined;
      });
      return replaying;
    },
  };

  /**
   * A paid call whose settle did not reach Redis: its row goes straight to PostgreSQL and its
   * charge waits to be applied to Redis (a replayed settle is idempotent by reservation id).
   */
  const keepUnsettled = (
    id: string,
    actual: Picodollars,
    fixed: SettleRecord | undefined,
    known: Held,
  ) => {
    const row = fixed === undefined ? undefined : rowOf(id, known.scopes, actual, fixed);
    if (row !== undefined) writeDirect(row);
    keep({ kind: "settle", id, actual, record: fixed, row });
  };

  /**
   * A settle whose charge is sent to Redis now and whose answer is not waited for: the
   * command is on Redis's socket before the caller's response is written, so the response
   * does not wait a round trip, and a replica killed after it has still sent the charge
   * (a kill before it loses the charge either way, as with any engine). The result is known
   * without the answer: the reservation's scopes and amount, the actual cost; the balances
   * reported are the reservation's own, with this charge applied. An answer that did not come
   * because Redis went away takes the same path as a settle that could not reach it (the row
   * straight to PostgreSQL, the charge replayed later: idempotent by reservation id); a
   * reservation Redis no longer knows is charged as a record of the same request.
   */
  const settleInBackground = (
    id: string,
    actual: Picodollars,
    fixed: SettleRecord | undefined,
    known: Held,
    balances: readonly ScopeBalance[],
  ): SettledReservation => {
    held.delete(id);
    const sent = redis.settle(id, actual, fixed).then(
      () => {
        if (fixed !== undefined) options.onLogged?.();
      },
      async (error: unknown) => {
        if (unreachable(error)) {
          keepUnsettled(id, actual, fixed, known);
          return;
        }
        const row = fixed === undefined ? undefined : rowOf(id, known.scopes, actual, fixed);
        if (TokenwiseError.hasCode(error, "not_found") && row !== undefined) {
          await ledger.record(row).catch((cause: unknown) => {
            options.onLost?.(`the spend row of request ${row.requestId} (${messageOf(cause)})`);
          });
          return;
        }
        options.onLost?.(`the charge of reservation ${id} (${messageOf(error)})`);
      },
    );
    const tracked: Promise<void> = sent.finally(() => {
      inFlight.delete(tracked);
    });
    inFlight.add(tracked);
    listeners.tell(
      balances.map((balance) => ({
        scope: balance.scope,
        spent: balance.spent + actual,
        reserved: balance.reserved - known.amount,
      })),
    );
    return settledOf(id, known, actual);
  };

  const redisOr503 = <T>(work: () => Promise<T>) =>
    viaRedis(work, () => {
      throw options.unavailable();
    });

  const drainReplays = async (): Promise<number> => {
    while (replays.length > 0 && options.redisUp()) {
      const next = replays[0] as Replay;
      try {
        await applyReplay(next);
      } catch (error) {
        if (unreachable(error)) break;
        // Not a connection failure (a bad record): it can never apply; say so and move on.
        options.onLost?.(`a charge for ${replayKey(next)} (${messageOf(error)})`);
      }
      // A rebuild may have dropped the replays meanwhile (clearReplays).
      if (replays[0] === next) replays.shift();
    }
    return replays.length;
  };

  const applyReplay = async (replay: Replay) => {
    if (replay.kind === "record") {
      await redis.record(replay.row);
      return;
    }
    try {
      // Idempotent by reservation id: if the first settle did reach Redis, this charges nothing.
      await redis.settle(replay.id, replay.actual, replay.record);
    } catch (error) {
      if (!TokenwiseError.hasCode(error, "not_found")) throw error;
      // Forgotten (past the late-settle window): charge it as a record of the same request.
      if (replay.row !== undefined) await redis.record(replay.row);
    }
  };

  return ledger;
}

/** The settle result of a reservation this replica holds, known without asking Redis. */
function settledOf(id: string, known: Held, actual: Picodollars): SettledReservation {
  return {
    id,
    scope: known.scopes[0] as string,
    scopes: known.scopes,
    reserved: known.amount,
    actual,
  };
}

function replayKey(replay: Replay): string {
  return replay.kind === "settle" ? replay.id : replay.row.requestId;
}

function notFound(id: string): TokenwiseError {
  return new TokenwiseError(
    "not_found",
    `No active reservation "${id}" (settled or released already).`,
    {
      details: { id },
    },
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
