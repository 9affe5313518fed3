import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TokenwiseError } from "../../core/errors/index.js";
import { cosineSimilarity } from "../../core/vectors/index.js";
import { sifWeightsByRank } from "./sif-weights.js";
import { tinyWordVectors } from "./test-support/tiny-word-vectors.js";
import { Vocabulary } from "./vocabulary.js";
import { createWordVectorEmbedder } from "./word-vector-embedder.js";
import { openWordVectorsFile, writeWordVectorsFile } from "./word-vectors-file.js";

describe("createWordVectorEmbedder", () => {
  it("is the SIF-weighted average of the word vectors, at unit length", async () => {
    // Two orthogonal words: the average's components are exactly their weights.
    const vectors = {
      dimensions: 2,
      vocabulary: Vocabulary.fromWords(["common", "rare"]),
      scales: new Float32Array([1, 1]),
      values: new Int8Array([1, 0, 0, 1]),
      source: "test",
    };
    const embedder = createWordVectorEmbedder({
      vectors,
      model: "m",
      smoothing: 0.5,
      removeCommonDirection: false,
    });
    const [vector] = await embedder.embed(["rare common common"]);
    const [commonWeight, rareWeight] = sifWeightsByRank({
      words: 2,
      smoothing: 0.5,
    }) as unknown as [number, number];
    const length = Math.hypot(2 * commonWeight, rareWeight);
    expect(Array.from(vector as Float32Array)).toEqual([
      Math.fround((2 * commonWeight) / length),
      Math.fround(rareWeight / length),
    ]);
  });

  it("places texts on one topic close together and apart from others", async () => {
    const embedder = createWordVectorEmbedder({ vectors: tinyWordVectors(), model: "tiny" });
    const [cats, pets, cars] = await embedder.embed([
      "the cat and the kitten",
      "a dog is a pet",
      "the car engine",
    ]);
    expect(cosineSimilarity(cats as Float32Array, pets as Float32Array)).toBeGreaterThan(0.6);
    expect(cosineSimilarity(cats as Float32Array, cars as Float32Array)).toBeLessThan(0.2);
  });

  it("removes the common direction from every vector", async () => {
    const vectors = tinyWordVectors();
    const withIt = createWordVectorEmbedder({ vectors, model: "tiny" });
    const without = createWordVectorEmbedder({
      vectors,
      model: "tiny",
      removeCommonDirection: false,
    });
    const [kept] = await without.embed(["the cat"]);
    const [removed] = await withIt.embed(["the cat"]);
    expect(Array.from(kept as Float32Array)).not.toEqual(Array.from(removed as Float32Array));
  });

  it("gives the zero vector to text without a known word, and is deterministic", async () => {
    const embedder = createWordVectorEmbedder({ vectors: tinyWordVectors(), model: "tiny" });
    const [unknown, first, second] = await embedder.embed(["12345 !!", "kitten", "kitten"]);
    expect(Array.from(unknown as Float32Array).every((value) => value === 0)).toBe(true);
    expect(Array.from(first as Float32Array)).toEqual(Array.from(second as Float32Array));
    expect(embedder.dimensions).toBe(100);
    expect(embedder.model).toBe("tiny");
  });

  it("rejects bad smoothing and non-string texts", async () => {
    expect(() =>
      createWordVectorEmbedder({ vectors: tinyWordVectors(), model: "m", smoothing: 0 }),
    ).toThrow(/smoothing must be a positive number/);
    const embedder = createWordVectorEmbedder({ vectors: tinyWordVectors(), model: "m" });
    const error = await embedder
      .embed(["ok", 5 as unknown as string])
      .catch((caught: unknown) => caught);
    expect(TokenwiseError.hasCode(error, "invalid_input")).toBe(true);
    expect((error as Error).message).toBe("texts[1] must be a string, got number");
  });

  it("gives the same vectors from a file read on demand, reading only the rows it uses", async () => {
    const directory = mkdtempSync(join(tmpdir(), "tokenwise-embedder-"));
    try {
      const vectors = tinyWordVectors();
      const path = join(directory, "vectors.bin");
      await writeWordVectorsFile(path, vectors);
      // A file from before the SIF values were stored: the same file without them.
      const olderPath = join(directory, "older.bin");
      const bytes = readFileSync(path);
      const header = JSON.parse(bytes.toString("utf8", 12, 12 + bytes.readUInt32LE(8)));
      expect(header.sif.commonDirection).toHaveLength(vectors.dimensions);
      delete header.sif;
      const json = Buffer.from(JSON.stringify(header), "utf8");
      bytes.fill(0, 8, 4096);
      bytes.writeUInt32LE(json.length, 8);
      json.copy(bytes, 12);
      writeFileSync(olderPath, bytes);
      const texts = ["the kitten and the dog", "pay the bank", "an engine"];
      for (const file of [path, olderPath]) {
        for (const removeCommonDirection of [true, false]) {
          const reader = openWordVectorsFile(file);
          if (reader === undefined) throw new Error("no reader");
          expect(reader.vectors.precomputed === undefined).toBe(file === olderPath);
          const lazy = createWordVectorEmbedder({
            vectors: reader.vectors,
            model: "tiny",
            removeCommonDirection,
            ensureRows: reader.ensureRows,
          });
          const full = createWordVectorEmbedder({ vectors, model: "tiny", removeCommonDirection });
          const fromFile = await lazy.embed(texts);
          const inMemory = await full.embed(texts);
          expect(fromFile.map((vector) => Array.from(vector))).toEqual(
            inMemory.map((vector) => Array.from(vector)),
          );
          // the, kitten, and, dog, pay, bank, engine ("an" is not in the vocabulary); computing
          // the common direction (a file without it) reads every row of this tiny vocabulary.
          const computes = removeCommonDirection && file === olderPath;
          expect(reader.rowsRead).toBe(computes ? vectors.vocabulary.size : 7);
        }
      }
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

describe("late interaction", () => {
  // a and b orthogonal, c between them (cosine 1/√2 with each), d opposite a.
  const vectors = {
    dimensions: 2,
    vocabulary: Vocabulary.fromWords(["a", "b", "c", "d"]),
    scales: new Float32Array([0.1, 0.1, 0.1, 0.1]),
    values: new Int8Array([10, 0, 0, 10, 10, 10, -10, 0]),
    source: "test",
  };
  const make = (ensureRows?: (rows: ArrayLike<number>) => void) =>
    createWordVectorEmbedder({ vectors, model: "m", smoothing: 0.5, ensureRows });
  const [wa, wb] = sifWeightsByRank({ words: 4, smoothing: 0.5 }) as unknown as [number, number];
  const late = async (query: string, texts: Array<string | Uint32Array>) => {
    const scores = await make().lateInteraction?.(query, texts);
    if (scores === undefined) throw new Error("no lateInteraction");
    return scores;
  };

  it("averages each query word's best cosine in the text, SIF-weighted", async () => {
    const [onlyC, onlyA, bAndC, none, unknown] = await late("a b", ["c", "a", "b c", "", "zzz"]);
    expect(onlyC).toBeCloseTo(Math.SQRT1_2, 6);
    expect(onlyA).toBeCloseTo(wa / (wa + wb), 6);
    expect(bAndC).toBeCloseTo((wa * Math.SQRT1_2 + wb) / (wa + wb), 6);
    expect(none).toBe(0);
    expect(unknown).toBe(0);
    // Repeated words count once on either side.
    expect(await late("a a b", ["c c a"])).toEqual(await late("a b", ["a c"]));
  });

  it("counts an opposite word as 0, not below, and a query with no known word as 0", async () => {
    expect(await late("a", ["d"])).toEqual([0]);
    expect(await late("zzz 123", ["a b"])).toEqual([0]);
  });

  it("scores the rows wordRows gives exactly as the text", async () => {
    const embedder = make();
    const texts = ["c a", "b", "d b c"];
    const rows = await embedder.wordRows?.(texts);
    expect(rows?.map((row) => Array.from(row))).toEqual([[0, 2], [1], [1, 2, 3]]);
    expect(await embedder.lateInteraction?.("a b", rows ?? [])).toEqual(
      await embedder.lateInteraction?.("a b", texts),
    );
  });

  it("reads the rows it uses before reading them", async () => {
    const asked: number[] = [];
    const embedder = make((rows) => asked.push(...Array.from(rows)));
    asked.length = 0; // creating it read the rows of the common direction
    await embedder.lateInteraction?.("a", ["b c", "c"]);
    expect(new Set(asked)).toEqual(new Set([0, 1, 2]));
  });

  it("rejects texts that are neither strings nor word rows", async () => {
    await expect(late("a", [5 as unknown as string])).rejects.toThrow(
      "texts[0] must be a string or the Uint32Array wordRows gave, got number",
    );
  });
});
