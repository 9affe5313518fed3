import { describe, expect, it } from "vitest";
import {
  cl100kPieceEnd,
  loadPieceSplitters,
  o200kPieceEnd,
  type PieceSplitter,
} from "./piece-splitters.js";

loadPieceSplitters();

/**
 * tiktoken's patterns (tiktoken/encoders/*.json, pat_str) as JavaScript regular expressions with
 * the Rust regex crate's meaning: `\s` is White_Space (U+0085 yes, U+FEFF no) and `(?i:'s)`
 * also matches `'ſ`, as Rust's simple case folding does.
 */
const space = String.raw`\p{White_Space}`;
const contraction = "'(?:[sSſ]|[tT]|[rR][eE]|[vV][eE]|[mM]|[lL][lL]|[dD])";
const upper = String.raw`[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]`;
const lower = String.raw`[\p{Ll}\p{Lm}\p{Lo}\p{M}]`;
const prefix = String.raw`[^\r\n\p{L}\p{N}]`;
const whiteSpaceTail = `[${space}]*[\\r\\n]+|[${space}]+(?![^${space}])|[${space}]+`;
const o200kPattern = new RegExp(
  `${prefix}?${upper}*${lower}+(?:${contraction})?|${prefix}?${upper}+${lower}*(?:${contraction})?` +
    String.raw`|\p{N}{1,3}| ?[^${space}\p{L}\p{N}]+[\r\n/]*|` +
    whiteSpaceTail,
  "gu",
);
const cl100kPattern = new RegExp(
  `${contraction}|${prefix}?\\p{L}+|\\p{N}{1,3}| ?[^${space}\\p{L}\\p{N}]+[\\r\\n]*|${whiteSpaceTail}`,
  "gu",
);

function regexPieces(pattern: RegExp, text: string): string[] {
  return Array.from(text.matchAll(pattern), (match) => match[0]);
}

function splitterPieces(split: PieceSplitter, text: string): string[] {
  const pieces: string[] = [];
  for (let start = 0; start < text.length; ) {
    const end = split(text, start);
    pieces.push(text.slice(start, end));
    start = end;
  }
  return pieces;
}

/**
 * One or more characters of every class the patterns distinguish, in the BMP and beyond, plus the
 * characters with special roles (contraction letters, line breaks, `/`, lone surrogates). Node's
 * regular expressions use Unicode 17 and the engine Unicode 16, so none of the characters whose
 * class changed in Unicode 17 appear here (unicode-probe.mjs covers those against tiktoken).
 */
const alphabet = [
  ..."aAbBzZsStTrReEvVmMlLdDkK019'\"!./-_ \t\n\r",
  "é",
  "É",
  "ǅ", // Lt
  "ʰ", // Lm
  "中",
  "あ",
  "ñ",
  "\u0301", // Mn
  "\u0903", // Mc
  "\u20dd", // Me
  "²", // No
  "Ⅻ", // Nl
  "٣", // Nd
  "\u{1d7cf}", // Nd, astral
  "\u{10400}", // Lu, astral
  "\u{10428}", // Ll, astral
  "\u{20000}", // Lo, astral
  "😀",
  "\u200d",
  "\u00a0",
  "\u2009",
  "\u3000",
  "\u0085",
  "\ufeff",
  "\u2028",
  "\u000b",
  "ſ",
  "\u212a", // Kelvin sign: Lu, folds to k
  "\ud800", // lone high surrogate
  "\udc00", // lone low surrogate
  "\ufffd",
  "\u{e0100}", // Mn above the flat table
  "\u{e0001}",
  "\u{10fffd}",
];

function* randomStrings(count: number, seed: number): Generator<string> {
  let state = seed;
  const next = (bound: number): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % bound;
  };
  for (let index = 0; index < count; index += 1) {
    let text = "";
    const length = 1 + next(24);
    for (let position = 0; position < length; position += 1)
      text += alphabet[next(alphabet.length)];
    yield text;
  }
}

function* shortStrings(characters: readonly string[], maximumLength: number): Generator<string> {
  let current = [""];
  for (let length = 1; length <= maximumLength; length += 1) {
    current = current.flatMap((text) => characters.map((character) => text + character));
    yield* current;
  }
}

const smallAlphabet = [
  "a",
  "A",
  "'",
  "s",
  "L",
  " ",
  "\n",
  "\r",
  "1",
  "!",
  "/",
  "\u0301",
  "中",
  "ʰ",
  "\ud800",
  "\t",
];

describe.each([
  { name: "o200k_base", pattern: o200kPattern, split: o200kPieceEnd },
  { name: "cl100k_base", pattern: cl100kPattern, split: cl100kPieceEnd },
])("$name piece splitter", ({ pattern, split }) => {
  it("splits hand-picked text exactly like the regular expression", () => {
    const samples = [
      "Hello, world! DON'T I'LL we're they've I'm he'd it's",
      "  leading\r\n\r\n  trailing   \n\tx  ",
      "日本語のテキスト、中文文本。한국어 текст العربية",
      "a\u0301e\u0301 Ⅻ² 𝟏𝟐𝟑𝟒 12345 1,234.5",
      "👨‍👩‍👧‍👦 emoji\u200dzwj <|endoftext|> path/to//file\n",
      "ABCdef ABC'S abcDEF ǅungla ʰʰ x\u00a0y\u2009z\u3000w\u0085v\ufeffu",
    ];
    for (const text of samples)
      expect(splitterPieces(split, text)).toEqual(regexPieces(pattern, text));
  });

  it("matches the regular expression on every string of up to four characters over 16", () => {
    for (const text of shortStrings(smallAlphabet, 4)) {
      const expected = regexPieces(pattern, text);
      const actual = splitterPieces(split, text);
      if (actual.join("\u0000") !== expected.join("\u0000")) {
        expect({ text, actual }).toEqual({ text, actual: expected });
      }
    }
  });

  it("matches the regular expression on 100,000 random strings over every class", () => {
    for (const text of randomStrings(100_000, 0x9e3779b9)) {
      const expected = regexPieces(pattern, text);
      const actual = splitterPieces(split, text);
      if (actual.join("\u0000") !== expected.join("\u0000")) {
        expect({ text, actual }).toEqual({ text, actual: expected });
      }
    }
  });

  it("splits a 50,000-character word with no split point into one piece", () => {
    const word = "x".repeat(50_000);
    expect(split(word, 0)).toBe(50_000);
    expect(split(`${"A".repeat(50_000)}b`, 0)).toBe(50_001);
    expect(split(" ".repeat(50_000), 0)).toBe(50_000);
  });
});
