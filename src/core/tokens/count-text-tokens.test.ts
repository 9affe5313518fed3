import { describe, expect, it } from "vitest";
import { countTextTokens } from "./count-text-tokens.js";
import type { TokenizerName } from "./tokenizer.js";

describe("countTextTokens", () => {
  it("counts exactly with the four OpenAI encodings", () => {
    expect(countTextTokens("tiktoken is great!", "cl100k_base")).toEqual({
      tokens: 6,
      exact: true,
      method: "cl100k_base",
    });
    expect(countTextTokens("antidisestablishmentarianism", "cl100k_base").tokens).toBe(6);
    expect(countTextTokens("2 + 2 = 4", "cl100k_base").tokens).toBe(7);
    expect(countTextTokens("お誕生日おめでとう", "cl100k_base").tokens).toBe(9);
    expect(countTextTokens("お誕生日おめでとう", "o200k_base")).toEqual({
      tokens: 8,
      exact: true,
      method: "o200k_base",
    });
    expect(countTextTokens("antidisestablishmentarianism", "p50k_base").tokens).toBe(5);
    expect(countTextTokens("antidisestablishmentarianism", "r50k_base").tokens).toBe(5);
    expect(countTextTokens("", "o200k_base").tokens).toBe(0);
  });

  it("estimates Claude as o200k_base × 1.2 and never calls it exact", () => {
    expect(countTextTokens("Hello, world", "claude")).toEqual({
      tokens: 4,
      exact: false,
      method: "estimate: o200k_base × 1.2 (Claude's tokenizer is not public)",
    });
    expect(countTextTokens("tiktoken is great!", "claude").tokens).toBe(8);
  });

  it("estimates Gemini at 4 characters per token, never below the o200k_base count", () => {
    expect(countTextTokens("tiktoken is great!", "gemini")).toEqual({
      tokens: 6,
      exact: false,
      method: "estimate: max(characters ÷ 4, o200k_base) (Gemini's tokenizer is not public)",
    });
    expect(countTextTokens("a".repeat(400), "gemini").tokens).toBe(100);
    // 9 characters would be 3 tokens by the 4-character rule; o200k_base's 8 is the floor.
    expect(countTextTokens("お誕生日おめでとう", "gemini").tokens).toBe(8);
    expect(countTextTokens("🤖🤖🤖🤖", "gemini").tokens).toBeGreaterThanOrEqual(1);
    expect(countTextTokens("", "gemini").tokens).toBe(0);
  });

  it("rejects an unknown tokenizer or a non-string text", () => {
    expect(() => countTextTokens("x", "llama" as TokenizerName)).toThrow(
      'tokenizer must be one of "o200k_base", "cl100k_base", "p50k_base", "r50k_base", "claude", "gemini", got "llama"',
    );
    expect(() => countTextTokens(undefined as unknown as string, "o200k_base")).toThrow(
      "text must be a string, got undefined",
    );
  });
});
