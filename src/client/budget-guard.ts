import { TokenwiseError } from "../errors/index.js";
import type { Ledger, SettleRecord } from "../ledger/index.js";
import { type Picodollars, toDecimalString, usd } from "../money/index.js";
import type { WorstCase } from "./worst-case-cost.js";

/** A call's claim on the budget: settle it with what the call cost, or release it. */
export interface Charge {
  /** Charges `cost` to the scope and appends the spend record, in one ledger operation. */
  settle(cost: Picodollars, record: SettleRecord): Promise<void>;
  /** Gives the reservation back without charging (the call failed before costing anything). */
  release(): Promise<void>;
}

export interface OpenChargeOptions {
  ledger: Ledger;
  scope: string;
  /** The hard limit; without one nothing is reserved and `settle` only records. */
  limit: Picodollars | undefined;
  worstCase: WorstCase;
  reservationTtlMs: number;
}

/**
 * Reserves the worst case of a call against the budget before anything is sent. When it does
 * not fit, throws `budget_exceeded` saying what was spent, reserved, the limit and this call's
 * worst case, and the call must not be made.
 *
 * @example
 * ```ts
 * const charge = await openCharge({ ledger, scope: "team-a", limit: usd("5"), worstCase, reservationTtlMs: 600_000 });
 * try {
 *   const result = await provider.chat(request);
 *   await charge.settle(costFromUsage(model, result.usage).total, { model: model.id, provider: "openai", usage: result.usage });
 * } catch (error) {
 *   await charge.release();
 *   throw error;
 * }
 * ```
 */
export async function openCharge(options: OpenChargeOptions): Promise<Charge> {
  const { ledger, scope, limit, worstCase } = options;
  if (limit === undefined) {
    return {
      settle: async (cost, record) => {
        await ledger.record({ ...record, scope, cost });
      },
      release: async () => {},
    };
  }
  let reservationId: string;
  try {
    const reservation = await ledger.reserve({
      scope,
      amount: worstCase.amount,
      ttlMs: options.reservationTtlMs,
      limit,
    });
    reservationId = reservation.id;
  } catch (error) {
    if (TokenwiseError.hasCode(error, "budget_exceeded")) throw callOverBudget(error, worstCase);
    throw error;
  }
  return {
    settle: async (cost, record) => {
      try {
        await ledger.settle(reservationId, cost, record);
      } catch (error) {
        // The reservation outlived the late-settle window, but the call was paid for: record it.
        if (!TokenwiseError.hasCode(error, "not_found")) throw error;
        await ledger.record({ ...record, scope, cost });
      }
    },
    release: async () => {
      await ledger.release(reservationId);
    },
  };
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

function callOverBudget(error: TokenwiseError, worstCase: WorstCase): TokenwiseError {
  const { scope, limit, spent, reserved } = error.details as {
    scope: string;
    limit: Picodollars;
    spent: Picodollars;
    reserved: Picodollars;
  };
  const available = limit - spent - reserved;
  const dollars = (amount: Picodollars) => `$${toDecimalString(amount > 0n ? amount : 0n)}`;
  const counted = worstCase.exact ? "counted" : "estimated";
  return new TokenwiseError(
    "budget_exceeded",
    `Budget exceeded for scope "${scope}": this call's worst case is ${dollars(worstCase.amount)} ` +
      `(${worstCase.inputTokens} input tokens ${counted} + up to ${worstCase.outputTokens} output tokens on ${worstCase.model}), ` +
      `but the limit ${dollars(limit)} minus spent ${dollars(spent)} and reserved ${dollars(reserved)} leaves ${dollars(available)}. ` +
      "Nothing was sent. Raise the limit, lower max_tokens, or wait for running calls to settle.",
    {
      cause: error,
      details: {
        ...error.details,
        retryable: false,
        worstCase: {
          model: worstCase.model,
          inputTokens: worstCase.inputTokens,
          outputTokens: worstCase.outputTokens,
          amount: worstCase.amount,
        },
      },
    },
  );
}
