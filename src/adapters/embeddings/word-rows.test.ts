import { describe, expect, it } from "vitest";
import { Vocabulary } from "./vocabulary.js";
import { WordRowLookup } from "./word-rows.js";

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
