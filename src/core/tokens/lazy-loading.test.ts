import { createRequire } from "node:module";
import { expect, it } from "vitest";

// This file imports nothing from the module statically, so the check below sees exactly what
// importing the module loads.
it("loads no vocabulary when tokenwise's tokens module is imported, one on first use", async () => {
  const requireFromHere = createRequire(import.meta.url);
  const loadedVocabularies = () =>
    Object.keys(requireFromHere.cache)
      .filter((path) => path.includes("bpeRanks"))
      .map((path) => path.replace(/^.*bpeRanks[\\/]/, ""));
  const before = loadedVocabularies();
  const tokens = await import("./index.js");
  expect(loadedVocabularies()).toEqual(before);
  tokens.getTokenizer("r50k_base").count("hello");
  expect(loadedVocabularies()).toEqual([...new Set([...before, "r50k_base.js"])]);
});

it("loads the BPE engine's tables only for the encoding first used", async () => {
  const requireFromHere = createRequire(import.meta.url);
  const loadedTables = () =>
    Object.keys(requireFromHere.cache)
      .filter((path) => /bpe[\\/]data[\\/](o200k|cl100k)-base\.json$/.test(path))
      .map((path) => path.replace(/^.*data[\\/]/, ""));
  const tokens = await import("./index.js");
  const before = loadedTables();
  expect(before).not.toContain("cl100k-base.json");
  expect(tokens.getTokenizer("cl100k_base").count("tiktoken is great!")).toBe(6);
  expect(loadedTables()).toEqual([...new Set([...before, "cl100k-base.json"])]);
});
