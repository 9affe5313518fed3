import { describe, expect, it } from "vitest";
import {
  type BudgetExceededDetails,
  budgetExceededDetails,
  budgetExceededError,
  budgetExceededFacts,
  isBudgetExceededDetails,
  TokenwiseError,
  type TypedTokenwiseError,
} from "./index.js";

const facts = {
  reason: "over_budget",
  scope: "team-a",
  limit: 1_000n,
  spent: 600n,
  reserved: 300n,
  worstCase: 200n,
} as const;

describe("budgetExceededFacts", () => {
  it("computes what is left from the ledger's numbers, never below zero", () => {
    expect(budgetExceededFacts(facts)).toEqual({ ...facts, remaining: 100n, retryable: false });
    expect(budgetExceededFacts({ ...facts, spent: 900n }).remaining).toBe(0n);
  });

  it("keeps the call's model and token counts when given", () => {
    const details = budgetExceededFacts({
      ...facts,
      model: "gpt-4o-mini",
      inputTokens: 12,
      maxOutputTokens: 1024,
    });
    expect(details).toMatchObject({ model: "gpt-4o-mini", inputTokens: 12, maxOutputTokens: 1024 });
  });
});

describe("budgetExceededDetails", () => {
  it("reads the details of a budget_exceeded error", () => {
    const details = budgetExceededFacts(facts);
    const error = budgetExceededError("Budget exceeded", details, { cause: "ledger" });
    expect(TokenwiseError.hasCode(error, "budget_exceeded")).toBe(true);
    expect(error.cause).toBe("ledger");
    expect(budgetExceededDetails(error)).toBe(details);
    // The typed builder gives the error its code's details type.
    const scope: string = error.details.scope;
    expect(scope).toBe("team-a");
  });

  it("is undefined for other errors and for budget errors without the shape", () => {
    const details = budgetExceededFacts(facts);
    expect(budgetExceededDetails(new TokenwiseError("aborted", "stopped", { details }))).toBe(
      undefined,
    );
    expect(budgetExceededDetails(new Error("budget_exceeded"))).toBe(undefined);
    expect(budgetExceededDetails(undefined)).toBe(undefined);
    expect(budgetExceededDetails("budget_exceeded")).toBe(undefined);
    const older = new TokenwiseError("budget_exceeded", "old shape", {
      details: { scope: "s", limit: 1n, spent: 1n, reserved: 0n, requested: 1n },
    });
    expect(budgetExceededDetails(older)).toBe(undefined);
    expect(budgetExceededDetails(new TokenwiseError("budget_exceeded", "none"))).toBe(undefined);
  });

  it("checks every field's type", () => {
    const good: BudgetExceededDetails = budgetExceededFacts({ ...facts, inputTokens: 3 });
    expect(isBudgetExceededDetails(good)).toBe(true);
    expect(isBudgetExceededDetails({ ...good, reason: "other" })).toBe(false);
    expect(isBudgetExceededDetails({ ...good, limit: 1000 })).toBe(false);
    expect(isBudgetExceededDetails({ ...good, remaining: undefined })).toBe(false);
    expect(isBudgetExceededDetails({ ...good, retryable: true })).toBe(false);
    expect(isBudgetExceededDetails({ ...good, model: 4 })).toBe(false);
    expect(isBudgetExceededDetails({ ...good, inputTokens: 1.5 })).toBe(false);
    expect(isBudgetExceededDetails({ ...good, usage: { inputTokens: 1 } })).toBe(true);
  });

  it("builds typed budget errors only from the whole shape", () => {
    // @ts-expect-error: details without every field of BudgetExceededDetails are refused.
    budgetExceededError("x", { scope: "a" });
    const typed: TypedTokenwiseError<"budget_exceeded"> = budgetExceededError(
      "x",
      budgetExceededFacts(facts),
    );
    // @ts-expect-error: a plain TokenwiseError promises no details shape.
    const claimed: TypedTokenwiseError<"budget_exceeded"> = new TokenwiseError(
      "budget_exceeded",
      "x",
    );
    expect([typed.code, claimed.code]).toEqual(["budget_exceeded", "budget_exceeded"]);
  });
});
