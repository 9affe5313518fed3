import { describe, expect, it } from "vitest";
import { type ChunkByTokensOptions, chunkByTokens, type TextChunk } from "./chunk-by-tokens.js";
import { getTokenizer } from "./registry.js";
import { randomText, seededRandom } from "./test-support/random-text.js";
import type { EncodingName } from "./tokenizer.js";

const o200k = getTokenizer("o200k_base");
const cl100k = getTokenizer("cl100k_base");

/** Checks every promise chunkByTokens makes, for any input. */
function expectValidChunks(text: string, options: ChunkByTokensOptions): TextChunk[] {
  const chunks = chunkByTokens(text, options);
  const tokenizer =
    typeof options.tokenizer === "string" ? getTokenizer(options.tokenizer) : options.tokenizer;
  const label = `${options.chunkTokens}/${options.overlapTokens ?? 0} ${JSON.stringify(text.slice(0, 40))}`;
  if (text === "") {
    expect(chunks).toEqual([]);
    return chunks;
  }
  expect(chunks[0]?.startChar, label).toBe(0);
  expect(chunks.at(-1)?.endChar, label).toBe(text.length);
  chunks.forEach((chunk, index) => {
    expect(chunk.index).toBe(index);
    expect(chunk.text, label).toBe(text.slice(chunk.startChar, chunk.endChar));
    expect(chunk.tokens, label).toBe(tokenizer.count(chunk.text));
    expect(chunk.tokens, label).toBeLessThanOrEqual(options.chunkTokens);
    expect(chunk.text.length, label).toBeGreaterThan(0);
    expect(chunk.text, label).not.toMatch(/^[\udc00-\udfff]|[\ud800-\udbff]$/);
    const next = chunks[index + 1];
    if (next) {
      // Contiguous or overlapping: no character is left out, and chunks always advance.
      expect(next.startChar, label).toBeLessThanOrEqual(chunk.endChar);
      expect(next.startChar, label).toBeGreaterThan(chunk.startChar);
    }
  });
  return chunks;
}

const manual = Array.from({ length: 30 }, (_, paragraph) =>
  Array.from(
    { length: 4 },
    (_, sentence) => `Sentence ${sentence} of paragraph ${paragraph} explains one small thing.`,
  ).join(" "),
).join("\n\n");

describe("chunkByTokens", () => {
  it("returns no chunks for empty text and one chunk for short text", () => {
    expect(chunkByTokens("", { tokenizer: "o200k_base", chunkTokens: 10 })).toEqual([]);
    expect(
      chunkByTokens("tiktoken is great!", { tokenizer: "cl100k_base", chunkTokens: 6 }),
    ).toEqual([{ index: 0, text: "tiktoken is great!", tokens: 6, startChar: 0, endChar: 18 }]);
  });

  it("cuts without overlap into contiguous chunks that rebuild the text", () => {
    const chunks = expectValidChunks(manual, { tokenizer: "o200k_base", chunkTokens: 100 });
    expect(chunks.map((chunk) => chunk.text).join("")).toBe(manual);
    expect(chunks.length).toBeGreaterThan(5);
    for (const [index, chunk] of chunks.entries()) {
      if (index > 0) {
        expect(chunk.startChar).toBe(chunks[index - 1]?.endChar);
      }
    }
  });

  it("prefers paragraph, then sentence ends, in the last 15% of a chunk", () => {
    const chunks = expectValidChunks(manual, { tokenizer: "o200k_base", chunkTokens: 100 });
    for (const chunk of chunks.slice(0, -1)) {
      expect(chunk.text).toMatch(/(\n\n|\.)$/);
      expect(chunk.tokens).toBeGreaterThanOrEqual(85);
    }
    const paragraphs = expectValidChunks(`${"word ".repeat(60)}\n\n${"word ".repeat(60)}`, {
      tokenizer: "o200k_base",
      chunkTokens: 64,
    });
    expect(paragraphs[0]?.text.endsWith("\n\n")).toBe(true);
  });

  it("cuts at the token limit when there is no natural place", () => {
    const text = "abcdefghij".repeat(200);
    const chunks = expectValidChunks(text, { tokenizer: "cl100k_base", chunkTokens: 50 });
    expect(chunks.slice(0, -1).every((chunk) => chunk.tokens >= 49)).toBe(true);
  });

  it("overlaps consecutive chunks by about overlapTokens tokens", () => {
    const chunks = expectValidChunks(manual, {
      tokenizer: "o200k_base",
      chunkTokens: 120,
      overlapTokens: 30,
    });
    for (let index = 1; index < chunks.length; index++) {
      const previous = chunks[index - 1] as TextChunk;
      const current = chunks[index] as TextChunk;
      const shared = manual.slice(current.startChar, previous.endChar);
      const sharedTokens = o200k.count(shared);
      expect(sharedTokens).toBeGreaterThanOrEqual(28);
      expect(sharedTokens).toBeLessThanOrEqual(32);
    }
  });

  it("never splits an emoji, CJK character or surrogate pair", () => {
    const text = "🤖お誕生日👩‍👩‍👧".repeat(40);
    for (const chunkTokens of [4, 5, 7, 13, 50]) {
      const chunks = expectValidChunks(text, { tokenizer: "cl100k_base", chunkTokens });
      for (const chunk of chunks) {
        expect(chunk.text).not.toMatch(/\ufffd/);
      }
    }
  });

  it("keeps its promises on random text for many sizes (property loop)", () => {
    const random = seededRandom(7);
    for (let sample = 0; sample < 25; sample++) {
      const text = randomText(random, 120);
      for (const tokenizer of ["o200k_base", "cl100k_base"] as const) {
        const chunkTokens = 4 + Math.floor(random() * 60);
        const overlapTokens = Math.floor(random() * chunkTokens);
        expectValidChunks(text, { tokenizer, chunkTokens, overlapTokens });
        expectValidChunks(text, { tokenizer: cl100k, chunkTokens });
      }
    }
  });

  it("rejects bad sizes with clear messages", () => {
    const chunk = (options: Partial<ChunkByTokensOptions>) =>
      chunkByTokens("some text", { tokenizer: "o200k_base", chunkTokens: 10, ...options });
    expect(() => chunk({ chunkTokens: 0 })).toThrow(
      /chunkTokens must be a positive integer, got 0/,
    );
    expect(() => chunk({ chunkTokens: 2.5 })).toThrow(/chunkTokens must be a positive integer/);
    expect(() => chunk({ overlapTokens: -1 })).toThrow(
      /overlapTokens must be a non-negative integer/,
    );
    expect(() => chunk({ overlapTokens: 10 })).toThrow(
      "overlapTokens is 10 but must be less than chunkTokens (10), or chunks would never advance",
    );
    expect(() => chunk({ tokenizer: "gemini" as EncodingName })).toThrow(
      /tokenizer must be one of/,
    );
    expect(() => chunkByTokens("🤖", { tokenizer: "cl100k_base", chunkTokens: 2 })).toThrow(
      /chunkTokens is 2, too small for the character at index 0 of the text \("🤖"\) without splitting it/,
    );
  });
});
