/**
 * Estimates priced at the day of the call: claude-sonnet-5 costs $2/$10 per million tokens
 * until 2026-08-31 and $3/$15 from 2026-09-01, so an estimate for a call made before the
 * change must use the old prices, as `costFromUsage({ at })` prices it afterwards.
 */
import { describe, expect, it } from "vitest";
import { defaultCatalog } from "../catalog/index.js";
import { TokenwiseError } from "../errors/index.js";
import { usd } from "../money/index.js";
import { chooseModel } from "./choose-model.js";
import { compareCosts } from "./compare-costs.js";
import { costFromUsage } from "./cost-from-usage.js";
import { estimateCost } from "./estimate-cost.js";
import { pricesAt } from "./prices-at.js";
import { emptyUsage } from "./usage.js";

const INPUT = "Write a long story about the sea.";

describe("estimates at a date", () => {
  it("estimateCost prices at the prices in force at `at` (default now)", () => {
    const before = estimateCost({
      model: "claude-sonnet-5",
      input: INPUT,
      expectedOutputTokens: 1_000_000,
      at: "2026-08-31",
    });
    expect(before.outputCost).toBe(usd("10"));
    const after = estimateCost({
      model: "claude-sonnet-5",
      input: INPUT,
      expectedOutputTokens: 1_000_000,
      at: new Date("2026-09-01T00:00:00Z"),
    });
    expect(after.outputCost).toBe(usd("15"));
    const usage = { ...emptyUsage(), inputTokens: before.inputTokens, outputTokens: 1_000_000 };
    expect(before.totalCost).toBe(
      costFromUsage("claude-sonnet-5", usage, { at: "2026-08-31" }).total,
    );
    const now = estimateCost({ model: "claude-sonnet-5", input: INPUT, expectedOutputTokens: 1 });
    expect(now.totalCost).toBe(
      costFromUsage("claude-sonnet-5", { ...usage, outputTokens: 1 }).total,
    );
  });

  it("compareCosts prices every row at `at`", () => {
    const [row] = compareCosts({
      input: INPUT,
      expectedOutputTokens: 1_000_000,
      models: ["claude-sonnet-5"],
      at: "2026-08-15",
    });
    expect(row?.outputCost).toBe(usd("10"));
  });

  it("chooseModel applies maxCostPerCall at the prices of `at`", () => {
    const options = {
      models: ["claude-sonnet-5"],
      expectedOutputTokens: 100_000,
      maxCostPerCall: "1.20",
    };
    // 100,000 output tokens: $1.00 before the change, $1.50 after.
    expect(chooseModel({ ...options, at: "2026-08-31" }).choice.model).toBe("claude-sonnet-5");
    expect(() => chooseModel({ ...options, at: "2026-09-01" })).toThrow(/maxCostPerCall/);
  });

  it("refuses a bad date for every model, with a price history or not", () => {
    for (const model of ["gpt-4o-mini", "claude-sonnet-5"]) {
      const info = defaultCatalog.get(model);
      try {
        pricesAt(info, "the day after tomorrow");
        expect.unreachable();
      } catch (error) {
        expect(TokenwiseError.hasCode(error, "invalid_input"), model).toBe(true);
        expect((error as TokenwiseError).message).toMatch(/at must be a Date or an ISO date/);
      }
    }
    expect(() => estimateCost({ model: "gpt-4o-mini", input: INPUT, at: "soon" })).toThrow(
      /at must be a Date/,
    );
  });
});
