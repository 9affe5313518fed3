import { describe, expect, it } from "vitest";
import type { AnthropicUsage } from "./usage-from-anthropic.js";
import { usageFromAnthropic } from "./usage-from-anthropic.js";

describe("usageFromAnthropic", () => {
  it("adds cache reads and writes to input_tokens, which excludes them", () => {
    expect(
      usageFromAnthropic({
        input_tokens: 3,
        cache_creation_input_tokens: 12304,
        cache_read_input_tokens: 0,
        output_tokens: 550,
      }),
    ).toEqual({
      inputTokens: 12307,
      cachedInputTokens: 0,
      cacheWriteTokens: 12304,
      outputTokens: 550,
      reasoningTokens: 0,
    });
  });

  it("counts cache reads as cached input", () => {
    expect(
      usageFromAnthropic({ input_tokens: 20, cache_read_input_tokens: 1000, output_tokens: 7 }),
    ).toEqual({
      inputTokens: 1020,
      cachedInputTokens: 1000,
      cacheWriteTokens: 0,
      outputTokens: 7,
      reasoningTokens: 0,
    });
  });

  it("reads null cache fields as zero", () => {
    const usage = usageFromAnthropic({
      input_tokens: 5,
      output_tokens: 1,
      cache_creation_input_tokens: null,
      cache_read_input_tokens: null,
    });
    expect(usage.inputTokens).toBe(5);
  });

  it.each([
    [
      { input_tokens: 1, output_tokens: 1, cache_read_input_tokens: -3 },
      "usage.cache_read_input_tokens must be a non-negative integer, got -3",
    ],
    [
      { input_tokens: 0.5, output_tokens: 1 },
      "usage.input_tokens must be a non-negative integer, got 0.5",
    ],
    [{ input_tokens: 1 }, "usage.output_tokens is missing"],
  ])("rejects %o", (usage, message) => {
    expect(() => usageFromAnthropic(usage as AnthropicUsage)).toThrow(message);
  });
});
