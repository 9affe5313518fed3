import { describe, expect, it } from "vitest";
import { defaultCatalog } from "../../core/catalog/index.js";
import { costFromUsage, emptyUsage } from "../../core/cost/index.js";
import type { ChatRequest } from "../../core/messages/index.js";
import { usd } from "../../core/money/index.js";
import { worstCaseCost as chatWorstCaseCost } from "../chat/index.js";
import {
  ESTIMATED_INPUT_MARGIN,
  maxOutputTokensOf,
  reservedInputTokens,
  worstCaseCost,
} from "./worst-case-cost.js";

const request: ChatRequest = {
  model: "gpt-4o-mini",
  messages: [{ role: "user", content: "Hello there" }],
};
const mini = defaultCatalog.get("gpt-4o-mini");

describe("worstCaseCost", () => {
  it("prices the counted input plus max_tokens", () => {
    expect(worstCaseCost({ ...request, max_tokens: 100 }, mini)).toEqual({
      model: "gpt-4o-mini",
      inputTokens: 9,
      exact: true,
      outputTokens: 100,
      amount: usd("0.00006135"),
    });
  });

  it("prefers max_completion_tokens, multiplies by n, and falls back to the model's maximum", () => {
    expect(
      worstCaseCost({ ...request, max_tokens: 5, max_completion_tokens: 20, n: 3 }, mini)
        .outputTokens,
    ).toBe(60);
    expect(worstCaseCost(request, mini).outputTokens).toBe(16_384);
  });

  it("prices output at the reasoning price when that is higher", () => {
    const pricey = { ...mini, prices: { ...mini.prices, reasoning: "6" } };
    // 9 × $0.15/M + 100 × $6/M
    expect(worstCaseCost({ ...request, max_tokens: 100 }, pricey).amount).toBe(usd("0.00060135"));
  });

  it("marks Claude counts as estimates and prices them with the estimate margin", () => {
    const haiku = defaultCatalog.get("claude-haiku-4-5");
    const worst = worstCaseCost({ ...request, max_tokens: 100 }, haiku);
    expect(worst.exact).toBe(false);
    const reserved = reservedInputTokens(haiku, worst.inputTokens);
    expect(reserved).toBe(Math.ceil(worst.inputTokens * ESTIMATED_INPUT_MARGIN));
    expect(reserved).toBeGreaterThan(worst.inputTokens);
    const usage = { ...emptyUsage(), inputTokens: reserved, outputTokens: 100 };
    expect(worst.amount).toBe(costFromUsage(haiku, usage).total);
  });

  it("is the one function tokenwise/chat exports too", () => {
    expect(chatWorstCaseCost).toBe(worstCaseCost);
  });

  it("names a bad output limit", () => {
    expect(() => maxOutputTokensOf({ ...request, max_completion_tokens: 0 }, mini)).toThrow(
      "request.max_completion_tokens must be a whole number of tokens, 1 or more, got 0",
    );
    expect(() => worstCaseCost({ ...request, n: 0 }, mini)).toThrow(/request.n/);
  });
});
