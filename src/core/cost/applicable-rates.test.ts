import { describe, expect, it } from "vitest";
import type { ModelInfo } from "../catalog/index.js";
import { usd } from "../money/index.js";
import { applicableRates, tierFor } from "./applicable-rates.js";
import { CLAUDE_SONNET_4, GEMINI_1_5_PRO, GPT_4O } from "./test-support/fixture-models.js";

describe("tierFor", () => {
  const tiered: ModelInfo = {
    ...GEMINI_1_5_PRO,
    tiers: [
      { aboveInputTokens: 500_000, input: "4", output: "16" },
      { aboveInputTokens: 128_000, input: "2.5", output: "10" },
    ],
  };

  it.each([
    [0, undefined],
    [128_000, undefined],
    [128_001, 128_000],
    [500_000, 128_000],
    [500_001, 500_000],
  ])("%i input tokens → tier above %s", (inputTokens, threshold) => {
    expect(tierFor(tiered, inputTokens)?.aboveInputTokens).toBe(threshold);
  });

  it("has no tier for a model without tiers", () => {
    expect(tierFor(GPT_4O, 10_000_000)).toBeUndefined();
  });
});

describe("applicableRates", () => {
  it("gives every kind of token its base price below the threshold", () => {
    expect(applicableRates(CLAUDE_SONNET_4, { inputTokens: 200_000, batch: false })).toEqual({
      rates: {
        input: usd("3"),
        cachedInput: usd("0.3"),
        cacheWrite: usd("3.75"),
        cacheWrite1h: usd("6"),
        output: usd("15"),
        reasoning: usd("15"),
        audioInput: usd("3"),
        audioOutput: usd("15"),
        imageOutput: usd("15"),
      },
    });
  });

  it("moves unlisted tier prices by the tier's factor", () => {
    const { rates, tier } = applicableRates(CLAUDE_SONNET_4, {
      inputTokens: 200_001,
      batch: false,
    });
    expect(tier?.aboveInputTokens).toBe(200_000);
    expect(rates).toEqual({
      input: usd("6"),
      cachedInput: usd("0.6"),
      cacheWrite: usd("7.5"),
      cacheWrite1h: usd("12"),
      output: usd("22.5"),
      reasoning: usd("22.5"),
      audioInput: usd("6"),
      audioOutput: usd("22.5"),
      imageOutput: usd("22.5"),
    });
  });

  it("uses the tier's plain input price for a free model's unlisted prices", () => {
    const freeUntilTier: ModelInfo = {
      ...GEMINI_1_5_PRO,
      prices: { input: "0", output: "0" },
      tiers: [{ aboveInputTokens: 10, input: "1", output: "2" }],
    };
    const { rates } = applicableRates(freeUntilTier, { inputTokens: 11, batch: false });
    expect(rates.cachedInput).toBe(usd("1"));
    expect(rates.reasoning).toBe(usd("2"));
  });

  it("names the model and field of a malformed price", () => {
    const broken: ModelInfo = { ...GPT_4O, prices: { ...GPT_4O.prices, cachedInput: "1,25" } };
    expect(() => applicableRates(broken, { inputTokens: 1, batch: false })).toThrow(
      /^gpt-4o prices\.cachedInput must be a decimal amount of dollars/,
    );
  });
});
