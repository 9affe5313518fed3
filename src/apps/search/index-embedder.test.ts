import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { TokenwiseError } from "../../core/errors/index.js";
import { createIndexEmbedder } from "./index-embedder.js";

const database = new Database(":memory:");

describe("createIndexEmbedder", () => {
  it("gives the offline model without a cache (it is free and faster than reading back)", () => {
    const { embedder, cache, cachedEmbedder } = createIndexEmbedder({
      model: "offline",
      dataDir: "/tmp/unused",
      database,
    });
    expect(embedder.model).toBe("tokenwise-offline-glove-100d");
    expect(cache).toBeUndefined();
    expect(cachedEmbedder).toBe(embedder);
  });

  it("puts API models behind the embedding cache table in the index's database", () => {
    const previous = process.env.OPENAI_API_KEY;
    process.env.OPENAI_API_KEY = "sk-test";
    const { embedder, cache, cachedEmbedder } = (() => {
      try {
        return createIndexEmbedder({
          model: "openai/text-embedding-3-small",
          dataDir: "/tmp/unused",
          database,
          dimensions: 256,
        });
      } finally {
        if (previous === undefined) delete process.env.OPENAI_API_KEY;
        else process.env.OPENAI_API_KEY = previous;
      }
    })();
    expect(embedder.dimensions).toBe(256);
    expect(cache).toBeDefined();
    expect(cachedEmbedder).not.toBe(embedder);
    expect(
      database
        .prepare("SELECT name FROM sqlite_master WHERE name = 'tokenwise_embedding_cache'")
        .get(),
    ).toEqual({
      name: "tokenwise_embedding_cache",
    });
  });

  it("plans without an API key and refuses to embed", async () => {
    const previous = process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_API_KEY;
    try {
      const { embedder } = createIndexEmbedder({
        model: "text-embedding-3-large",
        dataDir: "/tmp/unused",
        database,
        planOnly: true,
      });
      expect(embedder).toMatchObject({ model: "text-embedding-3-large", dimensions: 3072 });
      const error = await embedder.embed(["x"]).catch((caught: unknown) => caught);
      expect(TokenwiseError.hasCode(error, "invalid_input")).toBe(true);
    } finally {
      if (previous !== undefined) process.env.OPENAI_API_KEY = previous;
    }
  });

  it("asks again for the index's size when it is not the model's default", () => {
    const settings = {
      model: "text-embedding-3-small",
      dimensions: 512,
      tokenizer: "cl100k_base",
      chunkTokens: 256,
      overlapTokens: 32,
    } as const;
    const shortened = createIndexEmbedder({
      model: "text-embedding-3-small",
      dataDir: "/tmp/unused",
      database,
      index: settings,
      planOnly: true,
    });
    expect(shortened.embedder.dimensions).toBe(512);
    const full = createIndexEmbedder({
      model: "text-embedding-3-small",
      dataDir: "/tmp/unused",
      database,
      index: { ...settings, dimensions: 1536 },
      planOnly: true,
    });
    expect(full.embedder.dimensions).toBe(1536);
    const other = createIndexEmbedder({
      model: "text-embedding-3-large",
      dataDir: "/tmp/unused",
      database,
      index: settings,
      planOnly: true,
    });
    expect(other.embedder.dimensions).toBe(3072);
  });
});
