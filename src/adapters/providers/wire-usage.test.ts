import { describe, expect, it } from "vitest";
import { TokenwiseError } from "../../core/errors/index.js";
import { usageFromAnthropicWire, usageFromGeminiWire, usageFromOpenAIWire } from "./wire-usage.js";

describe("usageFromOpenAIWire", () => {
  it("keeps cached and reasoning tokens as subsets", () => {
    expect(
      usageFromOpenAIWire(
        {
          prompt_tokens: 1200,
          completion_tokens: 300,
          total_tokens: 1500,
          prompt_tokens_details: { cached_tokens: 1024 },
          completion_tokens_details: { reasoning_tokens: 256 },
        },
        "openai",
      ),
    ).toEqual({
      inputTokens: 1200,
      cachedInputTokens: 1024,
      cacheWriteTokens: 0,
      outputTokens: 300,
      reasoningTokens: 256,
    });
  });

  it("returns undefined when there is no usage object", () => {
    expect(usageFromOpenAIWire(null, "openai")).toBeUndefined();
  });

  it("blames the provider, not the caller, for unreadable usage", () => {
    try {
      usageFromOpenAIWire({ prompt_tokens: -1, completion_tokens: 2 }, "vllm");
      expect.unreachable();
    } catch (error) {
      expect(TokenwiseError.hasCode(error, "provider_error")).toBe(true);
      expect((error as TokenwiseError).details).toMatchObject({
        provider: "vllm",
        retryable: false,
      });
    }
  });
});

describe("usageFromAnthropicWire", () => {
  it("adds cache reads and writes to input_tokens", () => {
    expect(
      usageFromAnthropicWire(
        {
          input_tokens: 12,
          cache_read_input_tokens: 1000,
          cache_creation_input_tokens: 500,
          output_tokens: 30,
        },
        "anthropic",
      ),
    ).toEqual({
      inputTokens: 1512,
      cachedInputTokens: 1000,
      cacheWriteTokens: 500,
      outputTokens: 30,
      reasoningTokens: 0,
    });
  });
});

describe("usageFromGeminiWire", () => {
  it("adds thoughts to candidates and keeps cached content inside the prompt", () => {
    expect(
      usageFromGeminiWire(
        {
          promptTokenCount: 2000,
          cachedContentTokenCount: 1500,
          candidatesTokenCount: 29,
          thoughtsTokenCount: 282,
          totalTokenCount: 2311,
        },
        "gemini",
      ),
    ).toEqual({
      inputTokens: 2000,
      cachedInputTokens: 1500,
      cacheWriteTokens: 0,
      outputTokens: 311,
      reasoningTokens: 282,
    });
  });
});
