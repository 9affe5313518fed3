import { describe, expect, it } from "vitest";
import { TokenwiseError } from "../errors/index.js";
import { getTokenizer } from "./registry.js";
import { randomText, seededRandom } from "./test-support/random-text.js";
import type { EncodingName, Tokenizer } from "./tokenizer.js";
import { type TruncationStrategy, truncateText } from "./truncate-text.js";

const o200k = getTokenizer("o200k_base");
const cl100k = getTokenizer("cl100k_base");
const STRATEGIES: TruncationStrategy[] = ["head-tail", "head", "tail", "middle-out"];

/** Lone surrogates and U+FFFD in a string, as a multiset key. */
function brokenCharacters(text: string): string[] {
  return (
    text.match(/\ufffd|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g) ??
    []
  );
}

function expectWellFormedTruncation(input: {
  text: string;
  maxTokens: number;
  tokenizer: Tokenizer;
  strategy: TruncationStrategy;
  marker: string;
}): void {
  const { text, maxTokens, tokenizer, strategy, marker } = input;
  const label = `${strategy} ${maxTokens} ${JSON.stringify(text.slice(0, 60))}`;
  const result = truncateText(text, { maxTokens, tokenizer, strategy, marker });
  expect(result.totalTokens, label).toBeLessThanOrEqual(maxTokens);
  expect(result.totalTokens, label).toBe(tokenizer.count(result.text));
  expect(result.originalTokens, label).toBe(tokenizer.count(text));
  expect(result.keptTokens + result.droppedTokens, label).toBe(result.originalTokens);
  expect(brokenCharacters(result.text).length, label).toBeLessThanOrEqual(
    brokenCharacters(text).length + brokenCharacters(marker).length,
  );
  if (!result.truncated) {
    expect(result.text).toBe(text);
    return;
  }
  const markerAt =
    strategy === "tail" ? result.text.indexOf(marker) : result.text.lastIndexOf(marker);
  expect(markerAt, label).toBeGreaterThanOrEqual(0);
  const head = result.text.slice(0, markerAt);
  const tail = result.text.slice(markerAt + marker.length);
  expect(text.startsWith(head), label).toBe(true);
  expect(text.endsWith(tail), label).toBe(true);
  expect(head.length + tail.length, label).toBeLessThan(text.length);
  if (strategy === "head") {
    expect(tail).toBe("");
  }
  if (strategy === "tail") {
    expect(head).toBe("");
  }
}

describe("truncateText", () => {
  const article = Array.from(
    { length: 40 },
    (_, index) => `Paragraph ${index}: the quick brown fox jumps over the lazy dog.`,
  ).join("\n");

  it("returns the text unchanged when it fits", () => {
    const result = truncateText("tiktoken is great!", { maxTokens: 6, tokenizer: "cl100k_base" });
    expect(result).toEqual({
      text: "tiktoken is great!",
      truncated: false,
      originalTokens: 6,
      keptTokens: 6,
      droppedTokens: 0,
      totalTokens: 6,
    });
  });

  it("head-tail keeps 80% of the budget from the start and the rest from the end", () => {
    const result = truncateText(article, { maxTokens: 103, tokenizer: "o200k_base" });
    expect(result.truncated).toBe(true);
    expect(result.totalTokens).toBeLessThanOrEqual(103);
    const [head, tail] = result.text.split("\n…\n") as [string, string];
    expect(article.startsWith(head)).toBe(true);
    expect(article.endsWith(tail)).toBe(true);
    const headTokens = o200k.count(head);
    const tailTokens = o200k.count(tail);
    expect(headTokens).toBeGreaterThanOrEqual(75);
    expect(headTokens).toBeLessThanOrEqual(80);
    // A tail counted alone can take one more token than it held inside the text.
    // Budget: 103 - 2 marker tokens = 101, so 80 from the start and 21 from the end.
    expect(o200k.count("\n…\n")).toBe(2);
    expect(tailTokens).toBeGreaterThanOrEqual(16);
    expect(tailTokens).toBeLessThanOrEqual(22);
    expect(result.keptTokens).toBeGreaterThanOrEqual(96);
    expect(result.keptTokens).toBeLessThanOrEqual(101);
    expect(result.originalTokens).toBe(o200k.count(article));
    expect(result.droppedTokens).toBe(result.originalTokens - result.keptTokens);
  });

  it("middle-out keeps equal parts; head and tail keep one end with the marker at the other", () => {
    const middle = truncateText(article, {
      maxTokens: 61,
      tokenizer: "o200k_base",
      strategy: "middle-out",
      marker: " [...] ",
    });
    const [head, tail] = middle.text.split(" [...] ") as [string, string];
    expect(Math.abs(o200k.count(head) - o200k.count(tail))).toBeLessThanOrEqual(2);

    const headOnly = truncateText(article, {
      maxTokens: 30,
      tokenizer: "o200k_base",
      strategy: "head",
    });
    expect(headOnly.text.endsWith("\n…\n")).toBe(true);
    expect(article.startsWith(headOnly.text.slice(0, -3))).toBe(true);

    const tailOnly = truncateText(article, {
      maxTokens: 30,
      tokenizer: "o200k_base",
      strategy: "tail",
    });
    expect(tailOnly.text.startsWith("\n…\n")).toBe(true);
    expect(article.endsWith(tailOnly.text.slice(3))).toBe(true);
  });

  it("returns only the marker when the budget holds nothing else", () => {
    const markerTokens = o200k.count("\n…\n");
    const result = truncateText(article, { maxTokens: markerTokens, tokenizer: o200k });
    expect(result.text).toBe("\n…\n");
    expect(result.keptTokens).toBe(0);
    expect(result.totalTokens).toBe(markerTokens);
    expect(truncateText(article, { maxTokens: 0, tokenizer: o200k, marker: "" }).text).toBe("");
  });

  it("never splits an emoji or a CJK character at a cut", () => {
    const text = "🤖".repeat(30);
    for (let maxTokens = 3; maxTokens < 40; maxTokens++) {
      for (const strategy of STRATEGIES) {
        const result = truncateText(text, { maxTokens, tokenizer: cl100k, strategy, marker: "|" });
        expect(result.text).not.toMatch(/\ufffd/);
        expect(result.text.replaceAll("🤖", "")).toBe("|");
        expect(result.totalTokens).toBeLessThanOrEqual(maxTokens);
      }
    }
  });

  it("holds totalTokens <= maxTokens for every length and strategy (property loop)", () => {
    const random = seededRandom(20260724);
    const samples = [
      article,
      "お誕生日おめでとう".repeat(12),
      "e\u0301a\u0308\u0304".repeat(30),
      "👩‍👩‍👧🏳️‍🌈👍🏽".repeat(10),
      "  \n\n\t  ".repeat(20) + "word ".repeat(20),
      "<|endoftext|>".repeat(10),
      "a\ud800b\udc00c".repeat(10),
      ...Array.from({ length: 12 }, () => randomText(random, 60)),
    ];
    const tokenizers = [o200k, cl100k];
    for (const text of samples) {
      for (const tokenizer of tokenizers) {
        const total = tokenizer.count(text);
        for (let maxTokens = 4; maxTokens <= total + 1; maxTokens += 1 + Math.floor(total / 25)) {
          for (const strategy of STRATEGIES) {
            expectWellFormedTruncation({ text, maxTokens, tokenizer, strategy, marker: "\n…\n" });
          }
        }
      }
    }
  });

  it("keeps a lone surrogate from the input as it was, and never makes new ones", () => {
    const text = "abc\ud800def ".repeat(20);
    const result = truncateText(text, { maxTokens: 12, tokenizer: o200k, strategy: "head" });
    expect(text.startsWith(result.text.slice(0, -3))).toBe(true);
    expect(result.totalTokens).toBeLessThanOrEqual(12);
  });
});

describe("truncateText: bad input", () => {
  const text = "some text that is long enough to need truncation at three tokens";

  it("rejects a maxTokens below the marker's tokens", () => {
    expect(() =>
      truncateText(text, { maxTokens: 1, tokenizer: "o200k_base", marker: " [snip] " }),
    ).toThrow(
      /maxTokens is 1, less than the \d+ tokens of the marker " \[snip\] "; raise maxTokens or pass a shorter marker/,
    );
  });

  it("rejects a non-integer or negative maxTokens", () => {
    for (const maxTokens of [-1, 2.5, Number.NaN, "10"]) {
      expect(() =>
        truncateText(text, { maxTokens: maxTokens as number, tokenizer: "o200k_base" }),
      ).toThrow(/maxTokens must be a non-negative integer/);
    }
  });

  it("rejects a headRatio outside [0, 1], an unknown strategy and an unknown tokenizer", () => {
    for (const headRatio of [-0.1, 1.5, Number.NaN]) {
      expect(() =>
        truncateText(text, { maxTokens: 10, tokenizer: "o200k_base", headRatio }),
      ).toThrow(/headRatio must be a number from 0 to 1/);
    }
    expect(() =>
      truncateText(text, {
        maxTokens: 10,
        tokenizer: "o200k_base",
        strategy: "middle" as TruncationStrategy,
      }),
    ).toThrow(/strategy must be one of "head-tail", "head", "tail", "middle-out", got "middle"/);
    expect(() =>
      truncateText(text, { maxTokens: 10, tokenizer: "claude" as EncodingName }),
    ).toThrow(TokenwiseError);
  });
});
