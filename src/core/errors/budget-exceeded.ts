/**
 * The one shape of a `budget_exceeded` error's details, whoever throws it: a ledger refusing a
 * reservation, the client refusing a call (or stopping one whose lease was lost), the chat
 * refusing a message or a summary, the AI SDK middleware and the gateway (through the client).
 */
import { TokenwiseError } from "./tokenwise-error.js";

/** Why a call was refused or stopped. */
export type BudgetExceededReason =
  /** The call's worst case did not fit in what the budget had left: nothing was sent. */
  | "over_budget"
  /**
   * The call's reservation expired while it ran (a stall longer than its lease) and the budget
   * had no room to reserve its worst case again: the call was stopped midway.
   */
  | "lease_lost";

/**
 * The details of every `budget_exceeded` error. Amounts are exact picodollars (bigints, as
 * `tokenwise/money` counts them), and `remaining` is always `limit - spent - reserved`, never
 * below zero, so the numbers add up.
 *
 * The call pipeline may add what it learnt on the way (`usage` and `cost` of a call stopped
 * midway, `retry`, `attempts`), hence the index signature.
 *
 * @example
 * ```ts
 * const details = budgetExceededDetails(error);
 * if (details !== undefined) console.log(`${details.scope}: ${details.remaining} of ${details.limit} left`);
 * ```
 */
export type BudgetExceededDetails = {
  reason: BudgetExceededReason;
  /** The budget that refused: a ledger scope ("team-a", "key:k1", "chat:3f9c2a7b1d04"). */
  scope: string;
  /** The scope's hard limit. */
  limit: bigint;
  /** What the scope has been charged so far. */
  spent: bigint;
  /** What other running calls hold on the scope (their reservations; not this call's). */
  reserved: bigint;
  /** `limit - spent - reserved`, never below zero: the most a call could still reserve. */
  remaining: bigint;
  /** What the call needed to reserve: its worst-case cost (the amount asked of the ledger). */
  worstCase: bigint;
  /** The canonical model the worst case was priced on (absent when a ledger refused directly). */
  model?: string;
  /**
   * Input tokens of the call, counted locally with the model's tokenizer (an estimate for
   * Claude and Gemini models, whose worst case adds a 1.1 margin on top).
   */
  inputTokens?: number;
  /** The most output tokens the call could generate (its max_tokens × n, or the model's maximum). */
  maxOutputTokens?: number;
  /** Never worth retrying as it is: the budget must change first. */
  retryable: false;
  [key: string]: unknown;
};

const AMOUNTS = ["limit", "spent", "reserved", "remaining", "worstCase"] as const;
const COUNTS = ["inputTokens", "maxOutputTokens"] as const;

/**
 * The details of a `budget_exceeded` error, checked to have the {@link BudgetExceededDetails}
 * shape, or undefined for any other error (or one whose details do not have it, such as an
 * error made by hand or by an older copy of tokenwise).
 *
 * @example
 * ```ts
 * try { await client.chat(request); }
 * catch (error) {
 *   const details = budgetExceededDetails(error);
 *   if (details?.reason === "over_budget") console.log(`needs ${details.worstCase}, has ${details.remaining}`);
 * }
 * ```
 */
export function budgetExceededDetails(error: unknown): BudgetExceededDetails | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { code, details } = error as { code?: unknown; details?: unknown };
  if (code !== "budget_exceeded") return undefined;
  return isBudgetExceededDetails(details) ? details : undefined;
}

/** True when `value` has every field of {@link BudgetExceededDetails} with its type. */
export function isBudgetExceededDetails(value: unknown): value is BudgetExceededDetails {
  if (typeof value !== "object" || value === null) return false;
  const fields = value as Record<string, unknown>;
  if (fields.reason !== "over_budget" && fields.reason !== "lease_lost") return false;
  if (typeof fields.scope !== "string" || fields.retryable !== false) return false;
  if (AMOUNTS.some((name) => typeof fields[name] !== "bigint")) return false;
  if (fields.model !== undefined && typeof fields.model !== "string") return false;
  return COUNTS.every(
    (name) =>
      fields[name] === undefined ||
      (typeof fields[name] === "number" && Number.isSafeInteger(fields[name])),
  );
}

/**
 * Builds the details from what a ledger reports (limit, spent, reserved and the amount asked
 * for), computing `remaining` so that it always agrees with them.
 *
 * @example
 * ```ts
 * budgetExceededFacts({ reason: "over_budget", scope: "s", limit: 10n, spent: 4n, reserved: 5n, worstCase: 2n });
 * // { reason: "over_budget", scope: "s", limit: 10n, spent: 4n, reserved: 5n, remaining: 1n, worstCase: 2n, retryable: false }
 * ```
 */
export function budgetExceededFacts(facts: {
  reason: BudgetExceededReason;
  scope: string;
  limit: bigint;
  spent: bigint;
  reserved: bigint;
  worstCase: bigint;
  model?: string;
  inputTokens?: number;
  maxOutputTokens?: number;
}): BudgetExceededDetails {
  const left = facts.limit - facts.spent - facts.reserved;
  const details: BudgetExceededDetails = {
    reason: facts.reason,
    scope: facts.scope,
    limit: facts.limit,
    spent: facts.spent,
    reserved: facts.reserved,
    remaining: left > 0n ? left : 0n,
    worstCase: facts.worstCase,
    retryable: false,
  };
  if (facts.model !== undefined) details.model = facts.model;
  if (facts.inputTokens !== undefined) details.inputTokens = facts.inputTokens;
  if (facts.maxOutputTokens !== undefined) details.maxOutputTokens = facts.maxOutputTokens;
  return details;
}

/**
 * The details type of each error code that has a fixed one. {@link TokenwiseError}'s own
 * `details` stay a record of facts (an error made by hand, or by another copy of tokenwise,
 * may carry anything); a {@link TypedTokenwiseError} is one built with its code's shape.
 */
export interface TokenwiseErrorDetailsByCode {
  budget_exceeded: BudgetExceededDetails;
}

/** A tokenwise error whose details have the type its code prescribes. */
export type TypedTokenwiseError<C extends keyof TokenwiseErrorDetailsByCode> = TokenwiseError & {
  readonly code: C;
  readonly details: TokenwiseErrorDetailsByCode[C];
};

/**
 * A `budget_exceeded` error with the one details shape, checked at compile time: the way every
 * tokenwise budget refusal is built.
 *
 * @example
 * ```ts
 * throw budgetExceededError(`Budget exceeded for scope "team-a": ...`, budgetExceededFacts({ reason: "over_budget", scope: "team-a", limit, spent, reserved, worstCase }));
 * ```
 */
export function budgetExceededError(
  message: string,
  details: BudgetExceededDetails,
  options: { cause?: unknown } = {},
): TypedTokenwiseError<"budget_exceeded"> {
  const error = new TokenwiseError("budget_exceeded", message, { ...options, details });
  return error as TypedTokenwiseError<"budget_exceeded">;
}
