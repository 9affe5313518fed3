import { describe, expect, it } from "vitest";
import {
  CLAUDE_TOKENS_PER_O200K_TOKEN,
  countCodePoints,
  estimateMethod,
  estimateTextTokens,
  GEMINI_CHARACTERS_PER_TOKEN,
} from "./estimated-tokenizers.js";
import { getTokenizer } from "./registry.js";

const o200k = getTokenizer("o200k_base");

describe("estimateTextTokens", () => {
  const prose = "The quick brown fox jumps over the lazy dog. ".repeat(10);

  it("scales the o200k_base count by the documented Claude factor, rounding up", () => {
    expect(CLAUDE_TOKENS_PER_O200K_TOKEN).toBe(1.2);
    expect(o200k.count(prose)).toBe(101);
    expect(estimateTextTokens(prose, "claude")).toBe(122);
    expect(estimateTextTokens("Hello, world", "claude")).toBe(Math.ceil(3 * 1.2));
  });

  it("divides Gemini characters (code points) by 4, with the o200k_base count as a floor", () => {
    expect(GEMINI_CHARACTERS_PER_TOKEN).toBe(4);
    expect(estimateTextTokens(prose, "gemini")).toBe(Math.ceil(prose.length / 4));
    // Four emoji are 4 code points (8 UTF-16 units) but 4+ o200k_base tokens.
    expect(estimateTextTokens("🤖🤖🤖🤖", "gemini")).toBe(Math.max(1, o200k.count("🤖🤖🤖🤖")));
  });

  it("returns 0 for empty text and describes each method", () => {
    expect(estimateTextTokens("", "claude")).toBe(0);
    expect(estimateMethod("claude")).toBe(
      "estimate: o200k_base × 1.2 (Claude's tokenizer is not public)",
    );
    expect(estimateMethod("gemini")).toBe(
      "estimate: max(characters ÷ 4, o200k_base) (Gemini's tokenizer is not public)",
    );
  });
});

describe("countCodePoints", () => {
  it("counts a surrogate pair once and a lone surrogate as one", () => {
    expect(countCodePoints("")).toBe(0);
    expect(countCodePoints("hello")).toBe(5);
    expect(countCodePoints("héllo wörld")).toBe(11);
    expect(countCodePoints("中文")).toBe(2);
    expect(countCodePoints("🤖")).toBe(1);
    expect(countCodePoints("a🤖b🤖")).toBe(4);
    expect(countCodePoints("\ud800")).toBe(1);
    expect(countCodePoints("\udc00\ud800")).toBe(2);
    expect(countCodePoints("a\ud800")).toBe(2);
    expect(countCodePoints("\ud800\ud800\udc00")).toBe(2);
    expect(countCodePoints("\ud83e\udd16\udd16")).toBe(2);
  });

  it("agrees with the string iterator on long mixed text", () => {
    const text = `${"x".repeat(70_000)}中🤖\ud800${"é".repeat(1000)}🤖\udc00`;
    expect(countCodePoints(text)).toBe([...text].length);
    expect(countCodePoints("x".repeat(70_000))).toBe(70_000);
  });
});
