/**
 * The ledger: hard budgets that hold across concurrent requests and replicas, and an
 * append-only log of what was spent.
 *
 * The budget protocol is reserve → call → settle. Before a call, reserve its worst-case cost;
 * the reservation succeeds only if `spent + active reservations + amount <= limit`, checked
 * and recorded atomically. After the call, settle with the actual cost (which may be less or
 * more than reserved); on failure, release. A reservation nobody settles frees itself when its
 * TTL passes, so a crashed process cannot hold budget forever.
 *
 * @example
 * ```ts
 * const ledger = createMemoryLedger();
 * const limit = usd("1.00");
 * const { id } = await ledger.reserve({ scope: "team-a", amount: usd("0.02"), ttlMs: 60_000, limit });
 * try {
 *   const result = await provider.chat(request);
 *   await ledger.settle(id, costOf(result.usage), { model: result.model, provider: "openai", usage: result.usage });
 * } catch (error) {
 *   await ledger.release(id);
 *   throw error;
 * }
 * ```
 */
import type { Usage } from "../cost/usage.js";
import type { Picodollars } from "../money/index.js";

/** A JSON value, as spend-record metadata must be. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };

export interface ReserveOptions {
  /** What the budget belongs to: a user, team, API key, project... */
  scope: string;
  /** Worst-case cost of the call about to be made (non-negative). */
  amount: Picodollars;
  /** How long the reservation holds budget if never settled or released, in ms. */
  ttlMs: number;
  /** The hard limit for `scope`: spent + active reservations + amount must stay within it. */
  limit: Picodollars;
}

export interface Reservation {
  id: string;
  scope: string;
  amount: Picodollars;
  /** Epoch ms after which the reservation no longer holds budget (the engine's clock). */
  expiresAt: number;
}

export interface SettledReservation {
  id: string;
  scope: string;
  /** What had been reserved. */
  reserved: Picodollars;
  /** What was charged. */
  actual: Picodollars;
}

/** One line of the spend log. */
export interface SpendRecord {
  /** When the spend happened, in epoch milliseconds. */
  time: number;
  scope: string;
  model: string;
  provider: string;
  usage: Usage;
  cost: Picodollars;
  requestId?: string;
  /** True when the response came from a cache. */
  cached?: boolean;
  metadata?: { [key: string]: JsonValue };
}

/** A spend record to append; `time` defaults to the ledger's clock. */
export type SpendRecordInput = Omit<SpendRecord, "time"> & { time?: number };

/**
 * The record written when a reservation settles: scope comes from the reservation and cost is
 * the actual amount charged, so they cannot disagree.
 */
export type SettleRecord = Omit<SpendRecord, "time" | "scope" | "cost"> & { time?: number };

/** Which spend records to read; `since` is inclusive, `until` exclusive (epoch ms). */
export interface SpendQuery {
  scope?: string;
  since?: number;
  until?: number;
}

export interface SpendTotalsQuery extends SpendQuery {
  /** Group by model name, by UTC day ("2026-07-24"), or by scope. */
  groupBy: "model" | "day" | "scope";
}

export interface SpendRecordsQuery extends SpendQuery {
  /** Most records to return, oldest first (default: all). */
  limit?: number;
}

/** One group of {@link Ledger.totals}: exact cost and token sums. */
export interface SpendTotalsRow {
  /** The model, the UTC day (YYYY-MM-DD) or the scope, as grouped by. */
  key: string;
  records: number;
  cachedRecords: number;
  cost: Picodollars;
  usage: Usage;
}

export interface Ledger {
  /**
   * Reserves `amount` against `limit` for `scope`, atomically across every connection to the
   * same data. Throws `TokenwiseError("budget_exceeded")` with details
   * `{ scope, limit, spent, reserved, requested }` (picodollars) when it does not fit.
   */
  reserve(options: ReserveOptions): Promise<Reservation>;
  /**
   * Charges `actual` (less or more than reserved) to the reservation's scope and ends the
   * reservation; with `record`, appends the matching spend record in the same transaction.
   * A reservation that expired can still be settled within the late-settle window, because
   * the call it guarded was paid for. Throws `not_found` for an id already settled, released
   * or forgotten.
   */
  settle(id: string, actual: Picodollars, record?: SettleRecord): Promise<SettledReservation>;
  /** Ends a reservation without charging; false when there was none. */
  release(id: string): Promise<boolean>;
  /** Everything charged to `scope` so far (settled and recorded spend). */
  spent(scope: string): Promise<Picodollars>;
  /** The sum of `scope`'s active (unexpired) reservations. */
  reserved(scope: string): Promise<Picodollars>;
  /** `limit - spent - reserved`, never below zero. */
  remaining(scope: string, limit: Picodollars): Promise<Picodollars>;
  /**
   * Appends a spend record and charges its cost to its scope: for spend that did not go
   * through a reservation (a cache hit at cost 0, a call made outside the budget guard).
   */
  record(record: SpendRecordInput): Promise<SpendRecord>;
  /** Spend records, oldest first. */
  records(query?: SpendRecordsQuery): Promise<SpendRecord[]>;
  /** Exact sums of cost and tokens per group, sorted by key. */
  totals(query: SpendTotalsQuery): Promise<SpendTotalsRow[]>;
  /** Releases the connection. Calling it twice is harmless. */
  close(): Promise<void>;
}

/** Options every ledger engine shares. */
export interface LedgerOptions {
  /**
   * How long after expiry a reservation can still be settled, in ms (default one day). After
   * that it is forgotten and `settle` throws `not_found`; record the spend with `record`.
   */
  lateSettleWindowMs?: number;
}
