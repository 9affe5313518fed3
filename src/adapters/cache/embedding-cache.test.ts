import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { KeyValueStore } from "../stores/index.js";
import { createMemoryStore, createRedisStore, createSqliteStore } from "../stores/index.js";
import {
  deleteRedisPrefix,
  describeWithRedis,
  newRedisClient,
  uniqueRedisPrefix,
} from "../stores/test-support/redis-for-tests.js";
import { decodeEmbedding } from "./embedding-bytes.js";
import { createEmbeddingCache, type EmbeddingCacheOptions } from "./embedding-cache.js";
import { embeddingCacheKey } from "./embedding-cache-key.js";

const MODEL = "text-embedding-3-small";

/** A deterministic stand-in for a provider: a vector from the SHA-256 of the text. */
function fakeProvider(dimensions = 4) {
  const calls: string[][] = [];
  const vectorOf = (text: string) => {
    const digest = createHash("sha256").update(text).digest();
    return Float32Array.from(
      { length: dimensions },
      (_, index) => (digest[index] as number) / 255 - 0.5,
    );
  };
  const embed = async (texts: string[]) => {
    calls.push([...texts]);
    return texts.map(vectorOf);
  };
  return { calls, vectorOf, embed };
}

function setup(options: Partial<EmbeddingCacheOptions> = {}) {
  const provider = fakeProvider();
  const store = createMemoryStore();
  const cache = createEmbeddingCache({ store, embed: provider.embed, model: MODEL, ...options });
  return { provider, store, cache };
}

describe("createEmbeddingCache", () => {
  it("gives different vectors to texts that share their first 100 characters (the tutorial's bug)", async () => {
    const { cache, provider } = setup();
    const shared =
      "Python is a programming language that lets you work quickly and integrate systems. ".repeat(
        2,
      );
    const first = `${shared}It was created by Guido van Rossum.`;
    const second = `${shared}It is named after Monty Python.`;
    expect(first.slice(0, 100)).toBe(second.slice(0, 100));
    const fresh = await cache.embedMany([first, second]);
    expect(fresh.vectors).toEqual([provider.vectorOf(first), provider.vectorOf(second)]);
    expect(fresh.vectors[0]).not.toEqual(fresh.vectors[1]);
    const cached = await cache.embedMany([second, first]);
    expect(cached.hits).toBe(2);
    expect(cached.vectors).toEqual([provider.vectorOf(second), provider.vectorOf(first)]);
  });

  it("embeds only the misses, once each, and keeps input order", async () => {
    const { cache, provider } = setup();
    await cache.embedMany(["b"]);
    const result = await cache.embedMany(["a", "b", "c", "a", "b", "d"]);
    expect(provider.calls).toEqual([["b"], ["a", "c", "d"]]);
    expect(result.hits).toBe(2);
    expect(result.misses).toBe(3);
    expect(result.batches).toBe(1);
    expect(result.vectors).toEqual(["a", "b", "c", "a", "b", "d"].map(provider.vectorOf));
    const again = await cache.embedMany(["d", "c", "a"]);
    expect(again).toMatchObject({ hits: 3, misses: 0, batches: 0 });
    expect(provider.calls).toHaveLength(2);
  });

  it("returns a separate array for each input, even for repeated texts", async () => {
    const { cache } = setup();
    const { vectors } = await cache.embedMany(["same", "same"]);
    (vectors[0] as Float32Array)[0] = 42;
    expect((vectors[1] as Float32Array)[0]).not.toBe(42);
    expect(((await cache.embedMany(["same"])).vectors[0] as Float32Array)[0]).not.toBe(42);
  });

  it("batches misses by maxBatchInputs", async () => {
    const { cache, provider } = setup({ maxBatchInputs: 2 });
    const result = await cache.embedMany(["1", "2", "3", "4", "5"]);
    expect(provider.calls).toEqual([["1", "2"], ["3", "4"], ["5"]]);
    expect(result.batches).toBe(3);
  });

  it("batches misses by maxBatchTokens", async () => {
    const { cache, provider } = setup({
      countTokens: (text) => text.length,
      maxInputTokens: 10,
      maxBatchTokens: 10,
    });
    await cache.embedMany(["aaaa", "bbbb", "cc", "dddddddd", "e"]);
    expect(provider.calls).toEqual([
      ["aaaa", "bbbb", "cc"],
      ["dddddddd", "e"],
    ]);
  });

  it("stores each vector compactly as float32 bytes under a hash of model, dimensions and full text", async () => {
    const { cache, store, provider } = setup({ dimensions: 4 });
    await cache.embedMany(["hello"]);
    const stored = await store.get(
      embeddingCacheKey({ model: MODEL, dimensions: 4, text: "hello" }),
    );
    expect(stored).toBeInstanceOf(Uint8Array);
    expect((stored as Uint8Array).byteLength).toBe(4 + 4 * 4);
    expect(decodeEmbedding(stored as Uint8Array)).toEqual({
      vector: provider.vectorOf("hello"),
      derivation: "whole",
    });
  });

  it("keeps models and dimensions apart in one store", async () => {
    const provider = fakeProvider();
    const store = createMemoryStore();
    const small = createEmbeddingCache({ store, embed: provider.embed, model: MODEL });
    const large = createEmbeddingCache({
      store,
      embed: provider.embed,
      model: "text-embedding-3-large",
    });
    const short = createEmbeddingCache({
      store,
      embed: provider.embed,
      model: MODEL,
      dimensions: 4,
    });
    await small.embedMany(["x"]);
    expect((await large.embedMany(["x"])).misses).toBe(1);
    expect((await short.embedMany(["x"])).misses).toBe(1);
    expect((await small.embedMany(["x"])).hits).toBe(1);
    expect(store.size).toBe(3);
  });

  it("refuses a too-long text before embedding anything, naming its index and token count", async () => {
    const { cache, provider, store } = setup({
      countTokens: (text) => text.length,
      maxInputTokens: 10,
    });
    await expect(
      cache.embedMany(["ok", "also ok", "this one is far too long"]),
    ).rejects.toMatchObject({
      code: "invalid_input",
      details: { field: "texts[2]" },
      message: expect.stringContaining(
        "has 24 tokens, more than maxInputTokens 10 for text-embedding-3-small",
      ),
    });
    expect(provider.calls).toEqual([]);
    expect(store.size).toBe(0);
  });

  it("truncates a too-long text to maxInputTokens when asked, caching it under the full text", async () => {
    const { cache, provider, store } = setup({
      countTokens: (text) => text.length,
      maxInputTokens: 10,
      onTooLong: "truncate",
    });
    const long = "0123456789abcdef";
    const { vectors } = await cache.embedMany([long, "short"]);
    expect(provider.calls).toEqual([["0123456789", "short"]]);
    expect(vectors[0]).toEqual(provider.vectorOf("0123456789"));
    const stored = await store.get(embeddingCacheKey({ model: MODEL, text: long }));
    expect(decodeEmbedding(stored as Uint8Array)?.derivation).toBe("truncated");
    expect((await cache.embedMany([long])).hits).toBe(1);
  });

  it("averages chunk vectors weighted by tokens and scales to unit length for chunk-average", async () => {
    const { cache, provider } = setup({
      countTokens: (text) => text.length,
      maxInputTokens: 10,
      onTooLong: "chunk-average",
      maxBatchInputs: 2,
    });
    const long = `${"a".repeat(10)}${"b".repeat(10)}ccccc`;
    const { vectors, misses, batches } = await cache.embedMany([long]);
    expect(provider.calls).toEqual([["a".repeat(10), "b".repeat(10)], ["ccccc"]]);
    expect({ misses, batches }).toEqual({ misses: 1, batches: 2 });
    const parts = [
      provider.vectorOf("a".repeat(10)),
      provider.vectorOf("b".repeat(10)),
      provider.vectorOf("ccccc"),
    ];
    const weights = [10, 10, 5];
    const mean = Array.from({ length: 4 }, (_, index) => {
      let sum = 0;
      parts.forEach((part, chunk) => {
        sum += (weights[chunk] as number) * (part[index] as number);
      });
      return sum / 25;
    });
    const norm = Math.sqrt(mean.reduce((sum, value) => sum + value ** 2, 0));
    expect(vectors[0]).toEqual(Float32Array.from(mean, (value) => value / norm));
    const length = Math.hypot(...(vectors[0] as Float32Array));
    expect(Math.abs(length - 1)).toBeLessThan(1e-6);
  });

  it("serves whole-text vectors to every policy but never a truncated one to chunk-average", async () => {
    const provider = fakeProvider();
    const store = createMemoryStore();
    const common = {
      store,
      embed: provider.embed,
      model: MODEL,
      countTokens: (text: string) => text.length,
      maxInputTokens: 10,
    };
    const truncating = createEmbeddingCache({ ...common, onTooLong: "truncate" });
    const averaging = createEmbeddingCache({ ...common, onTooLong: "chunk-average" });
    await truncating.embedMany(["short", "0123456789abcdef"]);
    const result = await averaging.embedMany(["short", "0123456789abcdef"]);
    expect({ hits: result.hits, misses: result.misses }).toEqual({ hits: 1, misses: 1 });
  });

  it("stores vectors from earlier batches when a later batch fails", async () => {
    const provider = fakeProvider();
    const store = createMemoryStore();
    let call = 0;
    const cache = createEmbeddingCache({
      store,
      model: MODEL,
      maxBatchInputs: 2,
      embed: async (texts) => {
        call += 1;
        if (call === 2) throw new Error("rate limited");
        return provider.embed(texts);
      },
    });
    await expect(cache.embedMany(["1", "2", "3"])).rejects.toThrow("rate limited");
    expect(store.size).toBe(2);
    call = 2;
    const retry = await cache.embedMany(["1", "2", "3"]);
    expect({ hits: retry.hits, misses: retry.misses }).toEqual({ hits: 2, misses: 1 });
  });

  it("reports a provider that returns the wrong number or size of vectors", async () => {
    const wrongCount = createEmbeddingCache({
      store: createMemoryStore(),
      model: MODEL,
      embed: async () => [new Float32Array(4)],
    });
    await expect(wrongCount.embedMany(["a", "b"])).rejects.toMatchObject({
      code: "provider_error",
      message: expect.stringContaining("embed returned 1 vectors for 2 texts"),
    });
    const wrongSize = createEmbeddingCache({
      store: createMemoryStore(),
      model: MODEL,
      dimensions: 8,
      embed: async (texts) => texts.map(() => new Float32Array(4)),
    });
    await expect(wrongSize.embedMany(["a"])).rejects.toMatchObject({
      code: "provider_error",
      message: expect.stringContaining(
        "4-dimensional vector for text-embedding-3-small, expected 8",
      ),
    });
  });

  it("rejects bad texts and options clearly", async () => {
    const { cache } = setup();
    await expect(cache.embedMany(["fine", ""])).rejects.toMatchObject({
      details: { field: "texts[1]" },
    });
    await expect(cache.embedMany(["fine", 7 as unknown as string])).rejects.toMatchObject({
      details: { field: "texts[1]" },
    });
    const store = createMemoryStore();
    const embed = fakeProvider().embed;
    expect(() =>
      createEmbeddingCache({ store, embed, model: MODEL, onTooLong: "truncate" }),
    ).toThrow(/countTokens is required with onTooLong: "truncate"/);
    expect(() => createEmbeddingCache({ store, embed, model: MODEL, maxBatchInputs: 0 })).toThrow(
      /maxBatchInputs must be a positive integer/,
    );
    expect(() =>
      createEmbeddingCache({
        store,
        embed,
        model: MODEL,
        countTokens: (text) => text.length,
        maxBatchTokens: 100,
      }),
    ).toThrow(/maxBatchTokens \(100\) must be at least maxInputTokens \(8191\)/);
    expect(await cache.embedMany([])).toEqual({ vectors: [], hits: 0, misses: 0, batches: 0 });
  });
});

async function roundTripThrough(store: KeyValueStore): Promise<void> {
  const provider = fakeProvider(1536);
  const first = createEmbeddingCache({ store, embed: provider.embed, model: MODEL });
  const texts = Array.from({ length: 50 }, (_, index) => `document ${index}`);
  await first.embedMany(texts);
  const second = createEmbeddingCache({ store, embed: provider.embed, model: MODEL });
  const result = await second.embedMany(texts);
  expect(result).toMatchObject({ hits: 50, misses: 0, batches: 0 });
  expect(result.vectors).toEqual(texts.map(provider.vectorOf));
}

describe("createEmbeddingCache on persistent stores", () => {
  it("round-trips 1536-dimensional vectors exactly through SQLite", async () => {
    const directory = mkdtempSync(join(tmpdir(), "tokenwise-embedding-cache-"));
    const store = createSqliteStore({ path: join(directory, "cache.db") });
    try {
      await roundTripThrough(store);
    } finally {
      await store.close();
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

describeWithRedis("createEmbeddingCache on Redis", () => {
  const client = newRedisClient();
  const prefix = uniqueRedisPrefix("embedding-cache");

  afterAll(async () => {
    await deleteRedisPrefix(client, prefix);
    await client.quit();
  });

  it("round-trips 1536-dimensional vectors exactly through Redis", async () => {
    await roundTripThrough(createRedisStore({ client, prefix }));
  });
});
