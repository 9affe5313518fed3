// biome-ignore-all lint/style/noNonNullAssertion: tests index fixtures they just built.
import { get_encoding } from "tiktoken";
import { describe, expect, it } from "vitest";
import { createBpeTokenizer } from "../../src/core/tokens/bpe/index.js";
import { corpusCategories, gatherCorpus, readMessageCatalog } from "./corpus.mjs";

/**
 * The engine against tiktoken (the reference) on real text gathered at test time from this
 * machine: a sample of about 3.2 MB across English, code, multilingual text and JSON. The full
 * comparison (over 10 MB, both encodings) is bench/tokenizer/exactness.mjs.
 */
const bytesPerCategory = 800_000;
const corpus = gatherCorpus({ bytesPerCategory });

function firstDifference(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  const length = Math.min(actual.length, expected.length);
  for (let index = 0; index < length; index += 1)
    if (actual[index] !== expected[index]) return index;
  return actual.length === expected.length ? -1 : length;
}

describe("the gathered corpus", () => {
  it("is large and varied enough to prove coverage", () => {
    expect(corpus.totalBytes).toBeGreaterThanOrEqual(3_000_000);
    for (const category of corpusCategories) {
      expect(corpus.bytesByCategory[category], category).toBeGreaterThanOrEqual(500_000);
    }
    const multilingual = corpus.documents
      .filter((document) => document.category === "multilingual")
      .map((document) => document.text)
      .join("");
    for (const script of ["Han", "Cyrillic", "Arabic", "Hangul"]) {
      const characters = multilingual.match(new RegExp(`\\p{Script=${script}}`, "gu"))?.length ?? 0;
      expect(characters, script).toBeGreaterThan(1000);
    }
  });

  it("reads gettext catalogs in both byte orders", () => {
    const catalog = (littleEndian: boolean): Uint8Array => {
      const strings = ["", "hello"];
      const translations = ["", "привет\u0000приветы"];
      const encoder = new TextEncoder();
      const buffer = new Uint8Array(200);
      const view = new DataView(buffer.buffer);
      view.setUint32(0, 0x950412de, littleEndian);
      view.setUint32(8, 2, littleEndian);
      view.setUint32(12, 28, littleEndian);
      view.setUint32(16, 44, littleEndian);
      let offset = 60;
      [strings, translations].forEach((list, table) => {
        list.forEach((text, index) => {
          const bytes = encoder.encode(text);
          view.setUint32((table === 0 ? 28 : 44) + index * 8, bytes.length, littleEndian);
          view.setUint32((table === 0 ? 28 : 44) + index * 8 + 4, offset, littleEndian);
          buffer.set(bytes, offset);
          offset += bytes.length + 1;
        });
      });
      return buffer;
    };
    expect(readMessageCatalog(catalog(true))).toBe("привет\nприветы");
    expect(readMessageCatalog(catalog(false))).toBe("привет\nприветы");
    expect(readMessageCatalog(new Uint8Array(10))).toBeUndefined();
  });
});

describe.each(["o200k_base", "cl100k_base"] as const)("%s against tiktoken", (encoding) => {
  it(`gives identical ids on ${(corpus.totalBytes / 1e6).toFixed(1)} MB of real text`, () => {
    const ours = createBpeTokenizer(encoding);
    const oracle = get_encoding(encoding);
    try {
      let tokens = 0;
      for (const { path, text } of corpus.documents) {
        const expected = oracle.encode_ordinary(text);
        const actual = ours.encode(text);
        const at = firstDifference(actual, expected);
        if (at !== -1) {
          expect({ path, at, actual: actual.slice(at, at + 5) }).toEqual({
            path,
            at,
            actual: Array.from(expected.slice(at, at + 5)),
          });
        }
        expect(ours.count(text), path).toBe(expected.length);
        tokens += expected.length;
      }
      expect(tokens).toBeGreaterThan(800_000);
    } finally {
      oracle.free();
    }
  });

  it("gives identical ids on 30,000 slices cut anywhere, lone surrogates included", () => {
    const ours = createBpeTokenizer(encoding);
    const oracle = get_encoding(encoding);
    let state = 0x2545f491;
    const next = (bound: number): number => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return (state >>> 0) % bound;
    };
    try {
      for (let index = 0; index < 30_000; index += 1) {
        const { text } = corpus.documents[next(corpus.documents.length)]!;
        const start = next(text.length);
        const slice = text.slice(start, start + 1 + next(200));
        const expected = Array.from(oracle.encode_ordinary(slice));
        const actual = ours.encode(slice);
        if (firstDifference(actual, expected) !== -1)
          expect({ slice, actual }).toEqual({ slice, actual: expected });
      }
    } finally {
      oracle.free();
    }
  });
});
