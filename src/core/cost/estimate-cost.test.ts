import { describe, expect, it } from "vitest";
import type { ModelInfo } from "../catalog/index.js";
import type { ToolDefinition } from "../messages/index.js";
import { costOfTokens, usd } from "../money/index.js";
import { countChatTokens, countTextTokens } from "../tokens/index.js";
import { estimateCost } from "./estimate-cost.js";
import {
  CLAUDE_3_5_SONNET,
  fixtureCatalog,
  GEMINI_1_5_PRO,
  GPT_4O,
} from "./test-support/fixture-models.js";

const catalog = fixtureCatalog();
const BIRTHDAY = "お誕生日おめでとう"; // 8 tokens in o200k_base (OpenAI cookbook)

const WEATHER_TOOL: ToolDefinition = {
  type: "function",
  function: {
    name: "get_current_weather",
    description: "Get the current weather in a given location",
    parameters: {
      type: "object",
      properties: {
        location: { type: "string", description: "The city and state, e.g. San Francisco, CA" },
        unit: { type: "string", enum: ["celsius", "fahrenheit"] },
      },
      required: ["location"],
    },
  },
};

describe("estimateCost", () => {
  it("counts text with the model's tokenizer and prices 500 output tokens by default", () => {
    expect(estimateCost({ model: "gpt-4o", input: BIRTHDAY, catalog })).toEqual({
      model: "gpt-4o",
      inputTokens: 8,
      outputTokens: 500,
      exact: true,
      method: "o200k_base",
      inputCost: usd("0.00002"),
      outputCost: usd("0.005"),
      totalCost: usd("0.00502"),
      contextWindow: 128_000,
      contextUsed: 8 / 128_000,
      fits: true,
    });
  });

  it("resolves aliases to the canonical id", () => {
    const estimate = estimateCost({ model: "claude-3-5-sonnet", input: "hi", catalog });
    expect(estimate.model).toBe("claude-3-5-sonnet-20241022");
  });

  it("says when the count is an estimate", () => {
    const estimate = estimateCost({ model: CLAUDE_3_5_SONNET, input: "tiktoken is great!" });
    const expected = countTextTokens("tiktoken is great!", "claude");
    expect(estimate.exact).toBe(false);
    expect(estimate.method).toBe(expected.method);
    expect(estimate.method).toMatch(/^estimate/);
    expect(estimate.inputTokens).toBe(expected.tokens);
  });

  it("counts chat messages by the chat rules, with the model's image prices", () => {
    const messages = [
      { role: "system" as const, content: "You are terse." },
      {
        role: "user" as const,
        content: [
          { type: "text" as const, text: "What is in this picture?" },
          {
            type: "image_url" as const,
            image_url: { url: "https://example.com/a.png", detail: "low" as const },
          },
        ],
      },
    ];
    const estimate = estimateCost({ model: GPT_4O, input: messages, expectedOutputTokens: 0 });
    const expected = countChatTokens(messages, {
      tokenizer: "o200k_base",
      imageTokens: { base: 85, perTile: 170 },
    });
    expect(estimate.inputTokens).toBe(expected.tokens);
    expect(estimate.inputTokens).toBeGreaterThan(85);
    expect(estimate.inputCost).toBe(costOfTokens(expected.tokens, usd("2.5")));
    expect(estimate.totalCost).toBe(estimate.inputCost);
  });

  it("counts a prompt sent with tools as one user message plus the tools", () => {
    const estimate = estimateCost({
      model: GPT_4O,
      input: "Weather in Paris?",
      tools: [WEATHER_TOOL],
    });
    const expected = countChatTokens([{ role: "user", content: "Weather in Paris?" }], {
      tokenizer: "o200k_base",
      tools: [WEATHER_TOOL],
      model: "gpt-4o",
    });
    expect(estimate.inputTokens).toBe(expected.tokens);
    expect(estimate.inputTokens).toBeGreaterThan(
      countTextTokens("Weather in Paris?", "o200k_base").tokens + 20,
    );
  });

  it("applies the long-context tier cliff to the estimate", () => {
    const longText = "The quick brown fox jumps over the lazy dog. ".repeat(15_000);
    const count = countTextTokens(longText, "gemini");
    expect(count.tokens).toBeGreaterThan(128_000);
    const estimate = estimateCost({
      model: GEMINI_1_5_PRO,
      input: longText,
      expectedOutputTokens: 1000,
    });
    expect(estimate.inputCost).toBe(costOfTokens(count.tokens, usd("2.5")));
    expect(estimate.outputCost).toBe(usd("0.01")); // 1,000 × $10/M, the tier's output price

    const shortEstimate = estimateCost({
      model: GEMINI_1_5_PRO,
      input: "short",
      expectedOutputTokens: 1000,
    });
    expect(shortEstimate.outputCost).toBe(usd("0.005")); // 1,000 × $5/M
  });

  describe("fits", () => {
    const small: ModelInfo = { ...GPT_4O, id: "small", contextWindow: 508, maxOutputTokens: 600 };

    it("fits when input + output equal the context window exactly", () => {
      const estimate = estimateCost({ model: small, input: BIRTHDAY, expectedOutputTokens: 500 });
      expect(estimate.fits).toBe(true);
      expect(estimate.reasons).toBeUndefined();
    });

    it("does not fit one token over, and says by how much", () => {
      const estimate = estimateCost({ model: small, input: BIRTHDAY, expectedOutputTokens: 501 });
      expect(estimate.fits).toBe(false);
      expect(estimate.reasons).toEqual([
        "input 8 + expected output 501 = 509 tokens exceeds the context window of 508 by 1",
      ]);
    });

    it("does not fit when the output passes the model's maximum output", () => {
      const estimate = estimateCost({
        model: GPT_4O,
        input: BIRTHDAY,
        expectedOutputTokens: 20_000,
      });
      expect(estimate.fits).toBe(false);
      expect(estimate.reasons).toEqual([
        "expected output of 20,000 tokens exceeds the maximum output of 16,384",
      ]);
    });

    it("does not fit when the input passes the model's maximum input", () => {
      const capped: ModelInfo = { ...GPT_4O, maxInputTokens: 7 };
      const estimate = estimateCost({ model: capped, input: BIRTHDAY });
      expect(estimate.fits).toBe(false);
      expect(estimate.reasons).toEqual(["input of 8 tokens exceeds the maximum input of 7"]);
    });

    it("reports the context share of the input, past 1 when it overflows", () => {
      const tiny: ModelInfo = { ...GPT_4O, contextWindow: 4 };
      const estimate = estimateCost({ model: tiny, input: BIRTHDAY, expectedOutputTokens: 0 });
      expect(estimate.contextUsed).toBe(2);
      expect(estimate.fits).toBe(false);
    });
  });

  it.each([
    [
      { expectedOutputTokens: -1 },
      "expectedOutputTokens must be a non-negative integer number of tokens, got -1",
    ],
    [
      { expectedOutputTokens: 2.5 },
      "expectedOutputTokens must be a non-negative integer number of tokens, got 2.5",
    ],
    [{ input: 42 }, "input must be a prompt string or an array of chat messages, got 42"],
    [{ tools: "none" }, "tools must be an array of tool definitions"],
  ])("rejects %o", (override, message) => {
    const options = { model: GPT_4O, input: "hi", ...override } as Parameters<
      typeof estimateCost
    >[0];
    expect(() => estimateCost(options)).toThrow(message);
  });
});
