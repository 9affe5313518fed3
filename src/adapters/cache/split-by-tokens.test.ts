import { describe, expect, it } from "vitest";
import { splitByTokens, truncateToTokens } from "./split-by-tokens.js";

const words = (text: string) => text.split(/\s+/).filter(Boolean).length;
const codeUnits = (text: string) => text.length;

describe("truncateToTokens", () => {
  it("keeps the longest start within the limit", () => {
    expect(truncateToTokens({ text: "a b c d", maxTokens: 2, countTokens: words })).toEqual({
      text: "a b ",
      tokens: 2,
    });
    expect(
      truncateToTokens({ text: "x".repeat(100), maxTokens: 37, countTokens: codeUnits }),
    ).toEqual({
      text: "x".repeat(37),
      tokens: 37,
    });
  });

  it("returns short text unchanged", () => {
    expect(truncateToTokens({ text: "short", maxTokens: 10, countTokens: codeUnits }).text).toBe(
      "short",
    );
  });

  it("never cuts a surrogate pair in half", () => {
    expect(truncateToTokens({ text: "ab😀c", maxTokens: 3, countTokens: codeUnits }).text).toBe(
      "ab",
    );
  });
});

describe("splitByTokens", () => {
  it("cuts into chunks within the limit that join back to the text", () => {
    const text = "The quick brown fox jumps over the lazy dog again and again";
    const chunks = splitByTokens({ text, maxTokens: 3, countTokens: words });
    expect(chunks.map((chunk) => chunk.tokens)).toEqual([3, 3, 3, 3]);
    expect(chunks.map((chunk) => chunk.text).join("")).toBe(text);
    expect(chunks[0]?.text).toBe("The quick brown ");
  });

  it("handles text far longer than the first guess", () => {
    const text = "y".repeat(10_000);
    const chunks = splitByTokens({ text, maxTokens: 3000, countTokens: codeUnits });
    expect(chunks.map((chunk) => chunk.tokens)).toEqual([3000, 3000, 3000, 1000]);
  });

  it("keeps surrogate pairs whole across chunk borders", () => {
    const chunks = splitByTokens({ text: "a😀b😀", maxTokens: 2, countTokens: codeUnits });
    expect(chunks.map((chunk) => chunk.text)).toEqual(["a", "😀", "b", "😀"]);
  });

  it("explains a limit too small for a single character, and a bad counter", () => {
    expect(() => splitByTokens({ text: "😀", maxTokens: 1, countTokens: codeUnits })).toThrow(
      /maxTokens \(1\) is too small: the single character "😀" at index 0/,
    );
    expect(() => splitByTokens({ text: "abc", maxTokens: 1, countTokens: () => 0.5 })).toThrow(
      /countTokens must return a non-negative integer, returned 0.5/,
    );
  });
});
