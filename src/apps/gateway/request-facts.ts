/**
 * The facts of a request that are only known when its spend record is written: how long it
 * took (to the caller's first byte and in all), whether the response cache answered, and how
 * it ended. The client writes a served request's record inside its settle, so the gateway hands
 * the client a ledger that adds these facts to each record of a request it is tracking, in the
 * same write as the charge.
 *
 * The same ledger notes the balances its engine reports with each reserve and settle (see
 * `Ledger.observeBalances`), so the budget-remaining header of a request can come from its own
 * reservation and settle instead of two more reads.
 */
import type {
  BalanceListener,
  JsonValue,
  Ledger,
  ScopeBudget,
  SettleRecord,
  SpendRecordInput,
} from "../../adapters/ledger/index.js";
import type { Picodollars } from "../../core/money/index.js";

export interface TrackedRequest {
  /** `performance.now()` when the request arrived. */
  started: number;
  /** `performance.now()` when the caller got its first byte (a stream's headers). */
  firstByteAt?: number;
  /** True when the caller turned the response cache off for this request. */
  bypass: boolean;
  /** Aborted when the caller went away. */
  signal?: AbortSignal;
}

export interface RequestFacts {
  /** Tracks `requestId` until the returned function is called. */
  track(requestId: string, request: TrackedRequest): () => void;
  /**
   * `ledger`, with the tracked requests' facts added to the records written through it, and
   * the balances it reports noted. Wrap each ledger once.
   */
  ledger(ledger: Ledger): Ledger;
  /** The moment to pass to {@link RequestFacts.remaining}: take it when a request arrives. */
  mark(): number;
  /**
   * The least budget left among `budgets` (limit - spent - reserved, never below 0), from the
   * balances the ledger reported after `since` for every one of them (the request's own
   * reservation or settle, or a later one), or undefined when one of them has none.
   */
  remaining(budgets: readonly ScopeBudget[], since: number): Picodollars | undefined;
}

/** How many scopes' balances are remembered before the memory starts over. */
const REMEMBERED_SCOPES = 10_000;

/**
 * The report fields (src/apps/report/record-fields.ts) of a request's record: `latencyMs`,
 * `firstByteMs`, `cacheStatus` and `outcome`.
 *
 * @example
 * ```ts
 * requestFactsOf({ started: 0, bypass: false, signal }, { cached: true }, 12.4);
 * // { latencyMs: 12, firstByteMs: 12, cacheStatus: "hit", outcome: "cache_hit" }
 * ```
 */
export function requestFactsOf(
  request: TrackedRequest,
  record: { cached?: boolean; metadata?: { [key: string]: JsonValue } },
  now: number,
): { [key: string]: JsonValue } {
  const latencyMs = Math.round(now - request.started);
  const firstByteMs =
    request.firstByteAt === undefined
      ? latencyMs
      : Math.round(request.firstByteAt - request.started);
  const cached = record.cached === true;
  const outcome =
    request.signal?.aborted === true
      ? "client_closed"
      : record.metadata?.partial === true
        ? "partial"
        : cached
          ? "cache_hit"
          : "served";
  return {
    latencyMs,
    firstByteMs,
    cacheStatus: cached ? "hit" : request.bypass ? "bypass" : "miss",
    outcome,
  };
}

/**
 * @example
 * ```ts
 * const facts = createRequestFacts();
 * const client = createClient({ ledger: facts.ledger(ledger), ... });
 * const untrack = facts.track(requestId, { started: performance.now(), bypass: false, signal });
 * try { await client.chat(request, { requestId }); } finally { untrack(); }
 * ```
 */
export function createRequestFacts(now: () => number = () => performance.now()): RequestFacts {
  const tracked = new Map<string, TrackedRequest>();
  let observations = 0;
  const balances = new Map<string, { spent: Picodollars; reserved: Picodollars; at: number }>();
  const observe: BalanceListener = (reported) => {
    observations += 1;
    if (balances.size >= REMEMBERED_SCOPES) balances.clear();
    for (const { scope, spent, reserved } of reported) {
      balances.set(scope, { spent, reserved, at: observations });
    }
  };
  const withFacts = <T extends SettleRecord | SpendRecordInput>(record: T): T => {
    const request = record.requestId === undefined ? undefined : tracked.get(record.requestId);
    if (request === undefined) return record;
    return {
      ...record,
      metadata: { ...record.metadata, ...requestFactsOf(request, record, now()) },
    };
  };
  return {
    track(requestId, request) {
      tracked.set(requestId, request);
      return () => {
        tracked.delete(requestId);
      };
    },
    mark: () => observations,
    remaining(budgets, since) {
      let least: Picodollars | undefined;
      for (const { scope, limit } of budgets) {
        const balance = balances.get(scope);
        if (balance === undefined || balance.at <= since) return undefined;
        const left = limit - balance.spent - balance.reserved;
        const clipped = left > 0n ? left : 0n;
        if (least === undefined || clipped < least) least = clipped;
      }
      return least;
    },
    ledger(ledger) {
      const stop = ledger.observeBalances?.(observe);
      return {
        reserve: (options) => ledger.reserve(options),
        renew: (id, ttlMs) => ledger.renew(id, ttlMs),
        settle: (id, actual, record) =>
          ledger.settle(id, actual, record === undefined ? undefined : withFacts(record)),
        release: (id) => ledger.release(id),
        spent: (scope) => ledger.spent(scope),
        reserved: (scope) => ledger.reserved(scope),
        remaining: (scope, limit) => ledger.remaining(scope, limit),
        record: (record) => ledger.record(withFacts(record)),
        records: (query) => ledger.records(query),
        totals: (query) => ledger.totals(query),
        close: async () => {
          stop?.();
          await ledger.close();
        },
      };
    },
  };
}
