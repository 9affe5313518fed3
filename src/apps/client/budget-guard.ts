import type { Ledger, ScopeBudget, SettleRecord } from "../../adapters/ledger/index.js";
import {
  type BudgetExceededDetails,
  type BudgetExceededReason,
  budgetExceededError,
  budgetExceededFacts,
  TokenwiseError,
  type TypedTokenwiseError,
} from "../../core/errors/index.js";
import { type Picodollars, toDecimalString, usd } from "../../core/money/index.js";
import type { WorstCase } from "./worst-case-cost.js";

/** A call's claim on the budget: settle it with what the call cost, or release it. */
export interface Charge {
  /**
   * Charges `cost` to every scope and appends the spend record, in one ledger operation, and
   * stops renewing the lease.
   *
   * Without a `record` the scopes are charged and no spend record is appended: for a caller
   * whose spend is recorded elsewhere, such as a chat whose client records every call it makes.
   * Without a budget there is then nothing to do; and a reservation forgotten past the
   * ledger's late-settle window cannot be charged without a record, so that `not_found` is
   * thrown.
   */
  settle(cost: Picodollars, record?: SettleRecord): Promise<void>;
  /** Gives the reservation back without charging (the call failed before costing anything). */
  release(): Promise<void>;
  /**
   * Aborts, with a `budget_exceeded` error as its reason, when the lease was lost (the
   * reservation expired: the process stalled or the ledger was unreachable for longer than
   * its TTL) and the budget no longer has room to reserve the call's worst case again. The
   * call must then stop, and is settled for what it produced. Never aborts without a budget.
   */
  readonly signal: AbortSignal;
}

export interface OpenChargeOptions {
  ledger: Ledger;
  /** Where spend is recorded when there is no budget (with budgets: the first one's scope). */
  scope: string;
  /** The hard limit of `scope`; without it (and without `budgets`) nothing is reserved. */
  limit?: Picodollars | undefined;
  /**
   * Every budget to reserve on at once (a key and its team), instead of `scope` + `limit`.
   * Spend is charged to all of them and recorded under the first one's scope.
   */
  budgets?: ScopeBudget[];
  worstCase: WorstCase;
  /** The lease: how long the reservation holds budget without being renewed, in ms. */
  reservationTtlMs: number;
  /** How often the lease is renewed while the call runs (default a third of the TTL). */
  renewEveryMs?: number;
}

/**
 * Reserves the worst case of a call against its budget(s) before anything is sent. When it
 * does not fit, throws `budget_exceeded` saying which scope refused, what was spent, reserved,
 * the limit and this call's worst case, and the call must not be made.
 *
 * The reservation is a lease: while the call runs it is renewed every `renewEveryMs` (an
 * unref'd timer, so it never keeps the process alive), and only a call whose process died
 * lets it expire. If a renewal finds it expired anyway (a stall longer than the TTL), the
 * worst case is reserved again; if the budget has no room left for it, `signal` aborts so
 * the call stops and is charged for what it produced. Money is never silently overspent.
 *
 * @example
 * ```ts
 * const charge = await openCharge({ ledger, scope: "team-a", limit: usd("5"), worstCase, reservationTtlMs: 60_000 });
 * try {
 *   const result = await provider.chat(request, { signal: charge.signal });
 *   await charge.settle(costFromUsage(model, result.usage).total, { model: model.id, provider: "openai", usage: result.usage });
 * } catch (error) {
 *   await charge.release();
 *   throw error;
 * }
 * ```
 */
export async function openCharge(options: OpenChargeOptions): Promise<Charge> {
  const { ledger, worstCase, reservationTtlMs } = options;
  const budgets = budgetsOf(options);
  const lost = new AbortController();
  const scope = budgets[0]?.scope ?? options.scope;
  const scopes = budgets.map((budget) => budget.scope);
  if (budgets.length === 0) {
    return {
      settle: async (cost, record) => {
        if (record !== undefined) await ledger.record({ ...record, scope, cost });
      },
      release: async () => {},
      signal: lost.signal,
    };
  }
  const reserve = () =>
    ledger.reserve({ amount: worstCase.amount, ttlMs: reservationTtlMs, budgets });
  let reservationId: string;
  try {
    reservationId = (await reserve()).id;
  } catch (error) {
    if (TokenwiseError.hasCode(error, "budget_exceeded")) {
      throw callOverBudget(error, worstCase, scope);
    }
    throw error;
  }

  let ended = false;
  let renewing: Promise<void> = Promise.resolve();
  const keepLease = async () => {
    try {
      if ((await ledger.renew(reservationId, reservationTtlMs)) !== undefined || ended) return;
      const expiredId = reservationId;
      reservationId = (await reserve()).id;
      // The expired one holds nothing; dropping it leaves one reservation to settle.
      await ledger.release(expiredId);
    } catch (error) {
      if (TokenwiseError.hasCode(error, "budget_exceeded")) {
        stopRenewing();
        lost.abort(leaseLost(error, worstCase, scope));
      }
      // Anything else (the ledger briefly unreachable): the next renewal tries again.
    }
  };
  const renewEveryMs = options.renewEveryMs ?? Math.max(1, Math.floor(reservationTtlMs / 3));
  const timer = setInterval(() => {
    renewing = renewing.then(keepLease);
  }, renewEveryMs);
  timer.unref();
  const stopRenewing = () => clearInterval(timer);
  /** Stops renewing and waits for a renewal in flight, so the id is final. */
  const end = async () => {
    ended = true;
    stopRenewing();
    await renewing;
  };

  return {
    signal: lost.signal,
    settle: async (cost, record) => {
      await end();
      try {
        await ledger.settle(reservationId, cost, record);
      } catch (error) {
        // The reservation outlived the late-settle window, but the call was paid for: record it.
        if (!TokenwiseError.hasCode(error, "not_found") || record === undefined) throw error;
        await ledger.record({
          ...record,
          scope,
          ...(scopes.length > 1 ? { scopes } : {}),
          cost,
        });
      }
    },
    release: async () => {
      await end();
      await ledger.release(reservationId);
    },
  };
}

/**
 * {@link openCharge} for a call with an `admission` (a check that must pass before anything is
 * sent, run while the reservation is made): waits for it after reserving, and gives the
 * reservation back when it refuses. Its refusal wins over the budget's, as if it had run alone
 * before the call.
 *
 * @example
 * ```ts
 * const charge = await openAdmittedCharge({ ledger, scope, budgets, worstCase, reservationTtlMs }, options.admission);
 * ```
 */
export async function openAdmittedCharge(
  options: OpenChargeOptions,
  admission: Promise<void> | undefined,
): Promise<Charge> {
  let charge: Charge;
  try {
    charge = await openCharge(options);
  } catch (error) {
    await admission;
    throw error;
  }
  try {
    await admission;
  } catch (error) {
    await charge.release();
    throw error;
  }
  return charge;
}

function budgetsOf(options: OpenChargeOptions): ScopeBudget[] {
  if (options.budgets !== undefined && options.budgets.length > 0) return options.budgets;
  return options.limit === undefined ? [] : [{ scope: options.scope, limit: options.limit }];
}

function leaseLost(
  error: TokenwiseError,
  worstCase: WorstCase,
  scope: string,
): TypedTokenwiseError<"budget_exceeded"> {
  const details = refusalDetails(error, worstCase, scope, "lease_lost");
  return budgetExceededError(
    `The budget reservation for this call on ${worstCase.model} expired while it ran (the process ` +
      "stalled or the ledger was unreachable for longer than reservationTtlMs), and the budget " +
      `of scope "${details.scope}" no longer has room for its worst case. The call was stopped and is ` +
      "charged for what it produced. Raise reservationTtlMs, or keep the ledger reachable.",
    details,
    { cause: error },
  );
}

/**
 * Reads a budget limit: picodollars as a bigint, or decimal dollars as a string.
 *
 * @example
 * ```ts
 * parseLimit("2.50", "budget.limit"); // 2_500_000_000_000n
 * ```
 */
export function parseLimit(limit: unknown, field: string): Picodollars {
  const amount =
    typeof limit === "bigint"
      ? limit
      : typeof limit === "string" || typeof limit === "number"
        ? usd(limit, field)
        : undefined;
  if (amount === undefined || amount < 0n) {
    throw new TokenwiseError(
      "invalid_input",
      `${field} must be an amount of dollars, 0 or more: picodollars as a bigint (usd("5")) or a decimal string ("5.00"), got ${typeof limit === "bigint" ? `${limit}n` : String(limit)}`,
      { details: { field } },
    );
  }
  return amount;
}

function callOverBudget(
  error: TokenwiseError,
  worstCase: WorstCase,
  scope: string,
): TypedTokenwiseError<"budget_exceeded"> {
  const details = refusalDetails(error, worstCase, scope, "over_budget");
  const { limit, spent, reserved, remaining } = details;
  const dollars = (amount: Picodollars) => `$${toDecimalString(amount > 0n ? amount : 0n)}`;
  const counted = worstCase.exact ? "counted" : "estimated";
  return budgetExceededError(
    `Budget exceeded for scope "${details.scope}": this call's worst case is ${dollars(worstCase.amount)} ` +
      `(${worstCase.inputTokens} input tokens ${counted} + up to ${worstCase.outputTokens} output tokens on ${worstCase.model}), ` +
      `but the limit ${dollars(limit)} minus spent ${dollars(spent)} and reserved ${dollars(reserved)} leaves ${dollars(remaining)}. ` +
      "Nothing was sent. Raise the limit, lower max_tokens, or wait for running calls to settle.",
    details,
    { cause: error },
  );
}

/**
 * The {@link BudgetExceededDetails} of a call the ledger refused: the ledger's numbers (read
 * field by field, so a ledger of one's own that reports fewer still yields the whole shape)
 * and the call's worst case.
 */
function refusalDetails(
  error: TokenwiseError,
  worstCase: WorstCase,
  scope: string,
  reason: BudgetExceededReason,
): BudgetExceededDetails {
  const reported = error.details;
  const amount = (name: string) => {
    const value = reported[name];
    return typeof value === "bigint" ? value : 0n;
  };
  return budgetExceededFacts({
    reason,
    scope: typeof reported.scope === "string" ? reported.scope : scope,
    limit: amount("limit"),
    spent: amount("spent"),
    reserved: amount("reserved"),
    worstCase: worstCase.amount,
    model: worstCase.model,
    inputTokens: worstCase.inputTokens,
    maxOutputTokens: worstCase.outputTokens,
  });
}
