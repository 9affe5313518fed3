/**
 * A ledger in process memory: exact and atomic within one process (each operation runs to the
 * end without yielding), lost on restart. Use SQLite or Redis to share budgets between
 * processes.
 */
import { randomUUID } from "node:crypto";
import type { Picodollars } from "../money/index.js";
import { createEngineLifecycle } from "../stores/engine-lifecycle.js";
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
import { matchesSpendQuery, totalSpend } from "./spend-totals.js";

export interface MemoryLedgerOptions extends LedgerOptions {
  /** Clock in epoch milliseconds (default `Date.now`); inject one to test expiry instantly. */
  now?: () => number;
}

/**
 * Creates an in-memory ledger.
 *
 * @example
 * ```ts
 * const ledger = createMemoryLedger();
 * await ledger.reserve({ scope: "demo", amount: usd("0.01"), ttlMs: 60_000, limit: usd("1") });
 * ```
 */
export function createMemoryLedger(options: MemoryLedgerOptions = {}): Ledger {
  const now = options.now ?? Date.now;
  const lateSettleWindowMs = lateSettleWindowOf(options);
  const reservations = new Map<string, Reservation>();
  const spentByScope = new Map<string, Picodollars>();
  const log: SpendRecord[] = [];
  const lifecycle = createEngineLifecycle("memory ledger");
  const { ensureOpen } = lifecycle;

  const forgetLongExpired = (at: number) => {
    for (const [id, reservation] of reservations) {
      if (reservation.expiresAt + lateSettleWindowMs <= at) reservations.delete(id);
    }
  };

  const activeReserved = (scope: string, at: number): Picodollars => {
    let sum = 0n;
    for (const reservation of reservations.values()) {
      if (reservation.scope === scope && reservation.expiresAt > at) sum += reservation.amount;
    }
    return sum;
  };

  const charge = (scope: string, amount: Picodollars) => {
    spentByScope.set(scope, (spentByScope.get(scope) ?? 0n) + amount);
  };

  return {
    async reserve(reserveOptions: ReserveOptions) {
      ensureOpen();
      assertReserveOptions(reserveOptions);
      const { scope, amount, ttlMs, limit } = reserveOptions;
      const at = now();
      forgetLongExpired(at);
      const spent = spentByScope.get(scope) ?? 0n;
      const reserved = activeReserved(scope, at);
      if (spent + reserved + amount > limit) {
        throw budgetExceeded({ scope, limit, spent, reserved, requested: amount });
      }
      const reservation: Reservation = { id: randomUUID(), scope, amount, expiresAt: at + ttlMs };
      reservations.set(reservation.id, reservation);
      return { ...reservation };
    },
    async settle(id: string, actual: Picodollars, record?: SettleRecord) {
      ensureOpen();
      const at = now();
      const details = toSettleDetails({ id, actual, record, at });
      forgetLongExpired(at);
      const reservation = reservations.get(id);
      if (reservation === undefined) throw reservationNotFound(id);
      reservations.delete(id);
      charge(reservation.scope, actual);
      if (details !== undefined) log.push({ ...details, scope: reservation.scope, cost: actual });
      return { id, scope: reservation.scope, reserved: reservation.amount, actual };
    },
    async release(id: string) {
      ensureOpen();
      assertReservationId(id);
      return reservations.delete(id);
    },
    async spent(scope: string) {
      ensureOpen();
      assertScope(scope);
      return spentByScope.get(scope) ?? 0n;
    },
    async reserved(scope: string) {
      ensureOpen();
      assertScope(scope);
      return activeReserved(scope, now());
    },
    async remaining(scope: string, limit: Picodollars) {
      ensureOpen();
      assertRemainingInput(scope, limit);
      const left = limit - (spentByScope.get(scope) ?? 0n) - activeReserved(scope, now());
      return left > 0n ? left : 0n;
    },
    async record(input: SpendRecordInput) {
      ensureOpen();
      const record = toSpendRecord(input, now());
      charge(record.scope, record.cost);
      log.push(record);
      return structuredClone(record);
    },
    async records(query: SpendRecordsQuery = {}) {
      ensureOpen();
      assertSpendQuery(query);
      const matching = log.filter((record) => matchesSpendQuery(record, query));
      return structuredClone(stableByTime(matching).slice(0, query.limit));
    },
    async totals(query: SpendTotalsQuery) {
      ensureOpen();
      assertTotalsQuery(query);
      return totalSpend(log, query);
    },
    async close() {
      lifecycle.close();
    },
  };
}

/** Records in time order; equal times keep insertion order (sort is stable). */
function stableByTime(records: SpendRecord[]): SpendRecord[] {
  return [...records].sort((a, b) => a.time - b.time);
}
