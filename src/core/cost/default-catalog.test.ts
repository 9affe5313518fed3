/**
 * The cost functions against the shipped catalog and tokenizers, as users call them: by
 * model name, with no catalog option.
 */
import { describe, expect, it } from "vitest";
import { defaultCatalog } from "../catalog/index.js";
import { formatUsd, usd } from "../money/index.js";
import { TUTORIAL_POLICY } from "./choice-policy.js";
import { chooseModel } from "./choose-model.js";
import { compareCosts } from "./compare-costs.js";
import { costFromUsage } from "./cost-from-usage.js";
import { estimateCost } from "./estimate-cost.js";
import { emptyUsage } from "./usage.js";
import { usageFromAnthropic } from "./usage-from-anthropic.js";
import { usageFromGemini } from "./usage-from-gemini.js";
import { usageFromOpenAI } from "./usage-from-openai.js";

describe("the reference cost vectors on the default catalog", () => {
  it("gpt-4o → $0.005615", () => {
    const usage = usageFromOpenAI({
      prompt_tokens: 2006,
      completion_tokens: 300,
      prompt_tokens_details: { cached_tokens: 1920 },
    });
    expect(costFromUsage("gpt-4o", usage).total).toBe(usd("0.005615"));
  });

  it("claude-3-7-sonnet → $0.054399", () => {
    const usage = usageFromAnthropic({
      input_tokens: 3,
      cache_creation_input_tokens: 12304,
      output_tokens: 550,
    });
    expect(costFromUsage("claude-3-7-sonnet", usage).total).toBe(usd("0.054399"));
  });

  it("gemini-1.5-pro 200K in, 10K out → $0.60", () => {
    const usage = { ...emptyUsage(), inputTokens: 200_000, outputTokens: 10_000 };
    expect(costFromUsage("gemini-1.5-pro", usage).total).toBe(usd("0.60"));
  });

  it("o1 5000 completion incl. 4000 reasoning → output $0.30", () => {
    const usage = usageFromOpenAI({
      prompt_tokens: 0,
      completion_tokens: 5000,
      completion_tokens_details: { reasoning_tokens: 4000 },
    });
    expect(costFromUsage("o1", usage).output).toBe(usd("0.30"));
  });
});

describe("estimates on the default catalog", () => {
  it("rejects gpt-5 input past its 272,000-token input cap though the window is 400,000", () => {
    const estimate = estimateCost({
      model: "gpt-5",
      input: `hello${" hello".repeat(279_999)}`,
      expectedOutputTokens: 0,
    });
    expect(estimate.inputTokens).toBe(280_000);
    expect(estimate.fits).toBe(false);
    expect(estimate.reasons).toEqual([
      "input of 280,000 tokens exceeds the maximum input of 272,000",
    ]);
  });

  it("compares the tutorial's three models like its example", () => {
    const rows = compareCosts({
      input: "Explain quantum computing in detail with examples...",
      models: ["gpt-4o", "gpt-4o-mini", "claude-3-5-sonnet"],
    });
    expect(rows.map((row) => [row.model, row.cheapestThatFits])).toEqual([
      ["gpt-4o-mini", true],
      ["gpt-4o", false],
      ["claude-3-5-sonnet-20241022", false],
    ]);
  });

  it("compares every current chat model by default and leaves out deprecated ones", () => {
    const rows = compareCosts({ input: "Hello" });
    const current = defaultCatalog
      .list({ includeDeprecated: true })
      .filter((model) => model.mode === "chat" && model.deprecationDate === undefined);
    expect(rows).toHaveLength(current.length);
    expect(rows.map((row) => row.model)).not.toContain("gemini-1.5-pro");
    expect(rows.filter((row) => row.cheapestThatFits)).toHaveLength(1);
  });

  it("passes on the catalog's suggestions for a misspelled model", () => {
    expect(() => compareCosts({ input: "Hello", models: ["gpt-4o-mnii"] })).toThrow(
      /Did you mean gpt-4o-mini/,
    );
  });

  it("passes on the catalog's explanation for the never-released claude-3-5-opus", () => {
    expect(() => estimateCost({ model: "claude-3-5-opus", input: "Hello" })).toThrow(
      /never released/,
    );
  });
});

describe("chooseModel on the default catalog", () => {
  it("resolves every model the tutorial policy names", () => {
    const entries = [
      ...Object.values(TUTORIAL_POLICY.tasks),
      ...Object.values(TUTORIAL_POLICY.priorities),
    ];
    const names = entries.flatMap((entry) => [entry.model, ...(entry.alternatives ?? [])]);
    for (const name of names) expect(defaultCatalog.find(name), name).toBeDefined();
  });

  it.each([
    ["simple_qa", "gpt-4o-mini"],
    ["complex_reasoning", "o1"],
    ["coding", "claude-sonnet-5"],
    ["long_document", "gemini-2.5-pro"],
    ["real_time_chat", "gpt-4o"],
    ["vision_analysis", "gpt-4o"],
    ["math_problems", "o4-mini"],
    ["creative_writing", "claude-opus-5"],
  ])("task %s → %s", (task, model) => {
    expect(chooseModel({ task }).choice.model).toBe(model);
  });

  it.each([
    ["cheapest", "gemini-2.5-flash-lite"],
    ["fastest", "gpt-4o-mini"],
    ["smartest", "o1"],
    ["balanced", "gpt-4o"],
  ] as const)("priority %s → %s", (priority, model) => {
    expect(chooseModel({ priority }).choice.model).toBe(model);
  });

  it("says why a long document goes to a 1M-token model", () => {
    const { choice, rejected } = chooseModel({ task: "long_document", inputTokens: 300_000 });
    expect(choice.model).toBe("gemini-2.5-pro");
    expect(choice.reasons).toContain("context 1,048,576 holds 300,500 tokens");
    expect(rejected.map((entry) => entry.model)).toContain("gpt-4o");
  });
});

describe("costFromUsage with the shipped catalog: issue 13 cases", () => {
  const million = { ...emptyUsage(), inputTokens: 1_000_000, outputTokens: 1_000_000 };

  it("charges claude-sonnet-5 $3/$15 since 2026-09-01 and $2/$10 before", () => {
    expect(formatUsd(costFromUsage("claude-sonnet-5", million, { at: "2026-12-03" }).total)).toBe(
      "$18.000000",
    );
    expect(formatUsd(costFromUsage("claude-sonnet-5", million, { at: "2026-08-31" }).total)).toBe(
      "$12.000000",
    );
  });

  it("prices --batch on gpt-5 and claude-haiku-4-5 at half", () => {
    expect(formatUsd(costFromUsage("gpt-5", million, { batch: true }).total)).toBe("$5.625000");
    expect(formatUsd(costFromUsage("claude-haiku-4-5", million, { batch: true }).total)).toBe(
      "$3.000000",
    );
  });

  it("prices Gemini audio input at its audio rate", () => {
    const usage = usageFromGemini({
      promptTokenCount: 10_000,
      candidatesTokenCount: 200,
      promptTokensDetails: [
        { modality: "TEXT", tokenCount: 100 },
        { modality: "AUDIO", tokenCount: 9_900 },
      ],
    });
    // 100 × $0.30/M + 9,900 × $1.00/M + 200 × $2.50/M; as text only it was $0.0035.
    expect(formatUsd(costFromUsage("gemini-2.5-flash", usage).total)).toBe("$0.010430");
  });

  it("prices Gemini image output tokens at the image rate", () => {
    const usage = usageFromGemini({
      promptTokenCount: 100,
      candidatesTokenCount: 1_300,
      candidatesTokensDetails: [
        { modality: "TEXT", tokenCount: 10 },
        { modality: "IMAGE", tokenCount: 1_290 },
      ],
    });
    expect(usage.imageOutputTokens).toBe(1_290);
    // 100 × $2 + 10 × $12 + 1,290 × $120, per million (as text only: $0.0158).
    expect(formatUsd(costFromUsage("gemini-3-pro-image", usage).total)).toBe("$0.155120");
  });

  it("prices a 1-hour Anthropic cache write at the 1-hour rate", () => {
    const usage = usageFromAnthropic({
      input_tokens: 100,
      cache_creation_input_tokens: 50_000,
      cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 50_000 },
      output_tokens: 500,
    });
    // 100 × $3 + 50,000 × $6 (not $3.75) + 500 × $15, per million.
    expect(formatUsd(costFromUsage("claude-sonnet-4-5", usage).total)).toBe("$0.307800");
  });
});
