import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { TokenwiseError } from "../../core/errors/index.js";
import { type MockUpstream, pseudoEmbedding, startMockUpstream } from "../mock-upstream/index.js";
import { createOpenAICompatibleProvider } from "./openai-compatible-provider.js";

let mock: MockUpstream;

beforeAll(async () => {
  mock = await startMockUpstream();
});

afterAll(async () => {
  await mock.close();
});

beforeEach(() => {
  mock.requests.length = 0;
  mock.setBehavior({ apiKeys: {}, shuffleEmbeddings: false, script: [] });
});

afterEach(() => {
  vi.unstubAllEnvs();
});

const provider = (apiKey = "sk-test") =>
  createOpenAICompatibleProvider({ baseUrl: `${mock.url}/v1`, apiKey });

describe("createOpenAICompatibleProvider", () => {
  it("sends Bearer auth, default headers and per-call headers", async () => {
    mock.setBehavior({ apiKeys: { openai: "sk-test" } });
    const openai = createOpenAICompatibleProvider({
      baseUrl: `${mock.url}/v1/`,
      apiKey: "sk-test",
      defaultHeaders: { "x-team": "search" },
    });
    await openai.chat(
      { model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] },
      { headers: { "x-request-id": "r-1" } },
    );
    expect(mock.requests[0]?.path).toBe("/v1/chat/completions");
    expect(mock.requests[0]?.headers).toMatchObject({
      authorization: "[redacted]",
      "x-team": "search",
      "x-request-id": "r-1",
      "content-type": "application/json",
    });
  });

  it("always requests the usage chunk when streaming", async () => {
    const chunks = [];
    for await (const chunk of provider().streamChat({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Hi" }],
      stream_options: { include_usage: false },
    })) {
      chunks.push(chunk);
    }
    expect(mock.requests[0]?.body).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
    // 3 priming + 3 turn + 1 for "Hi".
    expect(chunks.at(-1)?.usage?.inputTokens).toBe(7);
  });

  it("talks to a local server without a key and never forwards OPENAI_API_KEY there", async () => {
    vi.stubEnv("OPENAI_API_KEY", "sk-user-real-key");
    const ollama = createOpenAICompatibleProvider({ name: "ollama", baseUrl: `${mock.url}/v1` });
    const result = await ollama.chat({
      model: "llama3",
      messages: [{ role: "user", content: "Hi" }],
    });
    expect(result.provider).toBe("ollama");
    expect(result.message.content).toBe("Echo: Hi");
    expect(mock.requests[0]?.headers).not.toHaveProperty("authorization");
  });

  it("requires a key for api.openai.com, naming OPENAI_API_KEY", () => {
    vi.stubEnv("OPENAI_API_KEY", "");
    expect(() => createOpenAICompatibleProvider()).toThrow("set OPENAI_API_KEY");
  });

  it("rejects an unusable base URL", () => {
    expect(() => createOpenAICompatibleProvider({ baseUrl: "localhost:11434" })).toThrow(
      TokenwiseError,
    );
    expect(() =>
      createOpenAICompatibleProvider({ baseUrl: "https://x.test/v1?key=secret" }),
    ).toThrow("must not carry a query string");
  });

  it("rejects a timeout that is not a positive number", async () => {
    const request = { model: "m", messages: [{ role: "user" as const, content: "Hi" }] };
    await expect(provider().chat(request, { timeoutMs: -5 })).rejects.toThrow(
      "timeoutMs must be a positive number of milliseconds, got -5",
    );
  });

  it("rejects bad requests before any HTTP call, naming the field", async () => {
    const error = await provider()
      .chat({ model: "", messages: [] })
      .catch((caught: unknown) => caught);
    expect(TokenwiseError.hasCode(error, "invalid_input")).toBe(true);
    expect((error as TokenwiseError).details.field).toBe("model");
    expect(() => provider().streamChat({ model: "m", messages: [] })).toThrow(
      "messages must be a non-empty array",
    );
    expect(mock.requests).toHaveLength(0);
  });

  describe("embed", () => {
    it("returns vectors in input order even when the server reorders them", async () => {
      mock.setBehavior({ shuffleEmbeddings: true });
      const input = ["alpha", "beta", "gamma"];
      const result = await provider().embed?.({
        model: "text-embedding-3-small",
        input,
        dimensions: 8,
      });
      expect(result?.vectors.map((vector) => Array.from(vector))).toEqual(
        input.map((text) => pseudoEmbedding(text, 8)),
      );
      expect(result?.usage).toEqual({ inputTokens: 5 });
      expect(result?.provider).toBe("openai");
      expect(mock.requests[0]?.body).toEqual({
        model: "text-embedding-3-small",
        input,
        encoding_format: "float",
        dimensions: 8,
      });
    });

    it("returns nothing without calling the server for no input", async () => {
      const result = await provider().embed?.({ model: "text-embedding-3-small", input: [] });
      expect(result?.vectors).toEqual([]);
      expect(mock.requests).toHaveLength(0);
    });

    it("decodes base64 vectors from servers that ignore encoding_format", async () => {
      const vector = new Float32Array([0.5, -0.25]);
      const fetch = async () =>
        new Response(
          JSON.stringify({
            data: [{ index: 0, embedding: Buffer.from(vector.buffer).toString("base64") }],
            usage: { prompt_tokens: 1 },
          }),
          { status: 200, headers: { "content-type": "application/json" } },
        );
      const custom = createOpenAICompatibleProvider({ baseUrl: "http://127.0.0.1:9/v1", fetch });
      const result = await custom.embed?.({ model: "e", input: ["x"] });
      expect(Array.from(result?.vectors[0] ?? [])).toEqual([0.5, -0.25]);
    });

    it("rejects a bad dimensions value", async () => {
      await expect(provider().embed?.({ model: "e", input: ["x"], dimensions: 0 })).rejects.toThrow(
        "dimensions must be a positive integer",
      );
    });
  });
});
