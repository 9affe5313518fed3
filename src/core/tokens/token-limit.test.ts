import { describe, expect, it, vi } from "vitest";
import { getTokenizer } from "./registry.js";
import { isWithinTokenLimit } from "./token-limit.js";
import type { Tokenizer } from "./tokenizer.js";

function spyTokenizer(): Tokenizer & { calls: string[] } {
  const real = getTokenizer("o200k_base");
  const calls: string[] = [];
  return {
    calls,
    encoding: "o200k_base",
    encode: (text) => real.encode(text),
    decode: (tokens) => real.decode(tokens),
    count: (text) => real.count(text),
    countUpTo: vi.fn((text: string, limit: number) => {
      calls.push(text);
      return real.countUpTo(text, limit);
    }),
  };
}

describe("isWithinTokenLimit", () => {
  it("answers without tokenizing when the UTF-8 length proves the text fits", () => {
    const tokenizer = spyTokenizer();
    expect(isWithinTokenLimit("héllo wörld", { maxTokens: 13, tokenizer })).toBe(true);
    expect(isWithinTokenLimit("", { maxTokens: 0, tokenizer })).toBe(true);
    expect(tokenizer.calls).toEqual([]);
  });

  it("tokenizes, stopping early, when bytes alone cannot decide", () => {
    const tokenizer = spyTokenizer();
    const text = "tiktoken is great! ".repeat(100);
    expect(isWithinTokenLimit(text, { maxTokens: 10, tokenizer })).toBe(false);
    expect(isWithinTokenLimit(text, { maxTokens: 1000, tokenizer })).toBe(true);
    expect(tokenizer.calls.length).toBe(2);
    expect(
      isWithinTokenLimit("お誕生日おめでとう", { maxTokens: 8, tokenizer: "o200k_base" }),
    ).toBe(true);
    expect(
      isWithinTokenLimit("お誕生日おめでとう", { maxTokens: 8, tokenizer: "cl100k_base" }),
    ).toBe(false);
  });

  it("rejects a bad limit", () => {
    expect(() => isWithinTokenLimit("x", { maxTokens: -1, tokenizer: "o200k_base" })).toThrow(
      /maxTokens must be a non-negative number, got -1/,
    );
  });
});
