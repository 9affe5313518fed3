/**
 * A chat's budget as a ledger scope: every call the chat makes (turns and summaries) reserves
 * its worst case on `chat:<sessionId>` through the client's `openCharge` (the one reservation
 * -> settle mechanism, with its lease), and settles its exact cost there; a refusal is told in
 * the chat's words from the ledger's own numbers.
 */
import type { Ledger } from "../../adapters/ledger/index.js";
import type { ModelInfo } from "../../core/catalog/index.js";
import {
  budgetExceededDetails,
  budgetExceededError,
  budgetExceededFacts,
  invalidInput,
  TokenwiseError,
  type TypedTokenwiseError,
} from "../../core/errors/index.js";
import type { ChatRequest } from "../../core/messages/index.js";
import { formatUsd, type Picodollars, usd } from "../../core/money/index.js";
import {
  type Charge,
  openCharge,
  reservedInputTokens,
  type WorstCase,
  worstCaseCost,
} from "../client/index.js";

/** A running call's hold on the session budget. */
export interface SessionCharge {
  /**
   * Aborts when the call's lease was lost and the budget has no room to reserve it again
   * (never without a budget): pass it to the client so the call stops.
   */
  readonly signal: AbortSignal;
  /** The `budget_exceeded` error to throw once `signal` aborted, in the chat's words. */
  lostLease(): TokenwiseError;
  /** Charges what the call cost to the session's scope and ends the reservation. */
  settle(cost: Picodollars): Promise<void>;
  /** Ends the reservation without charging (the call cost nothing). */
  release(): Promise<void>;
}

/** What a call is, for the refusal message. */
export interface SessionCall {
  /** What the call is for, as people read it ("this message", "the summary of older turns"). */
  purpose: string;
  request: ChatRequest;
  model: ModelInfo;
}

/** Default lease of a call's reservation: a running call renews it every third of this. */
export const DEFAULT_CHAT_RESERVATION_TTL_MS = 60 * 1000;

/**
 * The ledger scope of a session's budget.
 *
 * @example
 * ```ts
 * chatBudgetScope("3f9c2a7b1d04"); // "chat:3f9c2a7b1d04"
 * ```
 */
export function chatBudgetScope(sessionId: string): string {
  return `chat:${sessionId}`;
}

/**
 * A session's budget on a ledger. The ledger scope holds what this ledger was charged; what
 * the session spent that it was not (spend persisted by a process whose ledger was another,
 * such as an in-memory one, or made while the chat had no budget) is `untracked`, and every
 * reservation is made against the budget less that, so the session as a whole never passes
 * its budget, whichever ledger it resumes on.
 */
export class SessionBudget {
  readonly scope: string;
  readonly #ledger: Ledger;
  readonly #reservationTtlMs: number;
  #limit: Picodollars | undefined;
  /** Spent by the session but never charged to the scope on this ledger. */
  #untracked: Picodollars;
  #remaining: Picodollars | undefined;

  private constructor(options: {
    ledger: Ledger;
    scope: string;
    limit: Picodollars | undefined;
    untracked: Picodollars;
    reservationTtlMs: number;
  }) {
    this.#ledger = options.ledger;
    this.scope = options.scope;
    this.#limit = options.limit;
    this.#untracked = options.untracked;
    this.#reservationTtlMs = options.reservationTtlMs;
  }

  /**
   * The budget of session `sessionId`, which has spent `spent` so far (its persisted spend):
   * what of that the ledger's scope does not hold is counted as untracked.
   *
   * @example
   * ```ts
   * const budget = await SessionBudget.open({ ledger, sessionId, limit: usd("0.50"), spent: 0n });
   * ```
   */
  static async open(options: {
    ledger: Ledger;
    sessionId: string;
    limit: Picodollars | undefined;
    spent: Picodollars;
    reservationTtlMs?: number;
  }): Promise<SessionBudget> {
    const reservationTtlMs = options.reservationTtlMs ?? DEFAULT_CHAT_RESERVATION_TTL_MS;
    if (!Number.isSafeInteger(reservationTtlMs) || reservationTtlMs < 1) {
      throw invalidInput(
        "reservationTtlMs",
        `must be a whole number of milliseconds above 0, got ${String(reservationTtlMs)}`,
      );
    }
    const scope = chatBudgetScope(options.sessionId);
    const charged = await options.ledger.spent(scope);
    const budget = new SessionBudget({
      ledger: options.ledger,
      scope,
      limit: options.limit,
      untracked: options.spent > charged ? options.spent - charged : 0n,
      reservationTtlMs,
    });
    await budget.refresh();
    return budget;
  }

  /** The session's budget, or undefined for none. */
  get limit(): Picodollars | undefined {
    return this.#limit;
  }

  /** What the budget had left after the last call or change; undefined without a budget. */
  remaining(): Picodollars | undefined {
    return this.#remaining;
  }

  /** A new limit (undefined removes it). */
  async setLimit(limit: Picodollars | undefined): Promise<void> {
    this.#limit = limit;
    await this.refresh();
  }

  /** Reads what the budget has left from the ledger. */
  async refresh(): Promise<void> {
    const limit = this.#ledgerLimit();
    this.#remaining =
      limit === undefined ? undefined : await this.#ledger.remaining(this.scope, limit);
  }

  /**
   * Reserves the call's worst case ({@link worstCaseCost}) on the session's scope, or throws
   * `budget_exceeded` saying what the call could cost and what is left, before anything is
   * sent. Without a budget nothing is reserved, and what the call costs is counted as
   * untracked.
   */
  async reserve(call: SessionCall): Promise<SessionCharge> {
    const worstCase = worstCaseCost(call.request, call.model);
    const limit = this.#ledgerLimit();
    if (limit === undefined) return this.#unbudgeted();
    let charge: Charge;
    try {
      charge = await openCharge({
        ledger: this.#ledger,
        scope: this.scope,
        limit,
        worstCase,
        reservationTtlMs: this.#reservationTtlMs,
      });
    } catch (error) {
      if (TokenwiseError.hasCode(error, "budget_exceeded")) {
        const refusal = this.#refusal(call, worstCase, error);
        // The ledger just said what is left: keep stats() as fresh.
        this.#remaining = refusal.details.remaining;
        throw refusal;
      }
      throw error;
    }
    return {
      signal: charge.signal,
      lostLease: () => this.#leaseLost(call, worstCase, charge.signal.reason),
      settle: async (cost) => {
        try {
          // No spend record: the client records its calls; the scope is charged.
          await charge.settle(cost);
        } catch (error) {
          // The session spent it all the same; its next reservations must leave room for it.
          this.#untracked += cost;
          throw error;
        }
        // What is left is for display; a ledger that just charged and now fails to answer
        // must not fail a turn that was paid for.
        await this.refresh().catch(() => {});
      },
      release: async () => {
        try {
          await charge.release();
        } catch {
          // The reservation frees itself when its lease runs out; the call's error matters more.
        }
        await this.refresh().catch(() => {});
      },
    };
  }

  /** The limit reserved against on the ledger: the budget less the untracked spend. */
  #ledgerLimit(): Picodollars | undefined {
    if (this.#limit === undefined) return undefined;
    const left = this.#limit - this.#untracked;
    return left > 0n ? left : 0n;
  }

  #unbudgeted(): SessionCharge {
    const signal = new AbortController().signal;
    return {
      signal,
      // Never asked for: without a budget nothing is reserved, so no lease can be lost.
      lostLease: () => new TokenwiseError("aborted", "The call was aborted."),
      settle: async (cost) => {
        this.#untracked += cost;
      },
      release: async () => {},
    };
  }

  /** The ledger's refusal as the session sees it: its whole budget and all it spent. */
  #facts(call: SessionCall, worstCase: WorstCase, refused: unknown) {
    const ledger = budgetExceededDetails(refused);
    return budgetExceededFacts({
      reason: ledger?.reason ?? "over_budget",
      scope: this.scope,
      limit: this.#limit ?? 0n,
      spent: (ledger?.spent ?? 0n) + this.#untracked,
      reserved: ledger?.reserved ?? 0n,
      worstCase: worstCase.amount,
      model: call.model.id,
      inputTokens: worstCase.inputTokens,
      maxOutputTokens: worstCase.outputTokens,
    });
  }

  #refusal(
    call: SessionCall,
    worstCase: WorstCase,
    refused: TokenwiseError,
  ): TypedTokenwiseError<"budget_exceeded"> {
    const details = this.#facts(call, worstCase, refused);
    return chatOverBudget({ purpose: call.purpose, model: call.model, details, cause: refused });
  }

  #leaseLost(
    call: SessionCall,
    worstCase: WorstCase,
    lost: unknown,
  ): TypedTokenwiseError<"budget_exceeded"> {
    const details = { ...this.#facts(call, worstCase, lost), reason: "lease_lost" as const };
    return budgetExceededError(
      `Budget exceeded: the reservation for ${call.purpose} on ${call.model.id} expired while ` +
        "it ran (the process stalled or the ledger was unreachable for longer than " +
        `reservationTtlMs), and only ${formatUsd(details.remaining)} of the ` +
        `${formatUsd(details.limit)} budget is left, less than its worst case of ` +
        `${formatUsd(details.worstCase)}. The reply was stopped and what it produced is ` +
        "counted. Raise reservationTtlMs, or keep the ledger reachable.",
      details,
      { cause: lost },
    );
  }
}

/**
 * The chat's refusal of a call whose worst case does not fit: what the call could cost (its
 * tokens and model), what is left of the budget, and how to go on.
 *
 * @example
 * ```ts
 * throw chatOverBudget({ purpose: "this message", model, details });
 * // Budget exceeded: this message could cost up to $0.000616 (12 input + up to 1024 output tokens on gpt-4o-mini) but only ...
 * ```
 */
export function chatOverBudget(options: {
  purpose: string;
  model: ModelInfo;
  details: ReturnType<typeof budgetExceededFacts>;
  cause?: unknown;
}): TypedTokenwiseError<"budget_exceeded"> {
  const { purpose, model, details } = options;
  const inputTokens = reservedInputTokens(model, details.inputTokens ?? 0);
  const held =
    details.reserved > 0n ? ` (${formatUsd(details.reserved)} more is held by calls running)` : "";
  return budgetExceededError(
    `Budget exceeded: ${purpose} could cost up to ${formatUsd(details.worstCase)} ` +
      `(${inputTokens} input + up to ${details.maxOutputTokens ?? 0} output tokens on ${model.id}) ` +
      `but only ${formatUsd(details.remaining)} of the ${formatUsd(details.limit)} budget is left${held}; ` +
      "nothing was sent. Raise the budget, lower maxOutputTokens, or start a shorter conversation.",
    details,
    options.cause === undefined ? {} : { cause: options.cause },
  );
}

/**
 * A budget as `createChat` takes it: picodollars as a bigint, or dollars as a string or number.
 *
 * @example
 * ```ts
 * readBudget("0.50"); // 500_000_000_000n
 * ```
 */
export function readBudget(budget: Picodollars | string | number): Picodollars {
  const amount = typeof budget === "bigint" ? budget : usd(budget, "budget");
  if (amount < 0n) {
    throw invalidInput("budget", `must not be negative, got ${String(budget)}`);
  }
  return amount;
}
