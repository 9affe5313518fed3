import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { TokenwiseError } from "../../core/errors/index.js";
import { startMockUpstream } from "./mock-server.js";
import { pseudoEmbedding } from "./pseudo-embedding.js";
import type { MockUpstream } from "./types.js";

let mock: MockUpstream;

beforeAll(async () => {
  mock = await startMockUpstream({ apiKeys: { openai: "sk-right" } });
});

afterAll(async () => {
  await mock.close();
});

beforeEach(() => {
  mock.requests.length = 0;
  mock.setBehavior({ script: [], errorRate: 0, seed: 1 });
});

function post(
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${mock.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

const OPENAI_AUTH = { authorization: "Bearer sk-right" };
const CHAT = { model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] };

describe("startMockUpstream", () => {
  it("listens on a free port of 127.0.0.1", () => {
    expect(mock.port).toBeGreaterThan(0);
    expect(mock.url).toBe(`http://127.0.0.1:${mock.port}`);
  });

  it("answers 401 in the provider's format for a wrong or missing key", async () => {
    const wrong = await post("/v1/chat/completions", CHAT, { authorization: "Bearer sk-wrong" });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({
      error: {
        message: "Incorrect API key provided.",
        type: "invalid_request_error",
        param: null,
        code: "invalid_api_key",
      },
    });
    expect((await post("/v1/chat/completions", CHAT)).status).toBe(401);
    expect((await post("/v1/chat/completions", CHAT, OPENAI_AUTH)).status).toBe(200);
  });

  it("records requests with every credential redacted", async () => {
    await post(
      "/v1beta/models/gemini-2.5-flash:generateContent?key=AIza-secret&x=1",
      {
        contents: [{ role: "user", parts: [{ text: "Hi" }] }],
      },
      { "x-goog-api-key": "AIza-secret" },
    );
    const recorded = mock.requests[0];
    expect(recorded).toMatchObject({
      provider: "gemini",
      operation: "chat",
      method: "POST",
      path: "/v1beta/models/gemini-2.5-flash:generateContent",
      query: { key: "[redacted]", x: "1" },
    });
    expect(recorded?.headers["x-goog-api-key"]).toBe("[redacted]");
    expect(JSON.stringify(mock.requests)).not.toContain("AIza-secret");
  });

  it("requires anthropic-version and max_tokens like Anthropic does", async () => {
    const noVersion = await post("/v1/messages", { model: "c", max_tokens: 5, messages: [] });
    expect(noVersion.status).toBe(400);
    const noMax = await post(
      "/v1/messages",
      { model: "c", messages: [{ role: "user", content: "Hi" }] },
      {
        "anthropic-version": "2023-06-01",
      },
    );
    expect(noMax.status).toBe(400);
    expect(await noMax.json()).toEqual({
      type: "error",
      error: { type: "invalid_request_error", message: "max_tokens: Field required" },
      request_id: "req_tokenwise_mock",
    });
  });

  it("plays the script in order, repeating a step `times` times", async () => {
    mock.setBehavior({
      script: [
        { type: "error", status: 429, headers: { "retry-after": "1" }, times: 2 },
        { type: "reply", text: "Scripted reply" },
      ],
    });
    const first = await post("/v1/chat/completions", CHAT, OPENAI_AUTH);
    const second = await post("/v1/chat/completions", CHAT, OPENAI_AUTH);
    const third = await post("/v1/chat/completions", CHAT, OPENAI_AUTH);
    const fourth = await post("/v1/chat/completions", CHAT, OPENAI_AUTH);
    expect([first.status, second.status, third.status, fourth.status]).toEqual([
      429, 429, 200, 200,
    ]);
    expect(first.headers.get("retry-after")).toBe("1");
    expect(
      ((await third.json()) as { choices: [{ message: { content: string } }] }).choices[0].message
        .content,
    ).toBe("Scripted reply");
    expect(
      ((await fourth.json()) as { choices: [{ message: { content: string } }] }).choices[0].message
        .content,
    ).toBe("Echo: Hi");
  });

  it("fails the same requests for the same seed and error rate", async () => {
    const statuses = async () => {
      const out: number[] = [];
      for (let index = 0; index < 12; index++) {
        out.push((await post("/v1/chat/completions", CHAT, OPENAI_AUTH)).status);
      }
      return out;
    };
    mock.setBehavior({ errorRate: 0.5, seed: 7 });
    const first = await statuses();
    mock.setBehavior({ seed: 7 });
    expect(await statuses()).toEqual(first);
    expect(first).toContain(500);
    expect(first).toContain(200);
  });

  it("answers context-length errors beyond maxInputTokens", async () => {
    mock.setBehavior({ maxInputTokens: 5 });
    const response = await post("/v1/chat/completions", CHAT, OPENAI_AUTH);
    mock.setBehavior({ maxInputTokens: undefined });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "context_length_exceeded" } });
  });

  it("streams OpenAI chunks with usage last and [DONE]", async () => {
    const response = await post(
      "/v1/chat/completions",
      { ...CHAT, stream: true, stream_options: { include_usage: true } },
      OPENAI_AUTH,
    );
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const frames = (await response.text()).trim().split("\n\n");
    expect(frames.at(-1)).toBe("data: [DONE]");
    expect(JSON.parse(frames.at(-2)?.slice(6) ?? "{}")).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 7, completion_tokens: 2, total_tokens: 9 },
    });
    expect(mock.requests[0]?.operation).toBe("stream");
  });

  it("ends a stream early without its final event when scripted", async () => {
    mock.setBehavior({ script: [{ type: "end-early", afterChunks: 2 }] });
    const response = await post("/v1/chat/completions", { ...CHAT, stream: true }, OPENAI_AUTH);
    const frames = (await response.text()).trim().split("\n\n");
    expect(frames).toHaveLength(2);
    expect(frames.join("")).not.toContain("[DONE]");
  });

  it("returns deterministic embeddings, in order unless shuffled", async () => {
    const body = { model: "text-embedding-3-small", input: ["a", "bb"], dimensions: 3 };
    const response = (await (await post("/v1/embeddings", body, OPENAI_AUTH)).json()) as {
      data: Array<{ index: number; embedding: number[] }>;
      usage: { prompt_tokens: number };
    };
    expect(response.data.map((item) => item.index)).toEqual([0, 1]);
    expect(response.data[1]?.embedding).toEqual(pseudoEmbedding("bb", 3));
    expect(response.usage.prompt_tokens).toBe(2);
    mock.setBehavior({ shuffleEmbeddings: true });
    const shuffled = (await (await post("/v1/embeddings", body, OPENAI_AUTH)).json()) as {
      data: Array<{ index: number }>;
    };
    mock.setBehavior({ shuffleEmbeddings: false });
    expect(shuffled.data.map((item) => item.index)).toEqual([1, 0]);
  });

  it("checks that each Gemini embedding request names the model of the path", async () => {
    const response = await post("/v1beta/models/gemini-embedding-001:batchEmbedContents", {
      requests: [{ model: "models/other", content: { parts: [{ text: "x" }] } }],
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { code: 400, status: "INVALID_ARGUMENT" },
    });
  });

  it("counts tokens for Anthropic and Gemini with the same rule as usage", async () => {
    const anthropic = await post(
      "/v1/messages/count_tokens",
      { model: "c", messages: [{ role: "user", content: "Hello there world" }] },
      { "anthropic-version": "2023-06-01" },
    );
    expect(await anthropic.json()).toEqual({ input_tokens: 11 });
    const gemini = await post("/v1beta/models/g:countTokens", {
      contents: [{ role: "user", parts: [{ text: "Hello there world" }] }],
    });
    expect(await gemini.json()).toEqual({
      totalTokens: 11,
      promptTokensDetails: [{ modality: "TEXT", tokenCount: 11 }],
    });
  });

  it("answers 404 for unknown routes", async () => {
    const response = await post("/v2/unknown", {});
    expect(response.status).toBe(404);
    expect(mock.requests[0]?.provider).toBe("unknown");
  });

  it("answers 404 in Gemini's format for a Gemini path whose model is broken percent-encoding", async () => {
    const path = "/v1beta/models/bad%E0%A4%A:generateContent";
    const response = await post(path, { contents: [] });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: {
        code: 404,
        message: `No mock route for POST ${path}: the model name "bad%E0%A4%A" is not valid percent-encoding.`,
        status: "NOT_FOUND",
      },
    });
    expect(mock.requests).toMatchObject([
      { provider: "unknown", operation: "unknown", method: "POST", path },
    ]);
    const unknownGemini = await post("/v1beta/models/g:embedContent", {});
    expect(unknownGemini.status).toBe(404);
    expect(await unknownGemini.json()).toEqual({
      error: {
        code: 404,
        message: "No mock route for POST /v1beta/models/g:embedContent",
        status: "NOT_FOUND",
      },
    });
  });

  it("rejects settings out of range, naming the field", () => {
    try {
      mock.setBehavior({ errorRate: 2 });
      expect.unreachable();
    } catch (error) {
      expect(TokenwiseError.hasCode(error, "invalid_input")).toBe(true);
      expect((error as TokenwiseError).details.field).toBe("errorRate");
    }
    expect(() => mock.setBehavior({ latencyMs: -1 })).toThrow(
      "latencyMs must be a non-negative integer",
    );
  });
});
