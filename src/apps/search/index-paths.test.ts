import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { recordingTopicEmbedder } from "../../adapters/embeddings/test-support/tiny-word-vectors.js";
import { createMemoryStore } from "../../adapters/stores/index.js";
import { TokenwiseError } from "../../core/errors/index.js";
import { costOfTokens, usd } from "../../core/money/index.js";
import { openSearchIndex, type SearchIndex } from "./search-index.js";

let root: string;
let docs: string;
let index: SearchIndex;

const ANIMALS = Array.from(
  { length: 12 },
  (_, line) => `Line ${line + 1}: the cat chased the kitten around the pet shop.`,
).join("\n");
const VEHICLES = "The truck engine needs a new wheel.\nDrive the car slowly.\n";
const MONEY = "Bank fees raise the price of every payment.\n";

function write(name: string, content: string | Buffer): void {
  writeFileSync(join(docs, name), content);
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "tokenwise-index-"));
  docs = join(root, "docs");
  mkdirSync(docs);
  write("animals.md", ANIMALS);
  write("vehicles.txt", VEHICLES);
  index = openSearchIndex({ dataDir: join(root, "data") });
});

afterEach(() => {
  index.close();
  rmSync(root, { recursive: true, force: true });
});

const CHUNKING = { chunkTokens: 32, overlapTokens: 4 } as const;

describe("indexing", () => {
  it("chunks files with exact line ranges and embeds every distinct chunk once", async () => {
    const embedder = recordingTopicEmbedder();
    const report = await index.index([docs], { embedder, ...CHUNKING });
    expect(report.files).toMatchObject({
      found: 2,
      changed: 2,
      unchanged: 0,
      removed: 0,
      skipped: [],
    });
    expect(
      report.files.changedFiles.map((file) => [file.path.slice(docs.length + 1), file.chunks]),
    ).toEqual([
      ["animals.md", 6],
      ["vehicles.txt", 1],
    ]);
    expect(report.chunks.written).toBe(7);
    expect(report.chunks.toEmbed).toBe(7);
    expect(report.embedding).toMatchObject({ calls: 1, texts: 7, tokens: report.chunks.tokens });
    expect(embedder.calls.flat()).toHaveLength(7);
    expect(report.index).toEqual({ files: 2, chunks: 7, vectors: 7, tokens: report.chunks.tokens });
    expect(index.settings()).toEqual({
      model: "test-topic-embedder",
      dimensions: 4,
      tokenizer: "cl100k_base",
      ...CHUNKING,
    });

    const { results } = await index.search("Line 7", { mode: "keyword", topK: 7 });
    expect(results).toHaveLength(6);
    const lines = ANIMALS.split("\n");
    for (const hit of results) {
      const span = lines.slice(hit.startLine - 1, hit.endLine).join("\n");
      expect(span).toContain(hit.text.trim());
    }
  });

  it("embeds nothing when re-indexing an unchanged tree", async () => {
    const embedder = recordingTopicEmbedder();
    await index.index([docs], { embedder, ...CHUNKING });
    const calls = embedder.calls.length;
    const again = await index.index([docs], { embedder, ...CHUNKING });
    expect(embedder.calls.length).toBe(calls);
    expect(again.files).toMatchObject({ found: 2, changed: 0, unchanged: 2, removed: 0 });
    expect(again.chunks).toEqual({
      written: 0,
      tokens: 0,
      toEmbed: 0,
      tokensToEmbed: 0,
      reused: 0,
    });
    expect(again.embedding.calls).toBe(0);
    expect(again.index.chunks).toBe(7);
  });

  it("embeds only the new chunks of a changed file and drops its old ones", async () => {
    const embedder = recordingTopicEmbedder();
    await index.index([docs], { embedder, ...CHUNKING });
    embedder.calls.length = 0;
    write("vehicles.txt", "Money in the bank.\n");
    const report = await index.index([docs], { embedder, ...CHUNKING });
    expect(embedder.calls).toEqual([["Money in the bank.\n"]]);
    expect(report.files).toMatchObject({ changed: 1, unchanged: 1 });
    expect(report.index).toMatchObject({ files: 2, chunks: 7, vectors: 7 });
    expect((await index.search("truck", { mode: "keyword" })).results).toEqual([]);
    expect(
      (await index.search("bank", { mode: "keyword" })).results.map((hit) => hit.startLine),
    ).toEqual([1]);
  });

  it("removes deleted files and their vectors", async () => {
    const embedder = recordingTopicEmbedder();
    await index.index([docs], { embedder, ...CHUNKING });
    rmSync(join(docs, "animals.md"));
    const report = await index.index([docs], { embedder, ...CHUNKING });
    expect(report.files.removed).toBe(1);
    expect(report.index).toMatchObject({ files: 1, chunks: 1, vectors: 1 });
    expect((await index.search("kitten", { mode: "keyword" })).results).toEqual([]);
    expect(index.paths()).toEqual([join(docs, "vehicles.txt")]);
  });

  it("only removes files under the paths being indexed", async () => {
    const embedder = recordingTopicEmbedder();
    await index.index([docs], { embedder, ...CHUNKING });
    const other = join(root, "other");
    mkdirSync(other);
    writeFileSync(join(other, "money.md"), MONEY);
    const report = await index.index([other], { embedder, ...CHUNKING });
    expect(report.files.removed).toBe(0);
    expect(report.index.files).toBe(3);
  });

  it("embeds a chunk shared by two files once", async () => {
    write("copy.md", ANIMALS);
    const embedder = recordingTopicEmbedder();
    const report = await index.index([docs], { embedder, ...CHUNKING });
    expect(report.chunks.written).toBe(13);
    expect(report.chunks.toEmbed).toBe(7);
    expect(report.chunks.reused).toBe(6);
    expect(embedder.calls.flat()).toHaveLength(7);
    expect(report.index).toMatchObject({ chunks: 13, vectors: 7 });
  });

  it("prices a dry run exactly and writes nothing", async () => {
    const embedder = recordingTopicEmbedder("text-embedding-3-small", 4);
    const report = await index.index([docs], { embedder, ...CHUNKING, dryRun: true });
    expect(report.dryRun).toBe(true);
    expect(embedder.calls).toEqual([]);
    expect(report.embedding.calls).toBe(0);
    expect(report.chunks.toEmbed).toBe(7);
    expect(report.chunks.tokensToEmbed).toBe(report.chunks.tokens);
    expect(report.chunks.tokens).toBe(201);
    expect(report.embedding.cost).toBe(costOfTokens(report.chunks.tokens, usd("0.02")));
    expect(report.index).toEqual({ files: 0, chunks: 0, vectors: 0, tokens: 0 });
    expect(index.settings()).toBeUndefined();
  });

  it("refuses vectors of another model, and --rebuild switches models", async () => {
    await index.index([docs], { embedder: recordingTopicEmbedder("model-a", 4), ...CHUNKING });
    const modelB = recordingTopicEmbedder("model-b", 8);
    const error = await index
      .index([docs], { embedder: modelB, ...CHUNKING })
      .catch((caught: unknown) => caught);
    expect(TokenwiseError.hasCode(error, "mixed_embeddings")).toBe(true);
    expect((error as Error).message).toContain(
      "holds vectors from model-a (4 dimensions), but model-b (8 dimensions) was asked for",
    );
    expect((error as Error).message).toContain(
      '"tokenwise index --rebuild --model model-b <paths>"',
    );
    expect((error as TokenwiseError).details).toMatchObject({
      indexModel: "model-a",
      requestedModel: "model-b",
    });
    expect(modelB.calls).toEqual([]);
    await expect(index.search("cat", { mode: "semantic", embedder: modelB })).rejects.toThrow(
      /holds vectors from model-a/,
    );

    const rebuilt = await index.index([docs], { embedder: modelB, ...CHUNKING, rebuild: true });
    expect(rebuilt.index).toMatchObject({ files: 2, chunks: 7, vectors: 7 });
    expect(index.settings()?.model).toBe("model-b");
    expect(index.settings()?.dimensions).toBe(8);
  });

  it("stops after the batch in flight on abort, and the next run resumes", async () => {
    write("money.md", MONEY);
    const stop = new AbortController();
    const embedder = recordingTopicEmbedder();
    const interrupting = {
      ...embedder,
      embed: async (texts: string[]) => {
        stop.abort();
        return embedder.embed(texts);
      },
    };
    const first = await index.index([docs], {
      embedder: interrupting,
      ...CHUNKING,
      batchChunks: 6,
      signal: stop.signal,
    });
    expect(first.interrupted).toBe(true);
    expect(first.files).toMatchObject({ found: 3, changed: 3, indexed: 1 });
    expect(first.chunks).toMatchObject({ written: 6, toEmbed: 6, reused: 0 });
    expect(first.index).toMatchObject({ files: 1, chunks: 6 });
    expect(index.paths()).toEqual([join(docs, "animals.md")]);

    embedder.calls.length = 0;
    const second = await index.index([docs], { embedder, ...CHUNKING, batchChunks: 6 });
    expect(second.interrupted).toBe(false);
    expect(second.files).toMatchObject({ changed: 2, indexed: 2, unchanged: 1 });
    expect(embedder.calls).toEqual([[MONEY, VEHICLES]]);
    expect(second.index).toMatchObject({ files: 3, chunks: 8 });
  });

  it("takes vectors from the embedding cache after a rebuild", async () => {
    const cache = createMemoryStore();
    const embedder = recordingTopicEmbedder();
    await index.index([docs], { embedder, embeddingCache: cache, ...CHUNKING });
    expect(embedder.calls.flat()).toHaveLength(7);
    embedder.calls.length = 0;
    const rebuilt = await index.index([docs], {
      embedder,
      embeddingCache: cache,
      ...CHUNKING,
      rebuild: true,
    });
    expect(embedder.calls).toEqual([]);
    expect(rebuilt.chunks).toMatchObject({ written: 7, toEmbed: 0, reused: 7 });
    expect(rebuilt.embedding.cost).toBeUndefined();

    const dryRun = await index.index([docs], {
      embedder,
      embeddingCache: cache,
      ...CHUNKING,
      rebuild: true,
      dryRun: true,
    });
    expect(dryRun.chunks).toMatchObject({ written: 7, toEmbed: 0, tokensToEmbed: 0 });
  });

  it("re-chunks unchanged files when the chunk settings change", async () => {
    const embedder = recordingTopicEmbedder();
    await index.index([docs], { embedder, ...CHUNKING });
    const report = await index.index([docs], { embedder, chunkTokens: 64, overlapTokens: 0 });
    expect(report.files).toMatchObject({ changed: 2, unchanged: 0 });
    expect(index.settings()).toMatchObject({ chunkTokens: 64, overlapTokens: 0 });
    expect(report.index.chunks).toBe(4);
  });

  it("reports skipped files and drops a file that turned binary", async () => {
    const embedder = recordingTopicEmbedder();
    await index.index([docs], { embedder, ...CHUNKING });
    write("vehicles.txt", Buffer.from([0x61, 0x00, 0x62]));
    write("photo.jpg", Buffer.from([0xff, 0xd8]));
    const report = await index.index([docs], { embedder, ...CHUNKING });
    expect(
      report.files.skipped.map((file) => [
        file.path.slice(docs.length + 1),
        file.reason,
        file.detail,
      ]),
    ).toEqual([
      ["photo.jpg", "binary", ".jpg files are not text"],
      ["vehicles.txt", "binary", "contains NUL bytes"],
    ]);
    expect(report.files.removed).toBe(1);
    expect(index.paths()).toEqual([join(docs, "animals.md")]);
  });

  it("keeps the index when a rebuild names a path that does not exist", async () => {
    const embedder = recordingTopicEmbedder();
    await index.index([docs], { embedder, ...CHUNKING });
    await expect(
      index.index([join(root, "typo")], { embedder, ...CHUNKING, rebuild: true }),
    ).rejects.toThrow(/^path not found: /);
    expect(index.counts()).toMatchObject({ files: 2, chunks: 7 });
  });

  it("rejects bad settings before touching anything", async () => {
    const embedder = recordingTopicEmbedder();
    await expect(index.index([docs], { embedder, chunkTokens: 8 })).rejects.toThrow(
      "chunkTokens must be an integer of at least 16, got 8",
    );
    await expect(
      index.index([docs], { embedder, chunkTokens: 32, overlapTokens: 32 }),
    ).rejects.toThrow("overlapTokens must be an integer from 0 to chunkTokens - 1 (31), got 32");
    await expect(index.index([], { embedder })).rejects.toThrow(
      "paths must name at least one file or directory to index",
    );
    expect(index.counts().files).toBe(0);
    expect(readFileSync(join(docs, "animals.md"), "utf8")).toBe(ANIMALS);
  });
});
