/**
 * A ledger in process memory: exact and atomic within one process (each operation runs to the
 * end without yielding), lost on restart. Use SQLite or Redis to share budgets between
 * processes.
 */
import { randomUUID } from "node:crypto";
import type { Picodollars } from "../../core/money/index.js";
// Internal: createEngineLifecycle stays out of the public index of adapters/stores.
import { createEngineLifecycle } from "../stores/engine-lifecycle.js";
import type {
  Ledger,
  LedgerOptions,
  Reservation,
  ReserveOptions,
  SettledReservation,
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
  /** Settled ids with their result, remembered so a retried settle charges nothing. */
  const settled = new Map<string, { result: SettledReservation; forgetAt: number }>();
  const spentByScope = new Map<string, Picodollars>();
  const log: SpendRecord[] = [];
  const lifecycle = createEngineLifecycle("memory ledger");
  const { ensureOpen } = lifecycle;

  const forgetLongExpired = (at: number) => {
    for (const [id, reservation] of reservations) {
      if (reservation.expiresAt + lateSettleWindowMs <= at) reservations.delete(id);
    }
    for (const [id, entry] of settled) if (entry.forgetAt <= at) settled.delete(id);
  };

  const activeReserved = (scope: string, at: number): Picodollars => {
    let sum = 0n;
    for (const reservation of reservations.values()) {
      if (reservation.expiresAt > at && reservation.scopes.includes(scope)) {
        sum += reservation.amount;
      }
    }
    return sum;
  };

  const charge = (scope: string, amount: Picodollars) => {
    spentByScope.set(scope, (spentByScope.get(scope) ?? 0n) + amount);
  };

  return {
    async reserve(reserveOptions: ReserveOptions) {
      ensureOpen();
      const { amount, ttlMs, budgets } = toReserveInput(reserveOptions);
      const at = now();
      forgetLongExpired(at);
      for (const { scope, limit } of budgets) {
        const spent = spentByScope.get(scope) ?? 0n;
        const reserved = activeReserved(scope, at);
        if (spent + reserved + amount > limit) {
          throw budgetExceeded({ scope, limit, spent, reserved, requested: amount });
        }
      }
      const scopes = budgets.map((budget) => budget.scope);
      const reservation: Reservation = {
        id: randomUUID(),
        scope: scopes[0] as string,
        scopes,
        amount,
        expiresAt: at + ttlMs,
      };
      reservations.set(reservation.id, reservation);
      return { ...reservation, scopes: [...scopes] };
    },
    async renew(id: string, ttlMs: number) {
      ensureOpen();
      assertReservationId(id);
      assertTtl(ttlMs);
      const at = now();
      const reservation = reservations.get(id);
      if (reservation === undefined || reservation.expiresAt <= at) return undefined;
      reservation.expiresAt = at + ttlMs;
      return { ...reservation, scopes: [...reservation.scopes] };
    },
    async settle(id: string, actual: Picodollars, record?: SettleRecord) {
      ensureOpen();
      const at = now();
      const details = toSettleDetails({ id, actual, record, at });
      forgetLongExpired(at);
      const earlier = settled.get(id);
      if (earlier !== undefined) return { ...earlier.result, scopes: [...earlier.result.scopes] };
      const reservation = reservations.get(id);
      if (reservation === undefined) throw reservationNotFound(id);
      reservations.delete(id);
      const { scopes } = reservation;
      for (const scope of scopes) charge(scope, actual);
      if (details !== undefined) log.push(settledRecord(details, scopes, actual));
      const result = { id, scope: reservation.scope, scopes, reserved: reservation.amount, actual };
      settled.set(id, { result, forgetAt: at + lateSettleWindowMs });
      return { ...result, scopes: [...scopes] };
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
      for (const scope of record.scopes ?? [record.scope]) charge(scope, record.cost);
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
