import { describe, expect, it } from "vitest";
import { Vocabulary } from "./vocabulary.js";
import { WordRowLookup, wordPatterns } from "./word-rows.js";

const vocabulary = Vocabulary.fromWords([
  "the",
  "parse",
  "json",
  "helper",
  "well-known",
  "state",
  "art",
  "do",
  "not",
  "user",
  "cafe",
  "create",
  "embedding",
  "cache",
  "xml",
  "http",
  "request",
  "v1",
]);
const words = (text: string) =>
  new WordRowLookup(vocabulary).rowsOf(text).map((row) => vocabulary.wordAt(row));

describe("WordRowLookup", () => {
  it("lowercases words and drops the ones the vocabulary lacks", () => {
    expect(words("The JSON helper, the 42 zorbs!")).toEqual(["the", "json", "helper", "the"]);
  });

  it("keeps a known hyphenated compound whole and splits an unknown one", () => {
    expect(words("a well-known state-of-the-art helper")).toEqual([
      "well-known",
      "state",
      "the",
      "art",
      "helper",
    ]);
  });

  it("splits code identifiers into their words", () => {
    expect(words("createEmbeddingCache(parse_json) XMLHttpRequest v1")).toEqual([
      "create",
      "embedding",
      "cache",
      "parse",
      "json",
      "xml",
      "http",
      "request",
      "v1",
    ]);
  });

  it("reads contractions and possessives", () => {
    expect(words("Don't touch the user's cache")).toEqual(["do", "not", "the", "user", "cache"]);
  });

  it("folds diacritics", () => {
    expect(words("Café")).toEqual(["cafe"]);
  });
});

describe("wordPatterns", () => {
  it("ASCII patterns split ASCII text exactly as the Unicode ones do", () => {
    const ascii = wordPatterns("a");
    const unicode = wordPatterns("é");
    expect(ascii.word).not.toBe(unicode.word);
    let state = 11;
    const random = () => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state / 2 ** 32;
    };
    const every = Array.from({ length: 128 }, (_, code) => String.fromCharCode(code)).join("");
    const alphabet = `${every}aZz09'-'-abcXYZxyLlU1`;
    const samples = [every, "parseJSON2Html", "XMLHttpRequest", "v1API", "don't-stop", "it's"];
    for (let i = 0; i < 3000; i++) {
      let text = "";
      const length = Math.floor(random() * 30);
      for (let j = 0; j < length; j++) text += alphabet[Math.floor(random() * alphabet.length)];
      samples.push(text);
    }
    for (const text of samples) {
      const label = JSON.stringify(text);
      expect([...text.matchAll(ascii.word)].map(String), label).toEqual(
        [...text.matchAll(unicode.word)].map(String),
      );
      expect(text.split(ascii.identifierParts), label).toEqual(text.split(unicode.identifierParts));
    }
  });
});
