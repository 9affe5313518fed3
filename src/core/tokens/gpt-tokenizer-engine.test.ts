import { get_encoding } from "tiktoken";
import { afterAll, describe, expect, it } from "vitest";
import { TokenwiseError } from "../errors/index.js";
import { createGptTokenizer } from "./gpt-tokenizer-engine.js";
import { randomText, seededRandom } from "./test-support/random-text.js";
import type { EncodingName } from "./tokenizer.js";

const cl100k = createGptTokenizer("cl100k_base");
const o200k = createGptTokenizer("o200k_base");

describe("createGptTokenizer: the cookbook's vectors", () => {
  it('encodes "tiktoken is great!" in cl100k_base', () => {
    expect(cl100k.encode("tiktoken is great!")).toEqual([83, 1609, 5963, 374, 2294, 0]);
    expect(cl100k.decode([83, 1609, 5963, 374, 2294, 0])).toBe("tiktoken is great!");
  });

  it('counts "antidisestablishmentarianism" as 6 cl100k_base tokens', () => {
    expect(cl100k.encode("antidisestablishmentarianism")).toEqual([
      519, 85342, 34500, 479, 8997, 2191,
    ]);
    expect(cl100k.count("antidisestablishmentarianism")).toBe(6);
  });

  it('counts "2 + 2 = 4" as 7 cl100k_base tokens', () => {
    expect(cl100k.encode("2 + 2 = 4")).toEqual([17, 489, 220, 17, 284, 220, 19]);
    expect(cl100k.count("2 + 2 = 4")).toBe(7);
  });

  it('counts "お誕生日おめでとう" as 9 cl100k_base and 8 o200k_base tokens', () => {
    expect(cl100k.encode("お誕生日おめでとう")).toEqual([
      33334, 45918, 243, 21990, 9080, 33334, 62004, 16556, 78699,
    ]);
    expect(cl100k.count("お誕生日おめでとう")).toBe(9);
    expect(o200k.encode("お誕生日おめでとう")).toEqual([
      8930, 9697, 243, 128225, 8930, 17693, 4344, 48669,
    ]);
    expect(o200k.count("お誕生日おめでとう")).toBe(8);
  });

  it("gives r50k_base and p50k_base the cookbook's ids too", () => {
    for (const encoding of ["r50k_base", "p50k_base"] as const) {
      const tokenizer = createGptTokenizer(encoding);
      expect(tokenizer.encode("antidisestablishmentarianism")).toEqual([
        415, 29207, 44390, 3699, 1042,
      ]);
      expect(tokenizer.encode("2 + 2 = 4")).toEqual([17, 1343, 362, 796, 604]);
      expect(tokenizer.count("お誕生日おめでとう")).toBe(14);
    }
  });
});

describe("createGptTokenizer: special-token text", () => {
  it("encodes <|endoftext|> as ordinary text, never as the special token, and never throws", () => {
    expect(cl100k.encode("<|endoftext|>")).toEqual([27, 91, 8862, 728, 428, 91, 29]);
    expect(cl100k.count("<|endoftext|>")).toBe(7);
    expect(cl100k.countUpTo("<|endoftext|> and more <|fim_prefix|>", 3)).toBeGreaterThan(3);
    expect(o200k.encode("<|endoftext|>")).not.toContain(199999);
    expect(cl100k.decode(cl100k.encode("a <|endofprompt|> b"))).toBe("a <|endofprompt|> b");
  });

  it("decodes a special token id to its text", () => {
    expect(cl100k.decode([100257])).toBe("<|endoftext|>");
    expect(o200k.decode([199999])).toBe("<|endoftext|>");
  });

  it("rejects ids that are not in the vocabulary with a clear error", () => {
    expect(() => cl100k.decode([10_000_000])).toThrow(TokenwiseError);
    expect(() => cl100k.decode([10_000_000])).toThrow(/not a token id of cl100k_base/);
    expect(() => cl100k.decode([1.5])).toThrow(/not a token id/);
  });
});

describe("createGptTokenizer: decode", () => {
  it("decodes a cut through a character to U+FFFD and does not leak bytes into the next call", () => {
    const tokens = cl100k.encode("お誕生日おめでとう");
    expect(cl100k.decode(tokens.slice(0, 2))).toBe("お\ufffd");
    // gpt-tokenizer's own decode would return "誕" here, from bytes left over by the call above.
    expect(cl100k.decode(tokens.slice(2, 3))).toBe("\ufffd");
    expect(cl100k.decode([83])).toBe("t");
    expect(cl100k.decode(tokens)).toBe("お誕生日おめでとう");
  });

  it("decodes an emoji split across tokens only when all its tokens are present", () => {
    const tokens = cl100k.encode("🤖");
    expect(tokens.length).toBe(3);
    expect(cl100k.decode(tokens)).toBe("🤖");
    expect(cl100k.decode(tokens.slice(0, 2))).toBe("\ufffd");
    expect(cl100k.decode([])).toBe("");
  });
});

describe("createGptTokenizer: countUpTo", () => {
  const text = "The quick brown fox jumps over the lazy dog. ".repeat(20);
  const total = cl100k.count(text);

  it("returns the exact count when it is within the limit", () => {
    expect(total).toBe(201);
    expect(cl100k.countUpTo(text, total)).toBe(total);
    expect(cl100k.countUpTo(text, 10_000)).toBe(total);
    expect(cl100k.countUpTo("", 0)).toBe(0);
    expect(cl100k.countUpTo("abc", Number.POSITIVE_INFINITY)).toBe(1);
  });

  it("returns some value above the limit when the text is over it", () => {
    expect(cl100k.countUpTo(text, total - 1)).toBeGreaterThan(total - 1);
    expect(cl100k.countUpTo(text, 5)).toBeGreaterThan(5);
    expect(cl100k.countUpTo(text, 0)).toBeGreaterThan(0);
    expect(cl100k.countUpTo(text, 2.5)).toBeGreaterThan(2.5);
  });

  it("rejects a negative or NaN limit and non-string text", () => {
    expect(() => cl100k.countUpTo("abc", -1)).toThrow(/limit must be a non-negative number/);
    expect(() => cl100k.countUpTo("abc", Number.NaN)).toThrow(/limit/);
    expect(() => cl100k.count(42 as unknown as string)).toThrow(/text must be a string, got 42/);
  });
});

describe("createGptTokenizer matches tiktoken (WASM) on random strings", () => {
  const oracles = new Map<EncodingName, ReturnType<typeof get_encoding>>();
  afterAll(() => {
    for (const oracle of oracles.values()) {
      oracle.free();
    }
  });

  for (const encoding of ["o200k_base", "cl100k_base", "p50k_base", "r50k_base"] as const) {
    it(`agrees on ids, counts and round trips for ${encoding}`, () => {
      const oracle = get_encoding(encoding);
      oracles.set(encoding, oracle);
      const tokenizer = createGptTokenizer(encoding);
      const random = seededRandom(encoding.length * 7919);
      for (let sample = 0; sample < 300; sample++) {
        const text = randomText(random, 40);
        const expected = Array.from(oracle.encode_ordinary(text));
        expect(tokenizer.encode(text), JSON.stringify(text)).toEqual(expected);
        expect(tokenizer.count(text)).toBe(expected.length);
        expect(tokenizer.decode(expected)).toBe(text);
        const limit = Math.floor(random() * (expected.length + 2));
        const upTo = tokenizer.countUpTo(text, limit);
        if (expected.length <= limit) {
          expect(upTo).toBe(expected.length);
        } else {
          expect(upTo).toBeGreaterThan(limit);
        }
      }
    });
  }
});
