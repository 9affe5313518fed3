import type { ModelInfo } from "../../core/catalog/index.js";
import { TokenwiseError } from "../../core/errors/index.js";
import type { ChatRequest } from "../../core/messages/index.js";
import { formatUsd, type Picodollars } from "../../core/money/index.js";
import { reservedInputTokens, worstCaseCost } from "../client/index.js";

export interface BudgetCheck {
  /** What the call is for, as people read it ("this message", "the summary"). */
  purpose: string;
  /** The request about to be sent. */
  request: ChatRequest;
  model: ModelInfo;
  budget: Picodollars | undefined;
  spent: Picodollars;
}

/**
 * Refuses a call whose worst case ({@link worstCaseCost}, the same policy as the client's) could
 * pass the budget: throws `budget_exceeded` saying what the call could cost, what is left, and
 * how to go on. Returns the worst case otherwise.
 *
 * @example
 * ```ts
 * assertWithinBudget({ purpose: "this message", request, model, budget: usd("0.50"), spent: 0n });
 * ```
 */
export function assertWithinBudget(check: BudgetCheck): Picodollars {
  const worst = worstCaseCost(check.request, check.model);
  if (check.budget === undefined) return worst.amount;
  const remaining = check.budget - check.spent;
  if (worst.amount <= remaining) return worst.amount;
  const left = remaining > 0n ? remaining : 0n;
  const inputTokens = reservedInputTokens(check.model, worst.inputTokens);
  throw new TokenwiseError(
    "budget_exceeded",
    `Budget exceeded: ${check.purpose} could cost up to ${formatUsd(worst.amount)} ` +
      `(${inputTokens} input + up to ${worst.outputTokens} output tokens on ${check.model.id}) ` +
      `but only ${formatUsd(left)} of the ${formatUsd(check.budget)} budget is left; ` +
      "nothing was sent. Raise the budget, lower maxOutputTokens, or start a shorter conversation.",
    {
      details: {
        worstCase: worst.amount,
        remaining: left,
        budget: check.budget,
        spent: check.spent,
        model: check.model.id,
        inputTokens,
        maxOutputTokens: worst.outputTokens,
      },
    },
  );
}
