import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
// Internal: the SQLite connection alone, as search-index.ts opens it.
import { openSqliteConnection } from "../../adapters/stores/sqlite-database.js";
import { toFtsPhrases, toFtsQuery } from "./fts-query.js";
import { type FileUpdate, IndexDatabase } from "./index-database.js";
import { KeywordIndex } from "./keyword-index.js";
import { openSearchIndex } from "./search-index.js";

const root = mkdtempSync(join(tmpdir(), "tokenwise-keyword-index-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const corpus = new URL("../../../test/search-eval/corpus/", import.meta.url);

/** A file cut into chunks of `lines` lines, each chunk's hash its text (copies share one). */
function file(path: string, text: string, lines = 12): FileUpdate {
  const all = text.split("\n");
  const chunks = [];
  for (let start = 0; start < all.length; start += lines) {
    const chunkText = all.slice(start, start + lines).join("\n");
    chunks.push({
      ordinal: chunks.length,
      startChar: 0,
      endChar: chunkText.length,
      startLine: start + 1,
      endLine: Math.min(all.length, start + lines),
      tokens: 1,
      text: chunkText,
      contentHash: `hash:${chunkText}`,
    });
  }
  return { path, contentHash: `file:${path}`, chunking: "test", size: text.length, chunks };
}

function fixtureIndex(name: string): IndexDatabase {
  const index = new IndexDatabase(openSqliteConnection({ path: join(root, name) }).database);
  const files = readdirSync(corpus)
    .sort()
    .map((entry) => file(`/corpus/${entry}`, readFileSync(new URL(entry, corpus), "utf8")));
  const semver = readFileSync(new URL("semver-readme.txt", corpus), "utf8");
  files.push(
    // A copy under another name: equal text, different title, so not always equal scores.
    file("/copies/semver-copy.txt", semver),
    file(
      "/extra/unicode.md",
      "# Café naïve\n\nThe naïve café serves crème brûlée.\nDon't panic: it's state-of-the-art.\n" +
        "Cache the cache; caching caches cached values.\nto be or not to be\nA a a a phrase.\n",
      3,
    ),
  );
  index.saveSettings({
    model: "test",
    dimensions: 2,
    tokenizer: "cl100k_base",
    chunkTokens: 12,
    overlapTokens: 0,
  });
  index.writeBatch(files, new Map());
  return index;
}

const QUESTIONS: string[] = [
  ...(
    JSON.parse(
      readFileSync(new URL("../../../test/search-eval/queries.json", import.meta.url), "utf8"),
    ) as { queries: Array<{ query: string }> }
  ).queries.map((query) => query.query),
  "cache Cache caching",
  "naive cafe",
  "naïve café crème",
  "don't panic",
  "state-of-the-art",
  '"to be or not"',
  "to be or not to be",
  '"a a"',
  '"version range" semver',
  "the",
  "zzzzunknownword",
  "license license license",
  "MIT OR Apache",
];

describe("KeywordIndex", () => {
  it("ranks exactly as FTS5's bm25(): same chunks, order and scores to the bit", () => {
    const index = fixtureIndex("equal.db");
    const keyword = KeywordIndex.load(index.database);
    let compared = 0;
    for (const question of QUESTIONS) {
      for (const limit of [1, 5, 50, 500]) {
        const fts = index.keywordMatches(toFtsQuery(question) as string, limit);
        const resident = keyword.matches(toFtsPhrases(question), limit);
        expect(resident, `${question} (limit ${limit})`).toEqual(fts);
        compared += fts.length;
      }
    }
    expect(compared).toBeGreaterThan(5000);
    index.database.close();
  });

  it("leaves prefix queries to FTS5", () => {
    const index = fixtureIndex("prefix.db");
    const keyword = KeywordIndex.load(index.database);
    expect(keyword.matches(toFtsPhrases("licen* terms"), 10)).toBeUndefined();
    index.database.close();
  });

  it("is used from a SearchIndex's second keyword search on, and follows index changes", () => {
    const path = join(root, "search.db");
    fixtureIndex("search.db").database.close();
    const search = openSearchIndex({ path });
    const writer = new IndexDatabase(openSqliteConnection({ path }).database);
    const run = async (query: string) =>
      (await search.search(query, { mode: "keyword", topK: 5 })).results.map((hit) => [
        hit.path,
        hit.startLine,
        hit.score,
      ]);
    return (async () => {
      const first = await run("patent license termination");
      expect(first).toHaveLength(5);
      expect(await run("patent license termination")).toEqual(first);
      expect(await run("zebra giraffe")).toEqual([]);
      writer.writeBatch([file("/zoo.txt", "A zebra met a giraffe.")], new Map());
      expect((await run("zebra giraffe"))[0]?.[0]).toBe("/zoo.txt");
      writer.database.close();
      search.close();
    })();
  });
});
