/**
 * The ledger: hard budgets that hold across concurrent requests and replicas, and an
 * append-only log of what was spent.
 *
 * The budget protocol is reserve → call → settle. Before a call, reserve its worst-case cost;
 * the reservation succeeds only if `spent + active reservations + amount <= limit`, checked
 * and recorded atomically, on every scope it names (a key and its team: all fit or none is
 * held). After the call, settle with the actual cost (which may be less or more than
 * reserved); on failure, release. A reservation is a lease: while its call runs, the caller
 * renews it (`renew`); one nobody renews, settles or releases frees itself when its TTL
 * passes, so a crashed process cannot hold budget forever.
 *
 * @example
 * ```ts
 * const ledger = createMemoryLedger();
 * const limit = usd("1.00");
 * const { id } = await ledger.reserve({ scope: "team-a", amount: usd("0.02"), ttlMs: 60_000, limit });
 * // or on a key and its team at once:
 * // ledger.reserve({ amount, ttlMs, budgets: [{ scope: "key:1", limit }, { scope: "team:a", limit: usd("50") }] })
 * try {
 *   const result = await provider.chat(request);
 *   await ledger.settle(id, costOf(result.usage), { model: result.model, provider: "openai", usage: result.usage });
 * } catch (error) {
 *   await ledger.release(id);
 *   throw error;
 * }
 * ```
 */
import type { Usage } from "../../core/cost/index.js";
import type { Picodollars } from "../../core/money/index.js";

/** A JSON value, as spend-record metadata must be. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };

/** One hard limit: `spent + active reservations` of `scope` may never pass `limit`. */
export interface ScopeBudget {
  /** What the budget belongs to: a user, team, API key, project... */
  scope: string;
  limit: Picodollars;
}

/**
 * What to reserve: `amount` on one budget (`scope` + `limit`) or on several (`budgets`, e.g.
 * a virtual key, its team and its org), never both.
 */
export type ReserveOptions = {
  /** Worst-case cost of the call about to be made (non-negative). */
  amount: Picodollars;
  /** How long the reservation holds budget unless renewed, settled or released, in ms. */
  ttlMs: number;
} & (
  | {
      /** What the budget belongs to: a user, team, API key, project... */
      scope: string;
      /** The hard limit for `scope`: spent + active reservations + amount must stay within it. */
      limit: Picodollars;
      budgets?: undefined;
    }
  | {
      /**
       * Every budget the amount is held on, atomically: all fit or none is held. Distinct
       * scopes; the first one is the reservation's `scope` (where its spend record goes).
       */
      budgets: ScopeBudget[];
      scope?: undefined;
      limit?: undefined;
    }
);

export interface Reservation {
  id: string;
  /** The first scope reserved on. */
  scope: string;
  /** Every scope reserved on, first one first. */
  scopes: string[];
  amount: Picodollars;
  /** Epoch ms after which the reservation no longer holds budget (the engine's clock). */
  expiresAt: number;
  /**
   * What each scope spent and held once this reservation was made (its own amount counted as
   * held), in `scopes` order: from engines whose reserve reports balances (the Redis ledger;
   * see {@link Ledger.observeBalances}). Absent otherwise, and on a renewal.
   */
  balances?: ScopeBalance[];
}

export interface SettledReservation {
  id: string;
  /** The reservation's first scope. */
  scope: string;
  /** Every scope charged. */
  scopes: string[];
  /** What had been reserved. */
  reserved: Picodollars;
  /** What was charged. */
  actual: Picodollars;
}

/** What one scope held at one moment: its spend and its active reservations. */
export interface ScopeBalance {
  scope: string;
  spent: Picodollars;
  reserved: Picodollars;
}

/** Called with the balances a ledger operation left, see {@link Ledger.observeBalances}. */
export type BalanceListener = (balances: readonly ScopeBalance[]) => void;

/** One line of the spend log. */
export interface SpendRecord {
  /** When the spend happened, in epoch milliseconds. */
  time: number;
  /** The scope the spend belongs to (for a multi-scope reservation, its first scope). */
  scope: string;
  /**
   * Every scope charged, `scope` first, when there is more than one (a key and its team);
   * absent for single-scope spend. Queries filter and group by `scope` only.
   */
  scopes?: string[];
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
export type SettleRecord = Omit<SpendRecord, "time" | "scope" | "scopes" | "cost"> & {
  time?: number;
};

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
   * Reserves `amount` against the limit of every scope named, atomically across every
   * connection to the same data: all fit or none is held. Throws
   * `TokenwiseError("budget_exceeded")` whose details (`BudgetExceededDetails`: `scope`,
   * `limit`, `spent`, `reserved`, `remaining`, `worstCase` = the amount asked, in picodollars)
   * are those of the first scope that refused.
   */
  reserve(options: ReserveOptions): Promise<Reservation>;
  /**
   * Extends an active reservation's lease to `ttlMs` from now (the engine's clock), on every
   * scope. Returns the reservation with its new `expiresAt`, or undefined when it no longer
   * holds budget: already expired (its money was freed and may be spent by others, so it is
   * never silently taken back), settled, released or unknown.
   *
   * @example
   * ```ts
   * const renewed = await ledger.renew(id, 60_000);
   * if (renewed === undefined) {
   *   // lost the lease: reserve again, or stop the call
   * }
   * ```
   */
  renew(id: string, ttlMs: number): Promise<Reservation | undefined>;
  /**
   * Charges `actual` (less or more than reserved) to every scope of the reservation and ends
   * it; with `record`, appends ONE matching spend record (scope: the first scope; `scopes`:
   * all of them, when several) in the same transaction. A reservation that expired can still
   * be settled within the late-settle window, because the call it guarded was paid for.
   * Settling is idempotent: settling an id again within the late-settle window returns the
   * first result and charges nothing more. Throws `not_found` for an id released, forgotten
   * or never reserved.
   */
  settle(id: string, actual: Picodollars, record?: SettleRecord): Promise<SettledReservation>;
  /** Ends a reservation without charging; false when there was none (or it was settled). */
  release(id: string): Promise<boolean>;
  /** Everything charged to `scope` so far (settled and recorded spend). */
  spent(scope: string): Promise<Picodollars>;
  /** The sum of `scope`'s active (unexpired) reservations. */
  reserved(scope: string): Promise<Picodollars>;
  /** `limit - spent - reserved`, never below zero. */
  remaining(scope: string, limit: Picodollars): Promise<Picodollars>;
  /**
   * Appends a spend record and charges its cost to its scope (and to every scope of
   * `scopes`, when given): for spend that did not go through a reservation (a cache hit at
   * cost 0, a call made outside the budget guard).
   */
  record(record: SpendRecordInput): Promise<SpendRecord>;
  /** Spend records, oldest first. */
  records(query?: SpendRecordsQuery): Promise<SpendRecord[]>;
  /** Exact sums of cost and tokens per group, sorted by key. */
  totals(query: SpendTotalsQuery): Promise<SpendTotalsRow[]>;
  /** Releases the connection. Calling it twice is harmless. */
  close(): Promise<void>;
  /**
   * Calls `listener` after every successful `reserve` and first `settle` through this handle
   * with the balance of each scope it touched, as its transaction left them (a reservation's
   * own amount counted as reserved; a settled one's charge as spent), so a caller can tell
   * what is left without reading again. Optional: engines that cannot report balances for
   * free leave it out, and wrappers that do not pass it on too. Returns a function that
   * stops the calls. A listener that throws is ignored.
   *
   * @example
   * ```ts
   * const stop = ledger.observeBalances?.((balances) => {
   *   for (const { scope, spent, reserved } of balances) latest.set(scope, { spent, reserved });
   * });
   * ```
   */
  observeBalances?(listener: BalanceListener): () => void;
}

/** Options every ledger engine shares. */
export interface LedgerOptions {
  /**
   * How long after expiry a reservation can still be settled, and how long a settled one
   * remembers its result for a retried settle, in ms (default one day). After that it is
   * forgotten and `settle` throws `not_found`; record the spend with `record`.
   */
  lateSettleWindowMs?: number;
}
