import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { TokenwiseError } from "../../core/errors/index.js";
import type { MockUpstream } from "../mock-upstream/index.js";
import { startMockUpstream } from "../mock-upstream/index.js";
import {
  createAnthropicProvider,
  createGeminiProvider,
  createOpenAICompatibleProvider,
} from "../providers/index.js";
import { createProviderEmbedder } from "./provider-embedder.js";

let mock: MockUpstream;

beforeAll(async () => {
  mock = await startMockUpstream({ apiKeys: { openai: "sk-test", gemini: "gm-test" } });
});
afterAll(async () => {
  await mock.close();
});
beforeEach(() => {
  mock.requests.length = 0;
});

const openai = () =>
  createOpenAICompatibleProvider({ baseUrl: `${mock.url}/v1`, apiKey: "sk-test" });

describe("createProviderEmbedder", () => {
  it("embeds through an OpenAI-compatible server with the catalog's dimensions", async () => {
    const embedder = createProviderEmbedder({
      provider: openai(),
      model: "text-embedding-3-small",
    });
    expect(embedder.dimensions).toBe(1536);
    const vectors = await embedder.embed(["alpha", "beta"]);
    expect(vectors).toHaveLength(2);
    expect(vectors[0]?.length).toBe(1536);
    expect(embedder.usage.calls).toBe(1);
    expect(mock.requests).toHaveLength(1);
    expect(mock.requests[0]?.body).toEqual({
      model: "text-embedding-3-small",
      input: ["alpha", "beta"],
      encoding_format: "float",
    });
  });

  it("asks for shorter vectors only when dimensions are given", async () => {
    const embedder = createProviderEmbedder({
      provider: openai(),
      model: "text-embedding-3-small",
      dimensions: 256,
    });
    const [vector] = await embedder.embed(["alpha"]);
    expect(vector?.length).toBe(256);
    expect(mock.requests[0]?.body).toMatchObject({ dimensions: 256 });
  });

  it("embeds through Gemini's batchEmbedContents", async () => {
    const gemini = createGeminiProvider({ baseUrl: `${mock.url}/v1beta`, apiKey: "gm-test" });
    const embedder = createProviderEmbedder({
      provider: gemini,
      model: "gemini-embedding-001",
      dimensions: 768,
    });
    const vectors = await embedder.embed(["one", "two", "three"]);
    expect(vectors.map((vector) => vector.length)).toEqual([768, 768, 768]);
    expect(mock.requests[0]?.path).toBe("/v1beta/models/gemini-embedding-001:batchEmbedContents");
  });

  it("makes no call for no texts", async () => {
    const embedder = createProviderEmbedder({
      provider: openai(),
      model: "text-embedding-3-small",
    });
    expect(await embedder.embed([])).toEqual([]);
    expect(mock.requests).toHaveLength(0);
  });

  it("fails with mixed_embeddings when the server returns another size", async () => {
    // The catalog says 3072; this server answers with its default 1536.
    const embedder = createProviderEmbedder({
      provider: openai(),
      model: "text-embedding-3-large",
    });
    const error = await embedder.embed(["alpha"]).catch((caught: unknown) => caught);
    expect(TokenwiseError.hasCode(error, "mixed_embeddings")).toBe(true);
    expect((error as Error).message).toBe(
      "openai returned 1536-dimensional vectors for text-embedding-3-large, expected 3072; pass dimensions: 1536 (or the size you want, if the model can shorten its vectors)",
    );
  });

  it("needs dimensions for a model the catalog does not know", () => {
    expect(() => createProviderEmbedder({ provider: openai(), model: "nomic-embed-text" })).toThrow(
      'dimensions is unknown for model "nomic-embed-text" (not an embedding model in the catalog); pass the size of its vectors, e.g. dimensions: 768 (--dimensions 768)',
    );
  });

  it("refuses a provider without an embeddings API", () => {
    const anthropic = createAnthropicProvider({ apiKey: "sk-ant-test" });
    expect(() =>
      createProviderEmbedder({ provider: anthropic, model: "claude-haiku-4-5", dimensions: 8 }),
    ).toThrow(
      "provider anthropic has no embeddings API; use an OpenAI-compatible or Gemini provider, or the offline embedder",
    );
  });
});
