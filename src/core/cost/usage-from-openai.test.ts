import { describe, expect, it } from "vitest";
import type { OpenAIChatUsage } from "./usage-from-openai.js";
import { usageFromOpenAI } from "./usage-from-openai.js";

describe("usageFromOpenAI", () => {
  it("keeps cached tokens inside prompt_tokens (Chat Completions)", () => {
    expect(
      usageFromOpenAI({
        prompt_tokens: 2006,
        completion_tokens: 300,
        total_tokens: 2306,
        prompt_tokens_details: { cached_tokens: 1920 },
        completion_tokens_details: { reasoning_tokens: 0 },
      }),
    ).toEqual({
      inputTokens: 2006,
      cachedInputTokens: 1920,
      cacheWriteTokens: 0,
      outputTokens: 300,
      reasoningTokens: 0,
    });
  });

  it("keeps reasoning tokens inside completion_tokens", () => {
    const usage = usageFromOpenAI({
      prompt_tokens: 50,
      completion_tokens: 5000,
      completion_tokens_details: { reasoning_tokens: 4000 },
    });
    expect(usage.outputTokens).toBe(5000);
    expect(usage.reasoningTokens).toBe(4000);
  });

  it("reads the Responses API shape", () => {
    expect(
      usageFromOpenAI({
        input_tokens: 328,
        input_tokens_details: { cached_tokens: 128 },
        output_tokens: 52,
        output_tokens_details: { reasoning_tokens: 20 },
        total_tokens: 380,
      }),
    ).toEqual({
      inputTokens: 328,
      cachedInputTokens: 128,
      cacheWriteTokens: 0,
      outputTokens: 52,
      reasoningTokens: 20,
    });
  });

  it("reads absent or null details as zero", () => {
    const usage = usageFromOpenAI({
      prompt_tokens: 10,
      completion_tokens: 2,
      prompt_tokens_details: null,
      completion_tokens_details: { reasoning_tokens: null },
    });
    expect(usage).toMatchObject({ cachedInputTokens: 0, reasoningTokens: 0 });
  });

  it("rejects cached tokens above prompt_tokens, naming the field", () => {
    expect(() =>
      usageFromOpenAI({
        prompt_tokens: 10,
        completion_tokens: 0,
        prompt_tokens_details: { cached_tokens: 11 },
      }),
    ).toThrow(
      "usage.prompt_tokens_details.cached_tokens (11) must not exceed usage.prompt_tokens (10), which includes it",
    );
  });

  it("rejects reasoning above output in the Responses shape", () => {
    expect(() =>
      usageFromOpenAI({
        input_tokens: 1,
        output_tokens: 3,
        output_tokens_details: { reasoning_tokens: 4 },
      }),
    ).toThrow(
      "usage.output_tokens_details.reasoning_tokens (4) must not exceed usage.output_tokens (3)",
    );
  });

  it.each([
    [
      { prompt_tokens: -1, completion_tokens: 0 },
      "usage.prompt_tokens must be a non-negative integer, got -1",
    ],
    [
      { prompt_tokens: 1, completion_tokens: 2.5 },
      "usage.completion_tokens must be a non-negative integer, got 2.5",
    ],
    [
      { prompt_tokens: 1, completion_tokens: "3" },
      'usage.completion_tokens must be a non-negative integer, got "3"',
    ],
    [{ prompt_tokens: 1 }, "usage.completion_tokens is missing"],
    [
      { prompt_tokens: 5n, completion_tokens: 1 },
      "usage.prompt_tokens must be a non-negative integer, got 5n",
    ],
    [
      { prompt_tokens: 1, completion_tokens: { n: 1 } },
      "usage.completion_tokens must be a non-negative integer, got an object",
    ],
    [
      { prompt_tokens: 1, completion_tokens: 1, prompt_tokens_details: 5 },
      "usage.prompt_tokens_details must be an object",
    ],
    [{ total_tokens: 5 }, "usage must have prompt_tokens and completion_tokens (Chat Completions)"],
  ])("rejects %o", (usage, message) => {
    expect(() => usageFromOpenAI(usage as unknown as OpenAIChatUsage)).toThrow(message);
  });

  it("rejects a missing usage object", () => {
    expect(() => usageFromOpenAI(null as unknown as OpenAIChatUsage)).toThrow(
      "usage must be the provider's usage object, got null",
    );
  });
});

describe("usageFromOpenAI: audio", () => {
  it("reads audio_tokens of audio models as subsets of input and output", () => {
    const usage = usageFromOpenAI({
      prompt_tokens: 500,
      completion_tokens: 300,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 450 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 280 },
    });
    expect(usage).toMatchObject({ audioInputTokens: 450, audioOutputTokens: 280 });
  });
});
