import {
  type BudgetExceededDetails,
  budgetExceededError,
  budgetExceededFacts,
  TokenwiseError,
  type TypedTokenwiseError,
} from "../../core/errors/index.js";
import { type Picodollars, toDecimalString } from "../../core/money/index.js";

export type { BudgetExceededDetails } from "../../core/errors/index.js";

/** What a ledger knows when it refuses a reservation, in exact picodollars. */
export interface LedgerRefusal {
  scope: string;
  limit: Picodollars;
  spent: Picodollars;
  /** Other active reservations (not counting the one refused). */
  reserved: Picodollars;
  /** The amount the refused reservation asked for. */
  requested: Picodollars;
}

/**
 * The error `reserve` throws when `spent + reserved + requested` would pass `limit`. Its
 * message shows exact dollars; its `details` are the one {@link BudgetExceededDetails} shape
 * (`worstCase` is the amount requested, `reason` is "over_budget").
 *
 * @example
 * ```ts
 * throw budgetExceeded({ scope: "team-a", limit: usd("1"), spent: usd("0.99"), reserved: 0n, requested: usd("0.02") });
 * // Budget exceeded for scope "team-a": limit $1.00, spent $0.99, reserved $0.00, requested $0.02 ...
 * ```
 */
export function budgetExceeded(refusal: LedgerRefusal): TypedTokenwiseError<"budget_exceeded"> {
  const { scope, limit, spent, reserved, requested } = refusal;
  const details: BudgetExceededDetails = budgetExceededFacts({
    reason: "over_budget",
    scope,
    limit,
    spent,
    reserved,
    worstCase: requested,
  });
  return budgetExceededError(
    `Budget exceeded for scope "${scope}": limit $${toDecimalString(limit)}, spent $${toDecimalString(spent)}, ` +
      `reserved $${toDecimalString(reserved)}, requested $${toDecimalString(requested)} ` +
      `(available $${toDecimalString(details.remaining)}). ` +
      "Raise the limit, wait for reservations to settle, or request less.",
    details,
  );
}

/**
 * The error `settle` throws for an id it does not know.
 *
 * @example
 * ```ts
 * throw reservationNotFound(id);
 * ```
 */
export function reservationNotFound(id: string): TokenwiseError {
  return new TokenwiseError(
    "not_found",
    `Reservation ${id} is not open: it was already settled or released, or expired beyond the ` +
      "late-settle window. Nothing was charged; record the spend with ledger.record() if the call happened.",
    { details: { id } },
  );
}
