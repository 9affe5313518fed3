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
