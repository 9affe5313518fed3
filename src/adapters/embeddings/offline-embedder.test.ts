import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cosineSimilarity } from "../../core/vectors/index.js";
import {
  createOfflineEmbedder,
  OFFLINE_EMBEDDING_MODEL,
  OFFLINE_VECTORS_FILE,
} from "./offline-embedder.js";
import { installTinyOfflineVectors } from "./test-support/tiny-word-vectors.js";

const root = mkdtempSync(join(tmpdir(), "tokenwise-offline-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A 100-dimensional file in the wink format with three words: two close, one apart. */
function tinyWinkSource(): string {
  const vector = (axis: number, rank: number, lean = 0) => [
    ...Array.from({ length: 100 }, (_, index) => (index === axis ? 1 : index === 50 ? lean : 0)),
    1,
    rank,
  ];
  const path = join(root, "tiny-wink.json");
  writeFileSync(
    path,
    JSON.stringify({
      precision: 8,
      l2NormIndex: 100,
      wordIndex: 101,
      size: 3,
      dimensions: 100,
      words: ["cat", "kitten", "car"],
      vectors: { cat: vector(0, 0, 0.2), kitten: vector(0, 1, 0.3), car: vector(7, 2) },
      unkVector: [],
    }),
  );
  return path;
}

describe("createOfflineEmbedder", () => {
  it("converts its source once into the data directory, then reuses the file", async () => {
    const dataDir = join(root, "convert");
    const sourcePath = tinyWinkSource();
    const conversions: number[] = [];
    const first = createOfflineEmbedder({
      dataDir,
      sourcePath,
      onConversionProgress: ({ bytesRead }) => conversions.push(bytesRead),
    });
    expect(first.model).toBe(OFFLINE_EMBEDDING_MODEL);
    expect(first.model).toBe("tokenwise-offline-glove-100d");
    expect(first.dimensions).toBe(100);
    const [cat, kitten, car] = await first.embed(["cat", "kitten", "car"]);
    expect(conversions.length).toBeGreaterThan(0);
    expect(cosineSimilarity(cat as Float32Array, kitten as Float32Array)).toBeGreaterThan(0.9);
    expect(cosineSimilarity(cat as Float32Array, car as Float32Array)).toBeLessThan(0.1);
    const written = statSync(join(dataDir, OFFLINE_VECTORS_FILE)).mtimeMs;

    const later = createOfflineEmbedder({
      dataDir,
      sourcePath,
      onConversionProgress: () => {
        throw new Error("must not convert again");
      },
    });
    const [again] = await later.embed(["cat"]);
    expect(Array.from(again as Float32Array)).toEqual(Array.from(cat as Float32Array));
    expect(statSync(join(dataDir, OFFLINE_VECTORS_FILE)).mtimeMs).toBe(written);
  });

  it("rebuilds a corrupted converted file instead of failing", async () => {
    const dataDir = join(root, "corrupt");
    const sourcePath = tinyWinkSource();
    await createOfflineEmbedder({ dataDir, sourcePath }).load();
    const path = join(dataDir, OFFLINE_VECTORS_FILE);
    const complete = statSync(path).size;
    writeFileSync(path, readFileSync(path).subarray(0, complete - 10));
    const [vector] = await createOfflineEmbedder({ dataDir, sourcePath }).embed(["kitten"]);
    expect(vector?.length).toBe(100);
    expect(statSync(path).size).toBe(complete);
  });

  it("uses an already converted file labelled with the installed package without reading the JSON", async () => {
    const dataDir = join(root, "installed");
    await installTinyOfflineVectors(dataDir);
    const embedder = createOfflineEmbedder({
      dataDir,
      onConversionProgress: () => {
        throw new Error("must not convert");
      },
    });
    const [dog, puppy, bank] = await embedder.embed(["dog", "puppy", "bank"]);
    expect(cosineSimilarity(dog as Float32Array, puppy as Float32Array)).toBeGreaterThan(0.5);
    expect(cosineSimilarity(dog as Float32Array, bank as Float32Array)).toBeLessThan(0.2);
  });

  it("reports a failed load and succeeds once the cause is fixed", async () => {
    const dataDir = join(root, "retry");
    const sourcePath = join(root, "appears-later.json");
    const embedder = createOfflineEmbedder({ dataDir, sourcePath });
    await expect(embedder.embed(["cat"])).rejects.toThrow(
      /cannot read the offline word vectors source/,
    );
    writeFileSync(sourcePath, readFileSync(tinyWinkSource()));
    expect((await embedder.embed(["cat"]))[0]?.length).toBe(100);
  });
});
