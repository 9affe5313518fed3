import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openSqliteConnection } from "../../adapters/stores/index.js";
import { type FileUpdate, IndexDatabase } from "./index-database.js";

const root = mkdtempSync(join(tmpdir(), "tokenwise-index-database-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const SETTINGS = {
  model: "m",
  dimensions: 2,
  tokenizer: "cl100k_base" as const,
  chunkTokens: 256,
  overlapTokens: 0,
};

function file(path: string, texts: string[]): FileUpdate {
  return {
    path,
    contentHash: `file:${texts.join("|")}`,
    chunking: "x",
    size: 1,
    chunks: texts.map((text, ordinal) => ({
      ordinal,
      startChar: 0,
      endChar: text.length,
      startLine: ordinal + 1,
      endLine: ordinal + 1,
      tokens: 1,
      text,
      contentHash: `hash:${text}`,
    })),
  };
}

function open(name: string): IndexDatabase {
  return new IndexDatabase(openSqliteConnection({ path: join(root, name) }).database);
}

const snapshotParts = (index: IndexDatabase) =>
  (
    index.database.prepare("SELECT COUNT(*) AS parts FROM search_vector_snapshot").get() as {
      parts: number;
    }
  ).parts;

describe("IndexDatabase vector snapshot", () => {
  it("loads one row per distinct text, from the snapshot once written", () => {
    const index = open("one.db");
    index.saveSettings(SETTINGS);
    index.writeBatch(
      [file("/a", ["cat", "dog"]), file("/b", ["cat"])],
      new Map([
        ["hash:cat", new Float32Array([1, 0])],
        ["hash:dog", new Float32Array([0, 1])],
      ]),
    );
    expect(snapshotParts(index)).toBe(0);
    const first = index.loadVectors(2);
    expect([...first.ids]).toEqual([1, 2]);
    expect(first.hashes).toEqual(["hash:cat", "hash:dog"]);
    expect([...first.data]).toEqual([1, 0, 0, 1]);
    expect(snapshotParts(index)).toBe(3);
    // Prove the second load reads the snapshot: change a vector behind the snapshot's back.
    index.database
      .prepare("UPDATE search_vectors SET vector = ? WHERE content_hash = 'hash:dog'")
      .run(Buffer.from(new Float32Array([0, -1]).buffer));
    expect([...index.loadVectors(2).data]).toEqual([1, 0, 0, 1]);
    index.database.close();
  });

  it("rebuilds the snapshot after any write, from this or another connection", () => {
    const writer = open("two.db");
    writer.saveSettings(SETTINGS);
    writer.writeBatch([file("/a", ["cat"])], new Map([["hash:cat", new Float32Array([1, 0])]]));
    writer.refreshVectorSnapshot(2);
    const reader = open("two.db");
    expect(reader.loadVectors(2).hashes).toEqual(["hash:cat"]);
    writer.writeBatch([file("/b", ["owl"])], new Map([["hash:owl", new Float32Array([0, 1])]]));
    expect(reader.loadVectors(2).hashes).toEqual(["hash:cat", "hash:owl"]);
    writer.removeFiles(["/a"]);
    writer.removeOrphanVectors();
    expect(reader.loadVectors(2).hashes).toEqual(["hash:owl"]);
    writer.clear();
    expect(reader.loadVectors(2).hashes).toEqual([]);
    writer.database.close();
    reader.database.close();
  });

  it("ignores a snapshot of other dimensions or with missing parts", () => {
    const index = open("three.db");
    index.saveSettings(SETTINGS);
    index.writeBatch([file("/a", ["cat"])], new Map([["hash:cat", new Float32Array([3, 4])]]));
    index.refreshVectorSnapshot(2);
    index.database.exec("DELETE FROM search_vector_snapshot WHERE part = 2");
    expect([...index.loadVectors(2).data]).toEqual([3, 4]);
    expect(() => index.loadVectors(3)).toThrow(/2-dimensional vector where 3 were expected/);
    index.database.close();
  });

  it("writes no snapshot while searching when the vectors are large, but does when indexing", () => {
    const dimensions = 2_200_000; // 8.8 MB: over what a search writes, under what indexing does
    const index = open("four.db");
    index.saveSettings({ ...SETTINGS, dimensions });
    index.writeBatch(
      [file("/a", ["big"])],
      new Map([["hash:big", new Float32Array(dimensions).fill(0.25)]]),
    );
    expect(index.loadVectors(dimensions).data[dimensions - 1]).toBe(0.25);
    expect(snapshotParts(index)).toBe(0);
    index.refreshVectorSnapshot(dimensions);
    expect(snapshotParts(index)).toBe(3);
    expect(index.loadVectors(dimensions).data[dimensions - 1]).toBe(0.25);
    index.database.close();
  });
});

describe("IndexDatabase title field", () => {
  const ids = (index: IndexDatabase, query: string) =>
    index.keywordMatches(query, 10).map((match) => match.id);

  it("ranks the first chunk of a file whose name and opening match above the same words elsewhere", () => {
    const index = open("title.db");
    index.saveSettings(SETTINGS);
    index.writeBatch(
      [
        // Chunk 2: the words deep in another file.
        file("/docs/other.txt", ["an introduction", "sort lines of text files"]),
        // Chunk 3: the same words opening sort.txt (a period apart, so not a copy).
        file("/docs/sort.txt", ["sort lines of text files."]),
      ],
      new Map(),
    );
    expect(ids(index, '"lines" OR "text"')).toEqual([3, 2]);
    // Without the title column the two tie and the lower id comes first.
    const plain = index.database
      .prepare<[], { id: number }>(
        `SELECT rowid AS id FROM search_fts WHERE search_fts MATCH '"lines" OR "text"'
         ORDER BY bm25(search_fts, 1, 0), rowid`,
      )
      .all()
      .map((row) => row.id);
    expect(plain).toEqual([2, 3]);
    // The file name is searchable through the title; later chunks have none.
    expect(ids(index, '"introduction"')).toEqual([1]);
    expect(ids(index, '"other"')).toEqual([1]);
    index.database.close();
  });

  it("upgrades a version 1 index in place: titles filled, keyword search keeps working", () => {
    const path = join(root, "v1.db");
    const { database } = openSqliteConnection({ path });
    database.exec(`
      CREATE TABLE search_meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
      INSERT INTO search_meta (key, value) VALUES ('schema_version', '1'), ('generation', '4');
      CREATE TABLE search_files (id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE,
        content_hash TEXT NOT NULL, chunking TEXT NOT NULL, size INTEGER NOT NULL,
        indexed_at INTEGER NOT NULL);
      CREATE TABLE search_chunks (id INTEGER PRIMARY KEY, file_id INTEGER NOT NULL,
        ordinal INTEGER NOT NULL, start_char INTEGER NOT NULL, end_char INTEGER NOT NULL,
        start_line INTEGER NOT NULL, end_line INTEGER NOT NULL, tokens INTEGER NOT NULL,
        text TEXT NOT NULL, content_hash TEXT NOT NULL);
      CREATE VIRTUAL TABLE search_fts USING fts5(text, content = 'search_chunks',
        content_rowid = 'id', tokenize = 'porter unicode61 remove_diacritics 2');
      CREATE TRIGGER search_chunks_insert AFTER INSERT ON search_chunks BEGIN
        INSERT INTO search_fts (rowid, text) VALUES (new.id, new.text);
      END;
      CREATE TRIGGER search_chunks_delete AFTER DELETE ON search_chunks BEGIN
        INSERT INTO search_fts (search_fts, rowid, text) VALUES ('delete', old.id, old.text);
      END;
      INSERT INTO search_files VALUES (1, '/man/shred.txt', 'f', 'x', 1, 0);
      INSERT INTO search_chunks VALUES (1, 1, 0, 0, 9, 1, 1, 1, 'overwrite a file', 'h1');
      INSERT INTO search_chunks VALUES (2, 1, 1, 9, 20, 2, 2, 1, 'more options', 'h2');
    `);
    database.close();

    const index = open("v1.db");
    const meta = (key: string) =>
      (
        index.database.prepare("SELECT value FROM search_meta WHERE key = ?").get(key) as {
          value: string;
        }
      ).value;
    expect(meta("schema_version")).toBe("2");
    expect(Number(meta("generation"))).toBeGreaterThan(4);
    expect(index.database.prepare("SELECT id, title FROM search_chunks ORDER BY id").all()).toEqual(
      [
        { id: 1, title: "shred overwrite a file" },
        { id: 2, title: "" },
      ],
    );
    expect(ids(index, '"shred"')).toEqual([1]);
    expect(ids(index, '"options"')).toEqual([2]);
    // New chunks and deletions keep the full-text index in step through the new triggers.
    index.writeBatch([file("/man/tac.txt", ["print lines in reverse"])], new Map());
    expect(ids(index, '"tac"')).toHaveLength(1);
    index.removeFiles(["/man/shred.txt"]);
    expect(ids(index, '"shred"')).toEqual([]);
    index.database.close();
    // Opening again does not upgrade twice.
    open("v1.db").database.close();
  });

  it("refuses an index from a newer schema, naming the fix", () => {
    const index = open("future.db");
    index.database.prepare("UPDATE search_meta SET value = '9' WHERE key = 'schema_version'").run();
    index.database.close();
    expect(() => open("future.db")).toThrow(/schema 9, this one reads 2.*--rebuild/);
  });
});

describe("IndexDatabase word rows", () => {
  it("stores word rows per distinct text and drops them with their chunks", () => {
    const index = open("rows.db");
    index.saveSettings(SETTINGS);
    index.writeBatch(
      [file("/a", ["cat", "dog"])],
      new Map([
        ["hash:cat", new Float32Array([1, 0])],
        ["hash:dog", new Float32Array([0, 1])],
      ]),
      new Map([
        ["hash:cat", Uint32Array.of(3, 70_000, 4_000_000_000)],
        ["hash:dog", new Uint32Array(0)],
      ]),
    );
    const rows = index.wordRows(["hash:cat", "hash:dog", "hash:none"]);
    expect([...rows.keys()]).toEqual(["hash:cat", "hash:dog"]);
    expect(Array.from(rows.get("hash:cat") ?? [])).toEqual([3, 70_000, 4_000_000_000]);
    expect(rows.get("hash:dog")?.length).toBe(0);
    // The file now holds only "cat": "dog"'s rows go with its vector.
    index.writeBatch([file("/a", ["cat"])], new Map());
    index.removeOrphanVectors();
    expect([...index.wordRows(["hash:cat", "hash:dog"]).keys()]).toEqual(["hash:cat"]);
    index.clear();
    expect(index.wordRows(["hash:cat"]).size).toBe(0);
    index.database.close();
  });
});
