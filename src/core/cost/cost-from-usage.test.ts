import { describe, expect, it } from "vitest";
import type { ModelInfo } from "../catalog/index.js";
import { defaultCatalog } from "../catalog/index.js";
import { costOfTokens, formatUsd, usd } from "../money/index.js";
import { costFromUsage } from "./cost-from-usage.js";
import {
  CLAUDE_3_5_SONNET,
  CLAUDE_SONNET_4,
  fixtureCatalog,
  GEMINI_1_5_PRO,
  GPT_4O,
  GPT_4O_MINI,
  O1,
} from "./test-support/fixture-models.js";
import { emptyUsage, type Usage } from "./usage.js";
import { usageFromAnthropic } from "./usage-from-anthropic.js";
import { usageFromOpenAI } from "./usage-from-openai.js";

const catalog = fixtureCatalog();
const usage = (fields: Partial<Usage>): Usage => ({ ...emptyUsage(), ...fields });

describe("costFromUsage: the reference vectors", () => {
  it("gpt-4o: prompt 2006 with 1920 cached, completion 300 → $0.005615", () => {
    const cost = costFromUsage(
      "gpt-4o",
      usageFromOpenAI({
        prompt_tokens: 2006,
        completion_tokens: 300,
        prompt_tokens_details: { cached_tokens: 1920 },
      }),
      { catalog },
    );
    expect(cost).toEqual({
      model: "gpt-4o",
      input: usd("0.000215"),
      cachedInput: usd("0.0024"),
      cacheWrite: 0n,
      output: usd("0.003"),
      reasoning: 0n,
      total: usd("0.005615"),
      batch: false,
    });
    expect(formatUsd(cost.total)).toBe("$0.005615");
  });

  it("claude-3-7-sonnet: input 3 + cache_creation 12304 + output 550 → $0.054399", () => {
    const cost = costFromUsage(
      "claude-3-7-sonnet",
      usageFromAnthropic({
        input_tokens: 3,
        cache_creation_input_tokens: 12304,
        output_tokens: 550,
      }),
      { catalog },
    );
    expect(cost.model).toBe("claude-3-7-sonnet-20250219");
    expect(cost.input).toBe(usd("0.000009"));
    expect(cost.cacheWrite).toBe(usd("0.04614"));
    expect(cost.output).toBe(usd("0.00825"));
    expect(cost.total).toBe(usd("0.054399"));
  });

  it("gemini-1.5-pro: 200K input, 10K output → $0.60 at the tier above 128K", () => {
    const cost = costFromUsage(
      GEMINI_1_5_PRO,
      usage({ inputTokens: 200_000, outputTokens: 10_000 }),
    );
    expect(cost.input).toBe(usd("0.50"));
    expect(cost.output).toBe(usd("0.10"));
    expect(cost.total).toBe(usd("0.60"));
    expect(cost.tier).toEqual({ aboveInputTokens: 128_000, input: "2.5", output: "10" });
  });

  it("o1: completion 5000 including 4000 reasoning → output exactly $0.30, reasoning not added twice", () => {
    const cost = costFromUsage(
      O1,
      usageFromOpenAI({
        prompt_tokens: 0,
        completion_tokens: 5000,
        completion_tokens_details: { reasoning_tokens: 4000 },
      }),
    );
    expect(cost.output).toBe(usd("0.30"));
    expect(cost.reasoning).toBe(usd("0.24"));
    expect(cost.total).toBe(usd("0.30"));
  });
});

describe("costFromUsage: long-context tier cliffs", () => {
  it("exactly at the threshold pays base prices for every token", () => {
    const cost = costFromUsage(GEMINI_1_5_PRO, usage({ inputTokens: 128_000, outputTokens: 1000 }));
    expect(cost.tier).toBeUndefined();
    expect(cost.input).toBe(usd("0.16")); // 128,000 × $1.25/M
    expect(cost.output).toBe(usd("0.005")); // 1,000 × $5/M
  });

  it("one token above the threshold pays tier prices for every token, output included", () => {
    const cost = costFromUsage(GEMINI_1_5_PRO, usage({ inputTokens: 128_001, outputTokens: 1000 }));
    expect(cost.tier?.aboveInputTokens).toBe(128_000);
    expect(cost.input).toBe(usd("0.3200025")); // 128,001 × $2.50/M
    expect(cost.output).toBe(usd("0.01")); // 1,000 × $10/M
  });

  it("uses the highest tier the input passes", () => {
    const twoTiers: ModelInfo = {
      ...GEMINI_1_5_PRO,
      tiers: [
        { aboveInputTokens: 500_000, input: "4", output: "16" },
        { aboveInputTokens: 128_000, input: "2.5", output: "10" },
      ],
    };
    expect(costFromUsage(twoTiers, usage({ inputTokens: 300_000 })).input).toBe(usd("0.75"));
    expect(costFromUsage(twoTiers, usage({ inputTokens: 500_001 })).input).toBe(usd("2.000004"));
  });

  it("counts cached and cache-write tokens toward the threshold and prices them at tier prices", () => {
    const cost = costFromUsage(
      CLAUDE_SONNET_4,
      usage({
        inputTokens: 250_000,
        cachedInputTokens: 200_000,
        cacheWriteTokens: 40_000,
        outputTokens: 100,
      }),
    );
    expect(cost.tier?.aboveInputTokens).toBe(200_000);
    expect(cost.input).toBe(usd("0.06")); // 10,000 × $6/M
    expect(cost.cachedInput).toBe(usd("0.12")); // 200,000 × $0.60/M
    expect(cost.cacheWrite).toBe(usd("0.30")); // 40,000 × $7.50/M
    expect(cost.output).toBe(usd("0.00225")); // 100 × $22.50/M
  });

  it("scales a price the tier does not list by the tier's input factor", () => {
    // The tier names no cached price: base $0.30/M doubles with input ($3 → $6).
    const noTierCachedPrice: ModelInfo = {
      ...CLAUDE_SONNET_4,
      tiers: [{ aboveInputTokens: 200_000, input: "6", output: "22.5" }],
    };
    const cost = costFromUsage(
      noTierCachedPrice,
      usage({ inputTokens: 300_000, cachedInputTokens: 100_000 }),
    );
    expect(cost.cachedInput).toBe(usd("0.06"));
  });
});

describe("costFromUsage: batch", () => {
  it("uses the batch prices", () => {
    const cost = costFromUsage(GPT_4O, usage({ inputTokens: 1_000_000, outputTokens: 1_000_000 }), {
      batch: true,
    });
    expect(cost.input).toBe(usd("1.25"));
    expect(cost.output).toBe(usd("5"));
    expect(cost.batch).toBe(true);
  });

  it("discounts cached input by the same factor as input", () => {
    const cost = costFromUsage(
      GPT_4O_MINI,
      usage({ inputTokens: 2_000_000, cachedInputTokens: 1_000_000 }),
      { batch: true },
    );
    expect(cost.input).toBe(usd("0.075"));
    expect(cost.cachedInput).toBe(usd("0.0375"));
  });

  it("applies the batch discount on top of a tier", () => {
    const batchedWithTier: ModelInfo = {
      ...GEMINI_1_5_PRO,
      prices: { ...GEMINI_1_5_PRO.prices, batchInput: "0.625", batchOutput: "2.5" },
    };
    const cost = costFromUsage(
      batchedWithTier,
      usage({ inputTokens: 200_000, outputTokens: 10_000 }),
      {
        batch: true,
      },
    );
    expect(cost.total).toBe(usd("0.30"));
  });

  it("throws when the model has no batch price", () => {
    expect(() => costFromUsage(O1, usage({ inputTokens: 10 }), { batch: true })).toThrow(
      /batch cannot be priced: o1 has no batch price in the catalog/,
    );
  });
});

describe("costFromUsage: cache-write TTLs", () => {
  const writes = usage({ inputTokens: 1_000_000, cacheWriteTokens: 1_000_000 });

  it("prices 5-minute writes by default", () => {
    expect(costFromUsage(CLAUDE_3_5_SONNET, writes).cacheWrite).toBe(usd("3.75"));
    expect(costFromUsage(CLAUDE_3_5_SONNET, writes, { cacheWriteTtl: "5m" }).cacheWrite).toBe(
      usd("3.75"),
    );
  });

  it("prices 1-hour writes at the 1-hour price", () => {
    const cost = costFromUsage(CLAUDE_3_5_SONNET, writes, { cacheWriteTtl: "1h" });
    expect(cost.cacheWrite).toBe(usd("6"));
    expect(cost.total).toBe(usd("6"));
  });

  it("prices 1-hour writes past a tier at the tier's 1-hour price, or scaled when it lists none", () => {
    const longWrites = usage({ inputTokens: 300_000, cacheWriteTokens: 300_000 });
    expect(costFromUsage(CLAUDE_SONNET_4, longWrites, { cacheWriteTtl: "1h" }).cacheWrite).toBe(
      usd("3.6"), // 300,000 × $12/M: the base $6/M doubled with input
    );
    const withTierPrice: ModelInfo = {
      ...CLAUDE_SONNET_4,
      tiers: [{ aboveInputTokens: 200_000, input: "6", output: "22.5", cacheWrite1h: "11" }],
    };
    expect(costFromUsage(withTierPrice, longWrites, { cacheWriteTtl: "1h" }).cacheWrite).toBe(
      usd("3.3"),
    );
  });

  it("falls back to the input price for cache writes without a cache-write price", () => {
    const shortWrites = usage({ inputTokens: 100_000, cacheWriteTokens: 100_000 });
    expect(costFromUsage(GEMINI_1_5_PRO, shortWrites).cacheWrite).toBe(usd("0.125"));
  });

  it("throws for 1-hour writes on a model with no 1-hour price, only when there are writes", () => {
    expect(() => costFromUsage(GPT_4O, writes, { cacheWriteTtl: "1h" })).toThrow(
      /cacheWriteTtl "1h" cannot be priced: gpt-4o has no 1-hour cache-write price/,
    );
    expect(costFromUsage(GPT_4O, usage({ inputTokens: 10 }), { cacheWriteTtl: "1h" }).total).toBe(
      usd("0.000025"),
    );
  });

  it("rejects an unknown TTL", () => {
    expect(() => costFromUsage(GPT_4O, writes, { cacheWriteTtl: "24h" as "1h" })).toThrow(
      'cacheWriteTtl must be "5m" or "1h", got "24h"',
    );
  });
});

describe("costFromUsage: reasoning", () => {
  it("prices reasoning apart when the model sets a reasoning price, inside output", () => {
    const pricedApart: ModelInfo = { ...O1, prices: { ...O1.prices, reasoning: "30" } };
    const cost = costFromUsage(pricedApart, usage({ outputTokens: 5000, reasoningTokens: 4000 }));
    expect(cost.reasoning).toBe(usd("0.12")); // 4,000 × $30/M
    expect(cost.output).toBe(usd("0.18")); // 1,000 × $60/M + the reasoning
    expect(cost.total).toBe(usd("0.18"));
  });

  it("total is input + cached + cache writes + output, never plus reasoning", () => {
    const cost = costFromUsage(
      O1,
      usage({ inputTokens: 1000, cachedInputTokens: 500, outputTokens: 100, reasoningTokens: 90 }),
    );
    expect(cost.total).toBe(cost.input + cost.cachedInput + cost.cacheWrite + cost.output);
    expect(cost.total).toBe(usd("0.01725")); // 500 × $15/M + 500 × $7.5/M + 100 × $60/M
  });
});

describe("costFromUsage: bad input", () => {
  it("rejects usage whose subsets exceed the totals", () => {
    expect(() => costFromUsage(GPT_4O, usage({ inputTokens: 10, cachedInputTokens: 11 }))).toThrow(
      /usage\.cachedInputTokens \+ usage\.cacheWriteTokens \(11\) must not exceed/,
    );
  });

  it("passes on the catalog's unknown_model error", () => {
    expect(() => costFromUsage("gpt-4o-mnii", emptyUsage(), { catalog })).toThrow(
      expect.objectContaining({ code: "unknown_model" }),
    );
  });

  it("rejects a model that is neither a name nor a ModelInfo", () => {
    expect(() => costFromUsage(42 as unknown as string, emptyUsage())).toThrow(
      'model must be a model name such as "gpt-4o" or a ModelInfo from the catalog, got 42',
    );
  });

  it("rejects an object that is not a ModelInfo", () => {
    expect(() => costFromUsage({ id: "x" } as unknown as string, emptyUsage())).toThrow(
      'model must be a model name such as "gpt-4o" or a ModelInfo from the catalog, got an object without id or prices',
    );
  });

  it("rejects a non-boolean batch option", () => {
    expect(() =>
      costFromUsage(GPT_4O, emptyUsage(), { batch: "yes" as unknown as boolean }),
    ).toThrow('batch must be true or false, got "yes"');
    expect(() => costFromUsage(GPT_4O, emptyUsage(), { batch: 1n as unknown as boolean })).toThrow(
      "batch must be true or false, got 1n",
    );
  });
});

describe("costFromUsage: cache-write lifetimes, audio and price periods", () => {
  const opus45 = defaultCatalog.get("claude-opus-4-5");

  it("prices each cache-write lifetime at its own rate", () => {
    // The documented Anthropic usage of a 1-hour write: cache_creation splits the writes.
    const usage = usageFromAnthropic({
      input_tokens: 10,
      cache_creation_input_tokens: 10_000,
      cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 10_000 },
      output_tokens: 100,
    });
    const cost = costFromUsage(opus45, usage);
    // 10,000 × the 1-hour rate (2 × input), not the 5-minute one (1.25 × input).
    expect(cost.cacheWrite).toBe(costOfTokens(10_000, usd(opus45.prices.cacheWrite1h ?? "0")));
    const mixed = costFromUsage(opus45, { ...usage, cacheWrite1hTokens: 4_000 });
    expect(mixed.cacheWrite).toBe(
      costOfTokens(4_000, usd(opus45.prices.cacheWrite1h ?? "0")) +
        costOfTokens(6_000, usd(opus45.prices.cacheWrite ?? "0")),
    );
  });

  it("prices audio tokens at the model's audio rates", () => {
    const model: ModelInfo = {
      ...opus45,
      id: "audio-model",
      priceHistory: undefined,
      tiers: undefined,
      prices: { input: "1", output: "4", audioInput: "3", audioOutput: "12" },
    };
    const cost = costFromUsage(model, {
      ...emptyUsage(),
      inputTokens: 1_000_000,
      audioInputTokens: 400_000,
      outputTokens: 1_000_000,
      audioOutputTokens: 500_000,
    });
    expect(formatUsd(cost.input)).toBe("$1.800000"); // 600K × $1 + 400K × $3
    expect(formatUsd(cost.output)).toBe("$8.000000"); // 500K × $4 + 500K × $12
    expect(formatUsd(cost.audio ?? 0n)).toBe("$7.200000");
  });

  it("uses the price period in force when the call was made", () => {
    const model: ModelInfo = {
      ...opus45,
      id: "dated-model",
      tiers: undefined,
      priceHistory: [{ prices: { input: "2", output: "10" } }],
      prices: { input: "3", output: "15", from: "2026-09-01" },
    };
    const usage = { ...emptyUsage(), inputTokens: 1_000_000, outputTokens: 1_000_000 };
    expect(formatUsd(costFromUsage(model, usage, { at: "2026-08-31" }).total)).toBe("$12.000000");
    expect(formatUsd(costFromUsage(model, usage, { at: "2026-09-01T00:00:00Z" }).total)).toBe(
      "$18.000000",
    );
    expect(formatUsd(costFromUsage(model, usage, { at: new Date("2026-12-03") }).total)).toBe(
      "$18.000000",
    );
  });
});
