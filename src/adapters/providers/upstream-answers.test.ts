/**
 * What real providers (and proxies in front of them) answer besides the happy path, replayed
 * by a real local HTTP server in each provider's documented shape: error bodies with status
 * 200, JSON where a stream was asked for, partial usage chunks, refusals, cache-write
 * lifetimes and thinking counts, and bodies that echo the request's credentials.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TokenwiseError } from "../../core/errors/index.js";
import type { ChatRequest } from "../../core/messages/index.js";
import { createAnthropicProvider } from "./anthropic-provider.js";
import { assembleChatChunks } from "./assemble-chat-chunks.js";
import { createGeminiProvider } from "./gemini-provider.js";
import { createOpenAICompatibleProvider } from "./openai-compatible-provider.js";
import type { ChatChunk, ChatProvider } from "./types.js";

type Answer = (request: IncomingMessage, response: ServerResponse) => void;

let server: Server;
let baseUrl: string;
let answer: Answer = (_request, response) => response.end();
/** TCP connections the server accepted. */
let connections = 0;

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    request.on("end", () => answer(request, response));
  });
  server.on("connection", () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const KEY = "sk-secret-key-0123456789abcdef";
const PROXY_KEY = "proxy-secret-9876543210";
const REQUEST: ChatRequest = { model: "m", messages: [{ role: "user", content: "Hi" }] };

type Kind = "openai" | "responses" | "anthropic" | "gemini";
const KINDS: Kind[] = ["openai", "responses", "anthropic", "gemini"];

function providerFor(kind: Kind): ChatProvider {
  const defaultHeaders = { "x-proxy-authorization": `Bearer ${PROXY_KEY}` };
  if (kind === "openai") {
    return createOpenAICompatibleProvider({
      baseUrl: `${baseUrl}/v1`,
      apiKey: KEY,
      defaultHeaders,
    });
  }
  if (kind === "responses") {
    return createOpenAICompatibleProvider({
      baseUrl: `${baseUrl}/v1`,
      apiKey: KEY,
      defaultHeaders,
      api: "responses",
    });
  }
  if (kind === "anthropic")
    return createAnthropicProvider({ baseUrl, apiKey: KEY, defaultHeaders });
  return createGeminiProvider({ baseUrl: `${baseUrl}/v1beta`, apiKey: KEY, defaultHeaders });
}

function json(status: number, body: unknown): Answer {
  return (_request, response) => {
    response.writeHead(status, { "content-type": "application/json" });
    response.end(JSON.stringify(body));
  };
}

function events(frames: string[]): Answer {
  return (_request, response) => {
    response.writeHead(200, { "content-type": "text/event-stream" });
    response.end(frames.join(""));
  };
}

const data = (payload: unknown, event?: string) =>
  `${event ? `event: ${event}\n` : ""}data: ${JSON.stringify(payload)}\n\n`;

async function collect(stream: AsyncIterable<ChatChunk>): Promise<ChatChunk[]> {
  const chunks: ChatChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

async function failureOf(action: () => Promise<unknown>): Promise<TokenwiseError> {
  try {
    await action();
  } catch (error) {
    if (TokenwiseError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("expected a TokenwiseError");
}

it.each(["anthropic", "gemini"] as const)(
  "rejects a 200 reply without the reply's shape (%s)",
  async (kind) => {
    answer = json(200, { id: "x" });
    const error = await failureOf(() => providerFor(kind).chat(REQUEST));
    expect(error.code).toBe("provider_error");
    expect(error.details.retryable).toBe(false);
  },
);

describe("an error body with HTTP 200", () => {
  it("is an Anthropic provider error with its message, not an empty $0 reply", async () => {
    answer = json(200, {
      type: "error",
      error: { type: "overloaded_error", message: "Overloaded" },
    });
    const error = await failureOf(() => providerFor("anthropic").chat(REQUEST));
    expect(error.code).toBe("provider_error");
    expect(error.message).toBe("anthropic answered HTTP 200 with an error: Overloaded.");
    expect(error.details).toMatchObject({
      status: 200,
      retryable: false,
      providerCode: "overloaded_error",
    });
  });

  it("is a Gemini provider error with its message", async () => {
    answer = json(200, {
      error: {
        code: 429,
        message: "Resource has been exhausted (e.g. check quota).",
        status: "RESOURCE_EXHAUSTED",
      },
    });
    const error = await failureOf(() => providerFor("gemini").chat(REQUEST));
    expect(error.code).toBe("provider_error");
    expect(error.details).toMatchObject({
      providerMessage: "Resource has been exhausted (e.g. check quota).",
      retryable: false,
    });
  });

  it.each(["openai", "responses"] as const)("keeps OpenAI's message (%s)", async (kind) => {
    answer = json(200, {
      error: {
        message: "The server had an error processing your request.",
        type: "server_error",
        param: null,
        code: null,
      },
    });
    const error = await failureOf(() => providerFor(kind).chat(REQUEST));
    expect(error.details.providerMessage).toBe("The server had an error processing your request.");
  });

  it("says when the prompt did not fit", async () => {
    answer = json(200, {
      type: "error",
      error: {
        type: "invalid_request_error",
        message: "prompt is too long: 210000 tokens > 200000 maximum",
      },
    });
    const error = await failureOf(() => providerFor("anthropic").chat(REQUEST));
    expect(error.code).toBe("context_window_exceeded");
  });

  it.each(KINDS)("answering a stream request (%s) is not retryable", async (kind) => {
    answer = json(200, {
      error: { message: "Quota exceeded", code: 429, status: "RESOURCE_EXHAUSTED" },
    });
    const error = await failureOf(() => collect(providerFor(kind).streamChat(REQUEST)));
    expect(error.code).toBe("provider_error");
    expect(error.details).toMatchObject({ retryable: false, providerMessage: "Quota exceeded" });
  });
});

it("classifies OpenAI's 429 insufficient_quota as final: retrying cannot help", async () => {
  answer = json(429, {
    error: {
      message: "You exceeded your current quota, please check your plan and billing details.",
      type: "insufficient_quota",
      param: null,
      code: "insufficient_quota",
    },
  });
  const error = await failureOf(() => providerFor("openai").chat(REQUEST));
  expect(error.code).toBe("provider_error");
  expect(error.details).toMatchObject({
    status: 429,
    retryable: false,
    providerCode: "insufficient_quota",
  });
  expect(error.message).toContain("Retrying cannot help");
});

describe("streams", () => {
  it("accepts Gemini usage chunks without promptTokenCount", async () => {
    const chunk = (text: string, usageMetadata: unknown, finishReason?: string) =>
      data({
        candidates: [
          {
            content: { role: "model", parts: [{ text }] },
            ...(finishReason ? { finishReason } : {}),
          },
        ],
        usageMetadata,
        modelVersion: "gemini-2.5-flash",
      });
    answer = events([
      chunk("Hello", { promptTokenCount: 9, candidatesTokenCount: 1, totalTokenCount: 10 }),
      chunk(" there", { candidatesTokenCount: 2, totalTokenCount: 11 }),
      chunk("!", { candidatesTokenCount: 3, thoughtsTokenCount: 5, totalTokenCount: 17 }, "STOP"),
    ]);
    const chunks = await collect(providerFor("gemini").streamChat(REQUEST));
    expect(assembleChatChunks(chunks).content).toBe("Hello there!");
    expect(chunks.at(-1)?.usage).toEqual({
      inputTokens: 9,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 8,
      reasoningTokens: 5,
    });
  });

  it("keeps OpenAI's streamed refusal as the reply text", async () => {
    const base = { id: "chatcmpl-1", object: "chat.completion.chunk", created: 1, model: "gpt-4o" };
    answer = events([
      data({
        ...base,
        choices: [
          {
            index: 0,
            delta: { role: "assistant", content: null, refusal: "" },
            finish_reason: null,
          },
        ],
      }),
      data({
        ...base,
        choices: [{ index: 0, delta: { refusal: "I'm sorry, " }, finish_reason: null }],
      }),
      data({
        ...base,
        choices: [{ index: 0, delta: { refusal: "I can't help." }, finish_reason: null }],
      }),
      data({ ...base, choices: [{ index: 0, delta: {}, finish_reason: "stop" }] }),
      "data: [DONE]\n\n",
    ]);
    const chunks = await collect(providerFor("openai").streamChat(REQUEST));
    expect(assembleChatChunks(chunks).content).toBe("I'm sorry, I can't help.");
  });

  it("reads Anthropic's cache-write lifetimes and thinking tokens across message_start and message_delta", async () => {
    answer = events([
      data(
        {
          type: "message_start",
          message: {
            id: "msg_1",
            type: "message",
            role: "assistant",
            model: "claude-sonnet-4-5",
            content: [],
            usage: {
              input_tokens: 10,
              cache_creation_input_tokens: 3000,
              cache_read_input_tokens: 0,
              cache_creation: { ephemeral_5m_input_tokens: 1000, ephemeral_1h_input_tokens: 2000 },
              output_tokens: 1,
            },
          },
        },
        "message_start",
      ),
      data(
        { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
        "content_block_start",
      ),
      data(
        { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hi" } },
        "content_block_delta",
      ),
      data({ type: "content_block_stop", index: 0 }, "content_block_stop"),
      data(
        {
          type: "message_delta",
          delta: { stop_reason: "pause_turn", stop_sequence: null },
          usage: { output_tokens: 400, output_tokens_details: { thinking_tokens: 350 } },
        },
        "message_delta",
      ),
      data({ type: "message_stop" }, "message_stop"),
    ]);
    const chunks = await collect(providerFor("anthropic").streamChat(REQUEST));
    expect(chunks.at(-1)).toMatchObject({
      finishReason: "stop",
      usage: {
        inputTokens: 3010,
        cacheWriteTokens: 3000,
        cacheWrite1hTokens: 2000,
        outputTokens: 400,
        reasoningTokens: 350,
      },
    });
  });
});

describe("secrets in upstream bodies", () => {
  /** A proxy that echoes the request headers, the way some error pages do. */
  const echo = (request: IncomingMessage) => JSON.stringify(request.headers);
  const failures: Record<string, { answer: Answer; stream: boolean }> = {
    "a non-JSON 200": {
      stream: false,
      answer: (request, response) => {
        response.writeHead(200, { "content-type": "text/html" });
        response.end(`<html>Proxy says hello. Your request: ${echo(request)}</html>`);
      },
    },
    "an error status": {
      stream: false,
      answer: (request, response) => {
        response.writeHead(401, { "content-type": "application/json" });
        response.end(
          JSON.stringify({
            error: { message: `Bad key; headers were ${echo(request)}`, code: "invalid_api_key" },
          }),
        );
      },
    },
    "a stream error event": {
      stream: true,
      answer: (request, response) => {
        response.writeHead(200, { "content-type": "text/event-stream" });
        response.end(
          data(
            {
              type: "error",
              error: { type: "api_error", message: `failed for ${echo(request)}` },
              code: "server_error",
              message: `failed for ${echo(request)}`,
            },
            "error",
          ),
        );
      },
    },
    "a malformed stream": {
      stream: true,
      answer: (request, response) => {
        response.writeHead(200, { "content-type": "text/event-stream" });
        response.end(`data: ${echo(request).slice(1)}\n\n`);
      },
    },
  };

  describe.each(KINDS)("%s", (kind) => {
    it.each(Object.keys(failures))("never keeps a key from %s", async (name) => {
      const failure = failures[name];
      if (failure === undefined) throw new Error(name);
      answer = failure.answer;
      const provider = providerFor(kind);
      const error = await failureOf(() =>
        failure.stream ? collect(provider.streamChat(REQUEST)) : provider.chat(REQUEST),
      );
      const everything = `${error.message} ${inspect(error, { depth: 20 })} ${JSON.stringify(error.details)}`;
      expect(everything).not.toContain(KEY);
      expect(everything).not.toContain(PROXY_KEY);
      expect(everything).not.toContain(KEY.slice(0, 12));
    });
  });
});

describe("a finished stream's connection", () => {
  it("goes back to the pool: streams that end after their terminal event share one connection", async () => {
    const cases: Array<{ kind: Kind; frames: string[] }> = [
      {
        kind: "openai",
        frames: [
          data({
            id: "c",
            model: "m",
            choices: [{ index: 0, delta: { content: "Hi" }, finish_reason: "stop" }],
          }),
          "data: [DONE]\n\n",
        ],
      },
      {
        kind: "anthropic",
        frames: [
          data(
            {
              type: "message_start",
              message: { id: "msg", model: "m", usage: { input_tokens: 1, output_tokens: 1 } },
            },
            "message_start",
          ),
          data(
            {
              type: "message_delta",
              delta: { stop_reason: "end_turn" },
              usage: { output_tokens: 2 },
            },
            "message_delta",
          ),
          data({ type: "message_stop" }, "message_stop"),
        ],
      },
    ];
    for (const { kind, frames } of cases) {
      // The events first, the end of the chunked body a moment later, as over a network.
      answer = (_request, response) => {
        response.writeHead(200, { "content-type": "text/event-stream" });
        response.write(frames.join(""));
        setTimeout(() => response.end(), 20);
      };
      const provider = providerFor(kind);
      await collect(provider.streamChat(REQUEST));
      // The first stream may need a connection of its own (the pool was empty or idle).
      await new Promise((resolve) => setTimeout(resolve, 50));
      const before = connections;
      for (let index = 0; index < 3; index++) {
        await collect(provider.streamChat(REQUEST));
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(connections - before, kind).toBe(0);
    }
  });
});
