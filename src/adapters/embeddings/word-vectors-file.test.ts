import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { TokenwiseError } from "../../core/errors/index.js";
import { tinyWordVectors } from "./test-support/tiny-word-vectors.js";
import {
  openWordVectorsFile,
  readWordVectorsFile,
  writeWordVectorsFile,
} from "./word-vectors-file.js";

const directories: string[] = [];
function temporaryDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), "tokenwise-word-vectors-"));
  directories.push(directory);
  return directory;
}

afterEach(() => {
  for (const directory of directories.splice(0))
    rmSync(directory, { recursive: true, force: true });
});

describe("word vectors file", () => {
  it("round-trips words, scales and int8 values exactly", async () => {
    const path = join(temporaryDirectory(), "nested", "vectors.bin");
    const vectors = tinyWordVectors(7);
    await writeWordVectorsFile(path, vectors);
    const read = await readWordVectorsFile(path);
    expect(read?.dimensions).toBe(7);
    expect(read?.source).toBe("tiny");
    expect(read?.vocabulary.size).toBe(20);
    expect(read?.vocabulary.rowOf("kitten")).toBe(vectors.vocabulary.rowOf("kitten"));
    expect(Array.from(read?.scales ?? [])).toEqual(Array.from(vectors.scales));
    expect(Array.from(read?.values ?? [])).toEqual(Array.from(vectors.values));
  });

  it("leaves no temporary file behind", async () => {
    const directory = temporaryDirectory();
    await writeWordVectorsFile(join(directory, "vectors.bin"), tinyWordVectors(5));
    expect(readdirSync(directory)).toEqual(["vectors.bin"]);
  });

  it("returns undefined for a missing file", async () => {
    expect(await readWordVectorsFile(join(temporaryDirectory(), "none.bin"))).toBeUndefined();
  });

  it("refuses a truncated file with store_error and the fix", async () => {
    const path = join(temporaryDirectory(), "vectors.bin");
    await writeWordVectorsFile(path, tinyWordVectors(5));
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, bytes.length - 3));
    const error = await readWordVectorsFile(path).catch((caught: unknown) => caught);
    expect(TokenwiseError.hasCode(error, "store_error")).toBe(true);
    expect((error as Error).message).toMatch(
      /\(4513 bytes instead of 4516: truncated\); delete it and it will be rebuilt/,
    );
  });

  it("refuses a file that is not a word vectors file", async () => {
    const path = join(temporaryDirectory(), "vectors.bin");
    writeFileSync(path, Buffer.alloc(5000, 1));
    await expect(readWordVectorsFile(path)).rejects.toThrow(/wrong magic bytes/);
  });
});

describe("openWordVectorsFile", () => {
  async function written(dimensions = 7) {
    const path = join(temporaryDirectory(), "vectors.bin");
    const vectors = tinyWordVectors(dimensions);
    await writeWordVectorsFile(path, vectors);
    return { path, vectors };
  }
  const rowValues = (values: Int8Array, row: number, dimensions: number) =>
    Array.from(values.subarray(row * dimensions, (row + 1) * dimensions));

  it("reads the vocabulary and scales at once and a row only when asked for", async () => {
    const { path, vectors } = await written();
    const reader = openWordVectorsFile(path);
    if (reader === undefined) throw new Error("no reader");
    expect(reader.vectors.source).toBe("tiny");
    expect(Array.from(reader.vectors.scales)).toEqual(Array.from(vectors.scales));
    const kitten = reader.vectors.vocabulary.rowOf("kitten");
    expect(kitten).toBe(vectors.vocabulary.rowOf("kitten"));
    expect(reader.rowsRead).toBe(0);
    expect(rowValues(reader.vectors.values, kitten, 7)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    reader.ensureRows([kitten, kitten, kitten + 1]);
    expect(reader.rowsRead).toBe(2);
    for (const row of [kitten, kitten + 1]) {
      expect(rowValues(reader.vectors.values, row, 7)).toEqual(rowValues(vectors.values, row, 7));
    }
    expect(rowValues(reader.vectors.values, kitten + 2, 7)).toEqual(
      Array.from({ length: 7 }, () => 0),
    );
    reader.ensureRows([kitten]);
    expect(reader.rowsRead).toBe(2);
  });

  it("reads through gaps of up to mergeGap rows, and only the rows asked for without it", async () => {
    const { path, vectors } = await written();
    const merged = openWordVectorsFile(path, { mergeGap: 2 });
    merged?.ensureRows([3, 0, 9]);
    // 0 and 3 are two rows apart, one read of rows 0-3; 9 is five rows past 3, a read of its own.
    expect(merged?.rowsRead).toBe(5);
    for (const row of [0, 1, 2, 3, 9]) {
      expect(rowValues(merged?.vectors.values ?? new Int8Array(), row, 7)).toEqual(
        rowValues(vectors.values, row, 7),
      );
    }
    const exact = openWordVectorsFile(path);
    exact?.ensureRows([3, 0, 9]);
    expect(exact?.rowsRead).toBe(3);
  });

  it("reads every row at once when a batch needs more separate reads than fullReadRuns", async () => {
    const { path, vectors } = await written();
    const reader = openWordVectorsFile(path, { fullReadRuns: 2 });
    reader?.ensureRows([0, 2, 4]);
    expect(reader?.rowsRead).toBe(20);
    expect(Array.from(reader?.vectors.values ?? [])).toEqual(Array.from(vectors.values));
  });

  it("refuses to mix rows of a file replaced while in use", async () => {
    const { path } = await written();
    const reader = openWordVectorsFile(path);
    writeFileSync(path, Buffer.concat([readFileSync(path), Buffer.alloc(4)]));
    expect(() => reader?.ensureRows([1])).toThrow(/changed while in use; run the command again/);
  });

  it("returns undefined for a missing file and refuses truncated or foreign files", async () => {
    expect(openWordVectorsFile(join(temporaryDirectory(), "none.bin"))).toBeUndefined();
    const { path } = await written(5);
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, bytes.length - 3));
    expect(() => openWordVectorsFile(path)).toThrow(/4513 bytes instead of 4516: truncated/);
    writeFileSync(path, Buffer.alloc(100, 1));
    expect(() => openWordVectorsFile(path)).toThrow(/wrong magic bytes/);
  });
});
