import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordingTopicEmbedder } from "../../adapters/embeddings/test-support/tiny-word-vectors.js";
import { TokenwiseError } from "../../core/errors/index.js";
import { openSearchIndex, type SearchIndex } from "./search-index.js";

const root = mkdtempSync(join(tmpdir(), "tokenwise-search-"));
const docs = join(root, "docs");
const embedder = recordingTopicEmbedder();
let index: SearchIndex;

const FILES: Record<string, string> = {
  "animals.md": "# Pets\n\nA kitten sleeps while the dog barks at the cat.\n",
  "garage.md": "# Garage\n\nThe truck engine and every wheel need oil before you drive.\n",
  "budget.md": "# Budget\n\nThe bank charges a fee: the price and cost of each payment add up.\n",
  "mixed.md": "# Notes\n\nA state-of-the-art kitten-proof garage door.\n",
};

beforeAll(async () => {
  mkdirSync(docs);
  for (const [name, text] of Object.entries(FILES)) writeFileSync(join(docs, name), text);
  index = openSearchIndex({ dataDir: join(root, "data") });
  await index.index([docs], { embedder });
});

afterAll(() => {
  index.close();
  rmSync(root, { recursive: true, force: true });
});

const names = (results: Array<{ path: string }>) =>
  results.map((hit) => hit.path.slice(docs.length + 1));

describe("SearchIndex.search", () => {
  it("ranks by BM25 in keyword mode, without an embedder", async () => {
    const response = await index.search("kitten garage", { mode: "keyword" });
    // garage.md says "garage" in its name and heading, which its title field counts twice.
    expect(names(response.results)).toEqual(["mixed.md", "garage.md", "animals.md"]);
    const [best] = response.results;
    expect(best?.ranks).toEqual({ keyword: 1, semantic: undefined });
    expect(best?.score).toBeGreaterThan(response.results[1]?.score as number);
    expect(best).toMatchObject({
      startLine: 1,
      endLine: 3,
      snippetLine: 3,
      snippet: "A state-of-the-art kitten-proof garage door.",
    });
    expect(response.notes).toEqual([]);
  });

  it("finds passages by meaning in semantic mode", async () => {
    const response = await index.search("puppy", { mode: "semantic", embedder, topK: 2 });
    expect(names(response.results)).toEqual(["animals.md", "mixed.md"]);
    // Three animal words and eight others in "# Pets\n\nA kitten sleeps while the dog barks at the cat."
    expect(response.results[0]?.score).toBeCloseTo(3 / Math.hypot(3, 0.08), 6);
    expect(response.results[0]?.ranks).toEqual({ keyword: undefined, semantic: 1 });
  });

  it("fuses both rankings' normalised scores in hybrid mode", async () => {
    const response = await index.search("kitten pet", { embedder, topK: 4 });
    const keyword = await index.search("kitten pet", { mode: "keyword", topK: 50 });
    const semantic = await index.search("kitten pet", { mode: "semantic", embedder, topK: 50 });
    const bestKeyword = keyword.results[0]?.score as number;
    const bestSemantic = semantic.results[0]?.score as number;
    expect(response.mode).toBe("hybrid");
    for (const hit of response.results) {
      expect(hit.score).toBeCloseTo(
        (hit.scores.keyword ?? 0) / bestKeyword + (hit.scores.semantic ?? 0) / bestSemantic,
        12,
      );
    }
    const scores = response.results.map((hit) => hit.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(names(response.results).slice(0, 2).sort()).toEqual(["animals.md", "mixed.md"]);
  });

  it("fuses by reciprocal rank when asked", async () => {
    const response = await index.search("kitten pet", { embedder, topK: 4, fusion: "rrf" });
    expect(response.mode).toBe("hybrid");
    const [first] = response.results;
    expect(first?.ranks.keyword).toBeDefined();
    expect(first?.ranks.semantic).toBeDefined();
    expect(first?.score).toBeCloseTo(
      1 / (60 + (first?.ranks.keyword as number)) + 1 / (60 + (first?.ranks.semantic as number)),
      12,
    );
    expect(names(response.results).slice(0, 2).sort()).toEqual(["animals.md", "mixed.md"]);
    const custom = await index.search("kitten pet", {
      embedder,
      topK: 1,
      rrfK: 0,
      fusion: "rrf",
    });
    expect(custom.results[0]?.score).toBeCloseTo(
      1 / (custom.results[0]?.ranks.keyword as number) +
        1 / (custom.results[0]?.ranks.semantic as number),
      12,
    );
  });

  it("weighs the rankings in hybrid mode as told", async () => {
    const response = await index.search("kitten pet", {
      embedder,
      topK: 4,
      weights: { semantic: 0.25 },
      fusion: "rrf",
    });
    for (const hit of response.results) {
      const keyword = hit.ranks.keyword === undefined ? 0 : 1 / (60 + hit.ranks.keyword);
      const semantic = hit.ranks.semantic === undefined ? 0 : 0.25 / (60 + hit.ranks.semantic);
      expect(hit.score).toBeCloseTo(keyword + semantic, 12);
    }
    await expect(index.search("kitten", { embedder, weights: { keyword: -2 } })).rejects.toThrow(
      /weights.keyword must be a finite number >= 0/,
    );
  });

  it("adds the embedder's late-interaction ranking of the candidates as a third ranking", async () => {
    const asked: Array<{ query: string; texts: string[] }> = [];
    // Favours the garage note, which neither other ranking puts first for "the kitten pet".
    const late = {
      model: embedder.model,
      dimensions: embedder.dimensions,
      embed: (texts: string[]) => embedder.embed(texts),
      async lateInteraction(query: string, texts: readonly string[]) {
        asked.push({ query, texts: [...texts] });
        return texts.map((text) => (text.includes("garage door") ? 0.9 : 0));
      },
    };
    const twoWay = await index.search("the kitten pet", { embedder, topK: 4 });
    expect(names(twoWay.results)[0]).not.toBe("mixed.md");
    const response = await index.search("the kitten pet", { embedder: late, topK: 4 });
    // Called once, with the words keyword search keeps and every candidate's text once.
    expect(asked).toHaveLength(1);
    expect(asked[0]?.query).toBe("kitten pet");
    for (const hit of twoWay.results) expect(asked[0]?.texts).toContain(hit.text);
    expect(new Set(asked[0]?.texts).size).toBe(asked[0]?.texts.length);
    const keyword = await index.search("the kitten pet", { mode: "keyword", topK: 50 });
    const semantic = await index.search("the kitten pet", { mode: "semantic", embedder, topK: 50 });
    const bestKeyword = keyword.results[0]?.score as number;
    const bestSemantic = semantic.results[0]?.score as number;
    for (const hit of response.results) {
      expect(hit.scores.lateInteraction).toBe(hit.text.includes("garage door") ? 0.9 : 0);
      expect(hit.ranks.lateInteraction).toBeDefined();
      expect(hit.score).toBeCloseTo(
        (hit.scores.keyword ?? 0) / bestKeyword +
          (hit.scores.semantic ?? 0) / bestSemantic +
          (hit.scores.lateInteraction ?? 0) / 0.9,
        12,
      );
    }
    const scores = response.results.map((hit) => hit.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    const heavy = await index.search("the kitten pet", {
      embedder: late,
      topK: 4,
      weights: { lateInteraction: 5 },
    });
    expect(names(heavy.results)[0]).toBe("mixed.md");
    expect(heavy.results[0]?.ranks.lateInteraction).toBe(1);
    asked.length = 1;

    // Weight 0 or rank fusion: not asked, and the two-way ranking.
    const off = await index.search("the kitten pet", {
      embedder: late,
      topK: 4,
      weights: { lateInteraction: 0 },
    });
    const rrf = await index.search("the kitten pet", { embedder: late, topK: 4, fusion: "rrf" });
    expect(asked).toHaveLength(1);
    expect(names(off.results)).toEqual(names(twoWay.results));
    expect(off.results[0]?.ranks.lateInteraction).toBeUndefined();
    expect(rrf.results[0]?.ranks.lateInteraction).toBeUndefined();
  });

  it("rejects late-interaction scores that do not match the candidates", async () => {
    const broken = {
      model: embedder.model,
      dimensions: embedder.dimensions,
      embed: (texts: string[]) => embedder.embed(texts),
      lateInteraction: async () => [1],
    };
    await expect(index.search("kitten pet", { embedder: broken })).rejects.toThrow(
      /returned 1 late-interaction scores for \d+ texts/,
    );
  });

  it("never lets FTS5 syntax in a query throw", async () => {
    for (const query of [
      '"unbalanced',
      "AND",
      "kitten-proof*",
      "(garage OR",
      "NEAR(",
      "col:x",
      "-",
      "^^",
    ]) {
      await expect(index.search(query, { embedder }), query).resolves.toBeDefined();
    }
    expect(names((await index.search('"kitten-proof"', { mode: "keyword" })).results)).toEqual([
      "mixed.md",
    ]);
  });

  it("explains a query with no searchable words and falls back to the other ranking", async () => {
    const response = await index.search("12345 ???", { embedder });
    expect(response.notes).toEqual([
      "semantic search skipped: test-topic-embedder gave the query no vector (it knows none of its words)",
    ]);
    expect(response.results).toEqual([]);
    const punctuation = await index.search("???", { mode: "keyword" });
    expect(punctuation.notes).toEqual([
      "keyword search skipped: the query has no words, only punctuation",
    ]);
  });

  it("sees new content in a long-lived index after re-indexing", async () => {
    await index.search("cost", { mode: "semantic", embedder });
    writeFileSync(join(docs, "budget.md"), "# Budget\n\nNothing about vehicles or animals here.\n");
    await index.index([docs], { embedder });
    const response = await index.search("bank price", { mode: "semantic", embedder, topK: 1 });
    expect(names(response.results)).not.toEqual(["budget.md"]);
    writeFileSync(join(docs, "budget.md"), FILES["budget.md"] as string);
    await index.index([docs], { embedder });
    expect(
      names((await index.search("bank price", { mode: "semantic", embedder, topK: 1 })).results),
    ).toEqual(["budget.md"]);
  });

  it("validates its options with messages naming the field", async () => {
    await expect(index.search("  ")).rejects.toThrow("query must be non-empty text to search for");
    await expect(index.search("cat", { mode: "fuzzy" as "hybrid" })).rejects.toThrow(
      'mode must be "hybrid", "keyword" or "semantic", got "fuzzy"',
    );
    await expect(index.search("cat", { fusion: "max" as "rrf", embedder })).rejects.toThrow(
      'fusion must be "score" or "rrf", got "max"',
    );
    await expect(index.search("cat", { mode: "keyword", topK: 0 })).rejects.toThrow(
      "topK must be an integer from 1 to 1000, got 0",
    );
    const error = await index
      .search("cat", { mode: "semantic" })
      .catch((caught: unknown) => caught);
    expect(TokenwiseError.hasCode(error, "invalid_input")).toBe(true);
    expect((error as Error).message).toBe(
      'embedder is required for semantic and hybrid search (this index uses test-topic-embedder); pass one, or search with mode "keyword"',
    );
  });

  it("says so when the index is empty", async () => {
    const empty = openSearchIndex({ dataDir: join(root, "empty") });
    expect(await empty.search("cat", { embedder })).toEqual({
      query: "cat",
      mode: "hybrid",
      results: [],
      notes: ['the index is empty: run "tokenwise index <paths>" first'],
    });
    empty.close();
  });
});

describe("SearchIndex.search with identical files", () => {
  const copiesRoot = join(root, "copies");
  let copiesIndex: SearchIndex;
  const page = "GREP(1)\n\nNAME\n  grep - print lines that match patterns\n";

  beforeAll(async () => {
    mkdirSync(copiesRoot, { recursive: true });
    for (const name of ["grep.txt", "egrep.txt", "fgrep.txt"]) {
      writeFileSync(join(copiesRoot, name), page);
    }
    writeFileSync(join(copiesRoot, "sed.txt"), "SED(1)\n\nNAME\n  sed - stream editor for lines\n");
    copiesIndex = openSearchIndex({ dataDir: join(root, "copies-data") });
    await copiesIndex.index([copiesRoot], { embedder });
  });

  afterAll(() => copiesIndex.close());

  it.each(["keyword", "semantic", "hybrid"] as const)(
    "folds exact copies into one %s result listing every path",
    async (mode) => {
      const response = await copiesIndex.search("print lines matching patterns", {
        mode,
        embedder,
        topK: 5,
      });
      const paths = response.results.map((hit) =>
        hit.paths.map((path) => path.slice(copiesRoot.length + 1)),
      );
      expect(paths.filter((list) => list.includes("grep.txt"))).toEqual([
        ["egrep.txt", "fgrep.txt", "grep.txt"].sort(),
      ]);
      const grep = response.results.find((hit) => hit.paths.length === 3);
      expect(grep?.copies.map((copy) => copy.path.slice(copiesRoot.length + 1))).toEqual(
        ["egrep.txt", "fgrep.txt", "grep.txt"].filter(
          (name) => join(copiesRoot, name) !== grep?.path,
        ),
      );
      expect(grep?.copies[0]).toMatchObject({ startLine: 1, endLine: 4 });
    },
  );
});

describe("SearchIndex late interaction from stored word rows", () => {
  const rowsRoot = mkdtempSync(join(tmpdir(), "tokenwise-search-rows-"));
  // A word-row embedder in miniature: a text's "rows" are its length, so the test can tell
  // rows stored at indexing from rows of a text split at query time.
  const given: Array<string | Uint32Array> = [];
  const rowEmbedder = {
    model: embedder.model,
    dimensions: embedder.dimensions,
    embed: (texts: string[]) => embedder.embed(texts),
    async wordRows(texts: readonly string[]) {
      return texts.map((text) => Uint32Array.of(text.length));
    },
    async lateInteraction(_query: string, texts: ReadonlyArray<string | Uint32Array>) {
      given.push(...texts);
      return texts.map((text) => (typeof text === "string" ? text.length : (text[0] ?? 0)));
    },
  };
  let rowsIndex: SearchIndex;

  beforeAll(async () => {
    const rowsDocs = join(rowsRoot, "docs");
    mkdirSync(rowsDocs);
    for (const [name, text] of Object.entries(FILES)) writeFileSync(join(rowsDocs, name), text);
    rowsIndex = openSearchIndex({ dataDir: join(rowsRoot, "data") });
    await rowsIndex.index([rowsDocs], { embedder: rowEmbedder });
  });

  afterAll(() => {
    rowsIndex.close();
    rmSync(rowsRoot, { recursive: true, force: true });
  });

  it("passes the rows stored at indexing, and the text where an older index has none", async () => {
    const stored = await rowsIndex.search("kitten garage", { embedder: rowEmbedder, topK: 4 });
    expect(given.length).toBeGreaterThan(0);
    expect(given.every((text) => text instanceof Uint32Array)).toBe(true);
    for (const hit of stored.results) {
      expect(hit.scores.lateInteraction).toBe(hit.text.length);
    }
    // As an index written before word rows were stored: the texts themselves, same scores.
    // (Deleted through another connection, which also shows remembered rows are dropped.)
    const other = openSearchIndex({ dataDir: join(rowsRoot, "data") });
    other.database.exec("DELETE FROM search_word_rows");
    other.close();
    given.length = 0;
    const older = await rowsIndex.search("kitten garage", { embedder: rowEmbedder, topK: 4 });
    expect(given.length).toBeGreaterThan(0);
    expect(given.every((text) => typeof text === "string")).toBe(true);
    expect(older.results.map((hit) => [hit.chunkId, hit.score])).toEqual(
      stored.results.map((hit) => [hit.chunkId, hit.score]),
    );
  });
});
