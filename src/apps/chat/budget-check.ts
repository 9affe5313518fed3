import type { ModelInfo } from "../../core/catalog/index.js";
import { budgetExceededFacts } from "../../core/errors/index.js";
import type { ChatRequest } from "../../core/messages/index.js";
import type { Picodollars } from "../../core/money/index.js";
import { worstCaseCost } from "../client/index.js";
import { chatBudgetScope, chatOverBudget } from "./chat-budget.js";

export interface BudgetCheck {
  /** What the call is for, as people read it ("this message", "the summary"). */
  purpose: string;
  /** The request about to be sent. */
  request: ChatRequest;
  model: ModelInfo;
  budget: Picodollars | undefined;
  spent: Picodollars;
  /** Held by calls still running (default none). */
  reserved?: Picodollars;
  /** The session whose budget it is, for the error's `scope` (default "chat"). */
  sessionId?: string;
}

/**
 * Refuses a call whose worst case ({@link worstCaseCost}, the same policy as the client's) could
 * pass the budget: throws `budget_exceeded` saying what the call could cost, what is left, and
 * how to go on, with the one `BudgetExceededDetails` shape. Returns the worst case otherwise.
 *
 * This is the check alone, on numbers the caller has. A chat does not use it: it reserves every
 * call on its ledger scope (`chat:<sessionId>`), which refuses with the same message, and which
 * holds across concurrent calls and processes.
 *
 * @example
 * ```ts
 * assertWithinBudget({ purpose: "this message", request, model, budget: usd("0.50"), spent: 0n });
 * ```
 */
export function assertWithinBudget(check: BudgetCheck): Picodollars {
  const worst = worstCaseCost(check.request, check.model);
  if (check.budget === undefined) return worst.amount;
  const reserved = check.reserved ?? 0n;
  if (check.spent + reserved + worst.amount <= check.budget) return worst.amount;
  const details = budgetExceededFacts({
    reason: "over_budget",
    scope: check.sessionId === undefined ? "chat" : chatBudgetScope(check.sessionId),
    limit: check.budget,
    spent: check.spent,
    reserved,
    worstCase: worst.amount,
    model: check.model.id,
    inputTokens: worst.inputTokens,
    maxOutputTokens: worst.outputTokens,
  });
  throw chatOverBudget({ purpose: check.purpose, model: check.model, details });
}
