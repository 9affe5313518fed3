import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { toFtsQuery } from "./fts-query.js";

describe("toFtsQuery", () => {
  it("ORs quoted words so BM25 ranks partial matches", () => {
    expect(toFtsQuery("retry backoff")).toBe('"retry" OR "backoff"');
  });

  it("keeps phrases, prefixes and connected words together", () => {
    expect(toFtsQuery('state-of-the-art "exact phrase" rank* AND (x)')).toBe(
      '"exact phrase" OR "state of the art" OR "rank"* OR "x"',
    );
    expect(toFtsQuery("snake_case node.js don't")).toBe('"snake case" OR "node js" OR "don t"');
  });

  it("leaves out stop words unless nothing else is left", () => {
    expect(toFtsQuery("How do I count the lines in a file?")).toBe('"count" OR "lines" OR "file"');
    expect(toFtsQuery("to be or not to be")).toBe('"to" OR "be" OR "or" OR "not"');
    expect(toFtsQuery('"to be" or not')).toBe('"to be"');
    expect(toFtsQuery("the*")).toBe('"the"*');
  });

  it("drops duplicates and returns undefined when nothing is searchable", () => {
    expect(toFtsQuery("cache Cache cache")).toBe('"cache" OR "Cache"');
    expect(toFtsQuery('!!! -- "" * ()')).toBeUndefined();
  });

  it("never produces a query FTS5 rejects", () => {
    const database = new Database(":memory:");
    database.exec(
      "CREATE VIRTUAL TABLE docs USING fts5(text, tokenize = 'porter unicode61 remove_diacritics 2')",
    );
    database
      .prepare("INSERT INTO docs (text) VALUES (?)")
      .run("The state-of-the-art retry AND backoff, naïve café 日本語");
    const match = database.prepare("SELECT rowid FROM docs WHERE docs MATCH ?");
    const nasty = [
      'he said "hi',
      "a AND",
      "OR",
      "NOT this",
      "NEAR(a b)",
      "-negated",
      "col:umn",
      "text:retry",
      "^start",
      "a + b",
      "(((",
      '"""',
      "*",
      "retry*",
      "x'y",
      "{a b}",
      "naïve",
      "日本語",
      "🙂 emoji",
      "a - b",
      "AND OR NOT",
      "C++ and C#",
      "$HOME/.config",
      "100%",
      "e.g. i.e.",
    ];
    for (const query of nasty) {
      const fts = toFtsQuery(query);
      if (fts !== undefined) expect(() => match.all(fts), query).not.toThrow();
    }
    expect(match.all(toFtsQuery("state-of-the-art") as string)).toEqual([{ rowid: 1 }]);
    expect(match.all(toFtsQuery("naive") as string)).toEqual([{ rowid: 1 }]);
    expect(match.all(toFtsQuery("retri*") as string)).toEqual([{ rowid: 1 }]);
    database.close();
  });
});
