// biome-ignore-all lint/style/noNonNullAssertion: tests index fixtures they just built.
import { get_encoding, type Tiktoken } from "tiktoken";
import { afterAll, describe, expect, it } from "vitest";
import { TokenwiseError } from "../../errors/index.js";
import { type BpeEncodingName, createBpeTokenizer } from "./index.js";

const oracles = new Map<BpeEncodingName, Tiktoken>();
function oracle(encoding: BpeEncodingName): Tiktoken {
  let found = oracles.get(encoding);
  if (found === undefined) {
    found = get_encoding(encoding);
    oracles.set(encoding, found);
  }
  return found;
}
afterAll(() => {
  for (const encoding of oracles.values()) encoding.free();
});

/** Ids tiktoken 1.0.22 gives (encode_ordinary), written down so these tests stand on their own. */
const knownIds: Record<BpeEncodingName, [string, number[]][]> = {
  o200k_base: [
    ["hello world", [24912, 2375]],
    ["DON'T I'LL", [134882, 51532, 3413, 7454]],
    ["<|endoftext|>", [27, 91, 419, 1440, 919, 91, 29]],
    ["  x\r\n\r\n", [220, 1215, 1414]],
    ["日本語", [9048, 40909]],
    ["👨‍👩‍👧", [28823, 101, 2524, 28823, 102, 2524, 28823, 100]],
    ["1234567", [7633, 19354, 22]],
    ["\ud800", [3251]],
  ],
  cl100k_base: [
    ["hello world", [15339, 1917]],
    ["DON'T I'LL", [85741, 17773, 358, 6, 4178]],
    ["<|endoftext|>", [27, 91, 8862, 728, 428, 91, 29]],
    ["  x\r\n\r\n", [220, 865, 881]],
    ["日本語", [9080, 22656, 45918, 252]],
    ["👨‍👩‍👧", [9468, 239, 101, 378, 235, 9468, 239, 102, 378, 235, 9468, 239, 100]],
    ["1234567", [4513, 10961, 22]],
    ["\ud800", [5809]],
  ],
};

/** Text that trips up tokenizers, each compared with tiktoken. */
const hardCases = [
  "",
  "a",
  "👨‍👩‍👧‍👦 family, 👍🏽 thumbs, 🏳️‍🌈 flag, 🇫🇷 France",
  "e\u0301 a\u0300\u0316 Z\u0351\u0352\u0353 ᄀ\u1161\u11a8 \u0915\u094d\u0937",
  "lone \ud800 high, lone \udc00 low, reversed \udc00\ud800, end \ud83d",
  "CRLF\r\nLF\nCR\rmixed\r\n\r\n\n\r\r\n  \t \r\n\t\tend\n",
  "   leading and trailing spaces   ",
  "\t\ttabs\t\t",
  "no\u00a0break\u2009thin\u3000ideographic\u2002en\u202fnarrow\u205fmath\u1680ogham",
  "next\u0085line\u2028line\u2029paragraph\ufeffbom\u200bzero-width",
  "DON'T I'LL WE'RE THEY'VE SHE'D IT'S I'M don't i'll we're",
  "o'ſ oSTS'ſt 'S 'LL 'Ll 'lL",
  "1 12 123 1234 12345 123456 1234567 ١٢٣٤٥ ０１２３ 𝟏𝟐𝟑𝟒 ²³ ⅫⅣ",
  "<|endoftext|> <|endofprompt|> <|fim_prefix|><|im_start|>system<|im_end|>",
  "https://example.com/path/to//file?query=1&x=y#frag /usr/bin//env",
  "中文文本没有空格所以整段都是一个片段。日本語のテキスト、カタカナ。한국어 텍스트입니다.",
  "Русский текст. Українська мова. العربية نص. עברית. ελληνικά. हिन्दी पाठ. ภาษาไทย",
  "ʕ•ᴥ•ʔ ¯\\_(ツ)_/¯ (╯°□°）╯︵ ┻━┻",
  "camelCaseIdentifier snake_case_name SCREAMING_CASE kebab-case PascalCase",
  '{"key": [1, 2.5e-3, null, true], "nested": {"a": "b\\n"}}',
  "\u0000\u0001\u0007\u001b[31mansi\u001b[0m\u007f",
  `${"x".repeat(200)} ${"ab".repeat(150)} ${"!".repeat(300)}`,
];

describe.each(["o200k_base", "cl100k_base"] as const)("%s", (encoding) => {
  const tokenizer = createBpeTokenizer(encoding);

  it("reports its encoding", () => {
    expect(tokenizer.encoding).toBe(encoding);
  });

  it("gives the ids tiktoken gives, written down", () => {
    for (const [text, ids] of knownIds[encoding]) {
      expect(tokenizer.encode(text)).toEqual(ids);
      expect(tokenizer.count(text)).toBe(ids.length);
    }
  });

  it("matches tiktoken on hard cases, encoding and counting", () => {
    for (const text of hardCases) {
      const expected = Array.from(oracle(encoding).encode_ordinary(text));
      expect(tokenizer.encode(text)).toEqual(expected);
      expect(tokenizer.count(text)).toBe(expected.length);
    }
  });

  it("gives the same answer the second time, from its caches", () => {
    for (const text of hardCases) {
      const first = tokenizer.encode(text);
      expect(tokenizer.encode(text)).toEqual(first);
      expect(tokenizer.count(text)).toBe(first.length);
    }
  });

  it("decodes back to the text, lone surrogates as U+FFFD", () => {
    for (const text of hardCases) {
      expect(tokenizer.decode(tokenizer.encode(text))).toBe(text.replace(/\p{Cs}/gu, "\ufffd"));
    }
  });

  it("decodes a cut through a character to U+FFFD, like TextDecoder", () => {
    const ids = tokenizer.encode("👨‍👩‍👧");
    const cut = ids.slice(1);
    const bytes = oracle(encoding).decode(Uint32Array.from(cut));
    expect(tokenizer.decode(cut)).toBe(new TextDecoder().decode(bytes));
    expect(tokenizer.decode(cut).startsWith("\ufffd")).toBe(true);
  });

  it("keeps a byte order mark that starts the text", () => {
    expect(tokenizer.decode(tokenizer.encode("\ufeffhello"))).toBe("\ufeffhello");
  });

  it("decodes typed arrays of ids too", () => {
    expect(
      tokenizer.decode(Uint32Array.from(tokenizer.encode("typed")) as unknown as number[]),
    ).toBe("typed");
  });

  it("decodes special token ids to their text", () => {
    const endOfText = encoding === "o200k_base" ? 199_999 : 100_257;
    expect(tokenizer.decode([endOfText])).toBe("<|endoftext|>");
  });

  it("counts up to a limit: exact at or under it, more than it otherwise", () => {
    const text = "one two three four five six seven eight nine ten";
    const total = tokenizer.count(text);
    expect(total).toBe(10);
    expect(tokenizer.countUpTo(text, total)).toBe(total);
    expect(tokenizer.countUpTo(text, 100)).toBe(total);
    expect(tokenizer.countUpTo(text, 3)).toBe(4);
    expect(tokenizer.countUpTo(text, 0)).toBe(1);
    expect(tokenizer.countUpTo("", 0)).toBe(0);
    expect(tokenizer.countUpTo(text, 1.5)).toBe(2);
    expect(tokenizer.countUpTo(text, Number.POSITIVE_INFINITY)).toBe(total);
  });

  it("answers over the limit without counting when the text is too long to fit", () => {
    const text = "x".repeat(129 * 10);
    expect(tokenizer.countUpTo(text, 10)).toBe(11);
    expect(tokenizer.count(text)).toBeGreaterThan(10);
  });

  it("counts a 50,000-character word with no split point exactly", () => {
    const letters = "qwertyuiopasdfghjklzxcvbnm";
    let word = "";
    for (let index = 0; index < 50_000; index += 1) word += letters[(index * 7919) % 26];
    const expected = oracle(encoding).encode_ordinary(word);
    expect(tokenizer.count(word)).toBe(expected.length);
    expect(tokenizer.encode(word)).toEqual(Array.from(expected));
  });

  it("stays exact after its caches fill up and start over", () => {
    const fresh = createBpeTokenizer(encoding);
    const letters = "etaoinshrdlucmfwypvbgkqjxz";
    let text = "";
    for (let index = 0; index < 60_000; index += 1) {
      let word = " ";
      for (let value = (index * 2_654_435_761) >>> 4; value > 0; value = Math.floor(value / 26)) {
        word += letters[value % 26];
      }
      text += word;
    }
    expect(fresh.count(text)).toBe(oracle(encoding).encode_ordinary(text).length);
    expect(fresh.count("hello world")).toBe(2);
  });

  it("rejects input that is not text, naming the field", () => {
    const untyped = tokenizer as unknown as Record<
      string,
      (value: unknown, limit?: unknown) => unknown
    >;
    expect(() => untyped.count!(42)).toThrowError(/text must be a string, got 42/);
    expect(() => untyped.encode!(null)).toThrowError(/text must be a string, got null/);
    expect(() => untyped.countUpTo!("hi", -1)).toThrowError(/limit must be a non-negative number/);
    expect(() => untyped.countUpTo!("hi", Number.NaN)).toThrowError(/got NaN/);
    expect(() => untyped.countUpTo!("hi", "3")).toThrowError(/limit must be a non-negative number/);
    expect(() => untyped.decode!("abc")).toThrowError(/tokens must be an array of token ids/);
    try {
      untyped.count!(undefined);
      expect.unreachable();
    } catch (error) {
      expect(TokenwiseError.hasCode(error, "invalid_input")).toBe(true);
    }
  });

  it("rejects ids that are not tokens, saying where", () => {
    expect(() => tokenizer.decode([1, 2, -1])).toThrowError(
      new RegExp(`tokens contains -1 at index 2, which is not a token id of ${encoding}`),
    );
    expect(() => tokenizer.decode([1.5])).toThrowError(/contains 1.5 at index 0/);
    expect(() => tokenizer.decode([300_000])).toThrowError(/contains 300000 at index 0/);
  });
});

describe("createBpeTokenizer", () => {
  it("rejects an encoding it does not implement, saying which it does", () => {
    expect(() => createBpeTokenizer("p50k_base" as BpeEncodingName)).toThrowError(
      /encoding must be "o200k_base" or "cl100k_base", got "p50k_base"/,
    );
  });

  it("gives independent tokenizers that agree", () => {
    const first = createBpeTokenizer("o200k_base");
    const second = createBpeTokenizer("o200k_base");
    expect(first).not.toBe(second);
    expect(first.encode(hardCases[2]!)).toEqual(second.encode(hardCases[2]!));
  });
});
