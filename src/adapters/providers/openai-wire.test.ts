import { describe, expect, it } from "vitest";
import type { ChatRequest } from "../../core/messages/index.js";
import {
  createOpenAIStreamDecoder,
  fromOpenAIChatResponse,
  toOpenAIChatBody,
} from "./openai-wire.js";
import type { ChatChunk } from "./types.js";

const REQUEST: ChatRequest = {
  model: "gpt-4o-mini",
  messages: [{ role: "user", content: "Hi" }],
  temperature: 0,
  stream: false,
  stream_options: { include_usage: false },
};

describe("toOpenAIChatBody", () => {
  it("sends the request as is, without stream flags, when not streaming", () => {
    expect(toOpenAIChatBody(REQUEST, { stream: false })).toEqual({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Hi" }],
      temperature: 0,
    });
  });

  it("always asks for the usage chunk when streaming", () => {
    expect(toOpenAIChatBody(REQUEST, { stream: true })).toEqual({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Hi" }],
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
    });
  });
});

describe("fromOpenAIChatResponse", () => {
  it("reads the first choice, tool calls and usage", () => {
    const result = fromOpenAIChatResponse(
      {
        id: "chatcmpl-1",
        model: "gpt-4o-mini-2024-07-18",
        choices: [
          {
            index: 0,
            message: {
              role: "assistant",
              content: null,
              tool_calls: [
                { id: "call_1", type: "function", function: { name: "f", arguments: '{"a":1}' } },
              ],
            },
            finish_reason: "tool_calls",
          },
        ],
        usage: {
          prompt_tokens: 2006,
          completion_tokens: 300,
          prompt_tokens_details: { cached_tokens: 1920 },
          completion_tokens_details: { reasoning_tokens: 64 },
        },
      },
      "openai",
    );
    expect(result).toEqual({
      id: "chatcmpl-1",
      model: "gpt-4o-mini-2024-07-18",
      provider: "openai",
      message: {
        role: "assistant",
        content: null,
        tool_calls: [
          { id: "call_1", type: "function", function: { name: "f", arguments: '{"a":1}' } },
        ],
      },
      finishReason: "tool_calls",
      usage: {
        inputTokens: 2006,
        cachedInputTokens: 1920,
        cacheWriteTokens: 0,
        outputTokens: 300,
        reasoningTokens: 64,
      },
    });
  });

  it("keeps a refusal as the content", () => {
    const result = fromOpenAIChatResponse(
      {
        id: "x",
        model: "m",
        choices: [
          {
            message: { role: "assistant", content: null, refusal: "I can't help with that." },
            finish_reason: "stop",
          },
        ],
      },
      "openai",
    );
    expect(result.message.content).toBe("I can't help with that.");
  });

  it("fails clearly on a reply without choices", () => {
    expect(() => fromOpenAIChatResponse({ id: "x", choices: [] }, "vllm")).toThrow(
      "vllm returned a reply without choices",
    );
  });
});

describe("createOpenAIStreamDecoder", () => {
  it("assembles deltas and holds finish reason and usage for the final chunk", () => {
    const decoder = createOpenAIStreamDecoder("openai");
    const frames = [
      {
        id: "c1",
        model: "gpt-4o",
        choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }],
        usage: null,
      },
      {
        id: "c1",
        model: "gpt-4o",
        choices: [{ index: 0, delta: { content: "Hel" }, finish_reason: null }],
        usage: null,
      },
      {
        id: "c1",
        model: "gpt-4o",
        choices: [
          {
            index: 0,
            delta: {
              tool_calls: [
                {
                  index: 0,
                  id: "call_9",
                  type: "function",
                  function: { name: "f", arguments: "" },
                },
              ],
            },
            finish_reason: null,
          },
        ],
      },
      {
        id: "c1",
        choices: [
          { index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: "{}" } }] } },
        ],
      },
      { id: "c1", choices: [{ index: 0, delta: {}, finish_reason: "tool_calls" }] },
      { id: "c1", choices: [], usage: { prompt_tokens: 9, completion_tokens: 4 } },
    ];
    const chunks: ChatChunk[] = [];
    for (const frame of frames) {
      chunks.push(
        ...decoder.handle({ event: undefined, data: JSON.stringify(frame), id: undefined }),
      );
    }
    expect(decoder.complete).toBe(false);
    decoder.handle({ event: undefined, data: "[DONE]", id: undefined });
    expect(decoder.complete).toBe(true);
    chunks.push(decoder.finalChunk());
    expect(chunks).toEqual([
      { text: "Hel" },
      { toolCalls: [{ index: 0, id: "call_9", name: "f", argumentsDelta: "" }] },
      { toolCalls: [{ index: 0, argumentsDelta: "{}" }] },
      {
        finishReason: "tool_calls",
        usage: {
          inputTokens: 9,
          cachedInputTokens: 0,
          cacheWriteTokens: 0,
          outputTokens: 4,
          reasoningTokens: 0,
        },
        id: "c1",
        model: "gpt-4o",
      },
    ]);
  });

  it("leaves usage out of the final chunk when the server reported none", () => {
    const decoder = createOpenAIStreamDecoder("llama.cpp");
    const frame = {
      id: "c2",
      choices: [{ index: 0, delta: { content: "ok" }, finish_reason: "stop" }],
    };
    decoder.handle({ event: undefined, data: JSON.stringify(frame), id: undefined });
    decoder.handle({ event: undefined, data: "[DONE]", id: undefined });
    expect(decoder.finalChunk()).toEqual({ finishReason: "stop", id: "c2" });
  });

  it("turns an error payload into a stream error", () => {
    const decoder = createOpenAIStreamDecoder("openai");
    const data = JSON.stringify({ error: { message: "Rate limited", type: "rate_limit_error" } });
    expect(() => decoder.handle({ event: undefined, data, id: undefined })).toThrow(
      expect.objectContaining({ status: 429 }),
    );
  });
});

describe("OpenAI reasoning models", () => {
  const messages = [{ role: "user" as const, content: "Hi" }];

  it("sends max_completion_tokens and no sampling parameters to o-series and gpt-5 models", () => {
    // The real API answers 400 "Unsupported parameter: 'max_tokens'" and "Unsupported value:
    // 'temperature'" to these models; client.generate() always sets a temperature.
    for (const model of ["o3", "o4-mini", "gpt-5", "gpt-5-mini", "gpt-5.2", "o1-pro"]) {
      const body = toOpenAIChatBody(
        { model, messages, max_tokens: 100, temperature: 0.7, top_p: 0.9, presence_penalty: 1 },
        { stream: false },
      );
      expect(body, model).toEqual({ model, messages, max_completion_tokens: 100 });
    }
  });

  it("leaves other models unchanged", () => {
    for (const model of ["gpt-4o", "gpt-4.1-mini", "gpt-audio", "llama3"]) {
      const request = { model, messages, max_tokens: 100, temperature: 0.7 };
      expect(toOpenAIChatBody(request, { stream: false }), model).toEqual(request);
    }
  });
});
