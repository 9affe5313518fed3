import { describe, expect, it } from "vitest";
import { TokenwiseError } from "../../core/errors/index.js";
import { describeEmbedderModel, embeddingModelId, resolveEmbedder } from "./resolve-embedder.js";

describe("resolveEmbedder", () => {
  it('gives the offline embedder for "offline" and its full name', () => {
    for (const name of ["offline", "tokenwise-offline-glove-100d"]) {
      const embedder = resolveEmbedder(name, { dataDir: "/tmp/unused" });
      expect(embedder.model).toBe("tokenwise-offline-glove-100d");
      expect(embedder.dimensions).toBe(100);
    }
  });

  it("builds an API embedder from a prefixed model name", () => {
    const embedder = resolveEmbedder("openai/text-embedding-3-small", {
      dataDir: "/tmp/unused",
      dimensions: 512,
      providers: { openai: { apiKey: "sk-test" } },
    });
    expect(embedder.model).toBe("text-embedding-3-small");
    expect(embedder.dimensions).toBe(512);
  });

  it("explains that Anthropic has no embeddings", () => {
    const error = (() => {
      try {
        resolveEmbedder("claude-haiku-4-5", { dataDir: "/tmp/unused" });
      } catch (caught) {
        return caught;
      }
    })();
    expect(TokenwiseError.hasCode(error, "invalid_input")).toBe(true);
    expect((error as Error).message).toContain("Anthropic has no embeddings API");
  });

  it("asks for a provider prefix when the model is unknown", () => {
    expect(() => resolveEmbedder("nomic-embed-text", { dataDir: "/tmp/unused" })).toThrow(
      /prefix it with one of/,
    );
  });
});

describe("describeEmbedderModel and embeddingModelId", () => {
  it("name the model and size without creating a client", () => {
    expect(describeEmbedderModel("openai/text-embedding-3-small")).toEqual({
      model: "text-embedding-3-small",
      dimensions: 1536,
    });
    expect(describeEmbedderModel("gemini/gemini-embedding-001", { dimensions: 768 })).toEqual({
      model: "gemini-embedding-001",
      dimensions: 768,
    });
    expect(describeEmbedderModel("offline")).toEqual({
      model: "tokenwise-offline-glove-100d",
      dimensions: 100,
    });
    expect(() => describeEmbedderModel("ollama/nomic-embed-text")).toThrow(
      /dimensions is unknown for model "nomic-embed-text"/,
    );
    expect(embeddingModelId("ollama/nomic-embed-text")).toBe("nomic-embed-text");
    expect(embeddingModelId("offline")).toBe("tokenwise-offline-glove-100d");
  });
});
