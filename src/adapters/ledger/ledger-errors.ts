import { TokenwiseError } from "../../core/errors/index.js";
import { type Picodollars, toDecimalString } from "../../core/money/index.js";

/** The facts a `budget_exceeded` error carries, in exact picodollars. */
export interface BudgetExceededDetails {
  scope: string;
  limit: Picodollars;
  spent: Picodollars;
  /** Other active reservations (not counting the one refused). */
  reserved: Picodollars;
  requested: Picodollars;
}

/**
 * The error `reserve` throws when `spent + reserved + requested` would pass `limit`. Its
 * message shows exact dollars; its `details` hold the bigint amounts to act on.
 *
 * @example
 * ```ts
 * throw budgetExceeded({ scope: "team-a", limit: usd("1"), spent: usd("0.99"), reserved: 0n, requested: usd("0.02") });
 * // Budget exceeded for scope "team-a": limit $1.00, spent $0.99, reserved $0.00, requested $0.02 ...
 * ```
 */
export function budgetExceeded(details: BudgetExceededDetails): TokenwiseError {
  const { scope, limit, spent, reserved, requested } = details;
  const available = limit - spent - reserved;
  return new TokenwiseError(
    "budget_exceeded",
    `Budget exceeded for scope "${scope}": limit $${toDecimalString(limit)}, spent $${toDecimalString(spent)}, ` +
      `reserved $${toDecimalString(reserved)}, requested $${toDecimalString(requested)} ` +
      `(available $${toDecimalString(available > 0n ? available : 0n)}). ` +
      "Raise the limit, wait for reservations to settle, or request less.",
    { details: { scope, limit, spent, reserved, requested } },
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
