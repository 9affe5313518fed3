import { describe, expect, it } from "vitest";
import { StreamPayloadError } from "./chat-stream.js";
import {
  createResponsesStreamDecoder,
  fromResponsesResponse,
  toResponsesBody,
} from "./openai-responses-wire.js";
import type { ChatChunk } from "./types.js";

/** A non-streamed response in the shape OpenAI documents for POST /v1/responses. */
const RESPONSE = {
  id: "resp_67ccd3a9da748190baa7f1570fe91ac604becb25c45c1d41",
  object: "response",
  created_at: 1741476777,
  status: "completed",
  error: null,
  incomplete_details: null,
  model: "o3-2025-04-16",
  output: [
    { type: "reasoning", id: "rs_1", summary: [] },
    {
      type: "message",
      id: "msg_1",
      status: "completed",
      role: "assistant",
      content: [{ type: "output_text", text: "Checking the weather.", annotations: [] }],
    },
    {
      type: "function_call",
      id: "fc_1",
      call_id: "call_12345xyz",
      name: "get_weather",
      arguments: '{"location":"Paris, France"}',
      status: "completed",
    },
  ],
  usage: {
    input_tokens: 2006,
    input_tokens_details: { cached_tokens: 1920 },
    output_tokens: 300,
    output_tokens_details: { reasoning_tokens: 192 },
    total_tokens: 2306,
  },
};

function event(data: Record<string, unknown>) {
  return { event: String(data.type), data: JSON.stringify(data), id: undefined };
}

function decodeAll(events: Array<Record<string, unknown>>) {
  const decoder = createResponsesStreamDecoder("openai");
  const chunks: ChatChunk[] = [];
  for (const data of events) chunks.push(...decoder.handle(event(data)));
  return { decoder, chunks };
}

describe("toResponsesBody", () => {
  it("translates messages, tools, limits and formats to the Responses request shape", () => {
    const body = toResponsesBody(
      {
        model: "gpt-4o",
        messages: [
          { role: "system", content: "Be brief" },
          {
            role: "user",
            content: [
              { type: "text", text: "Weather?" },
              { type: "image_url", image_url: { url: "https://example.com/a.png", detail: "low" } },
            ],
          },
          {
            role: "assistant",
            content: null,
            tool_calls: [
              {
                id: "call_1",
                type: "function",
                function: { name: "get_weather", arguments: "{}" },
              },
            ],
          },
          { role: "tool", tool_call_id: "call_1", content: "sunny" },
        ],
        max_tokens: 100,
        temperature: 0.2,
        tools: [
          { type: "function", function: { name: "get_weather", parameters: { type: "object" } } },
        ],
        tool_choice: { type: "function", function: { name: "get_weather" } },
        response_format: {
          type: "json_schema",
          json_schema: { name: "w", schema: { type: "object" } },
        },
      },
      { stream: true },
    );
    expect(body).toEqual({
      model: "gpt-4o",
      input: [
        { role: "system", content: "Be brief" },
        {
          role: "user",
          content: [
            { type: "input_text", text: "Weather?" },
            { type: "input_image", image_url: "https://example.com/a.png", detail: "low" },
          ],
        },
        { type: "function_call", call_id: "call_1", name: "get_weather", arguments: "{}" },
        { type: "function_call_output", call_id: "call_1", output: "sunny" },
      ],
      store: false,
      stream: true,
      max_output_tokens: 100,
      temperature: 0.2,
      tools: [{ type: "function", name: "get_weather", parameters: { type: "object" } }],
      tool_choice: { type: "function", name: "get_weather" },
      text: { format: { type: "json_schema", name: "w", schema: { type: "object" } } },
    });
  });

  it("drops sampling parameters for reasoning models", () => {
    const body = toResponsesBody(
      {
        model: "gpt-5",
        messages: [{ role: "user", content: "Hi" }],
        temperature: 0.7,
        max_tokens: 9,
      },
      { stream: false },
    );
    expect(body).toEqual({
      model: "gpt-5",
      input: [{ role: "user", content: "Hi" }],
      store: false,
      max_output_tokens: 9,
    });
  });

  it("rejects what the Responses API cannot express", () => {
    const messages = [{ role: "user" as const, content: "Hi" }];
    expect(() =>
      toResponsesBody({ model: "gpt-4o", messages, stop: "x" }, { stream: false }),
    ).toThrow(/stop has no Responses API equivalent/);
    expect(() => toResponsesBody({ model: "gpt-4o", messages, n: 2 }, { stream: false })).toThrow(
      /n must be 1/,
    );
  });
});

describe("fromResponsesResponse", () => {
  it("reads text, tool calls and usage with cached and reasoning tokens", () => {
    const result = fromResponsesResponse(RESPONSE, "openai");
    expect(result).toEqual({
      id: RESPONSE.id,
      model: "o3-2025-04-16",
      provider: "openai",
      message: {
        role: "assistant",
        content: "Checking the weather.",
        tool_calls: [
          {
            id: "call_12345xyz",
            type: "function",
            function: { name: "get_weather", arguments: '{"location":"Paris, France"}' },
          },
        ],
      },
      finishReason: "tool_calls",
      usage: {
        inputTokens: 2006,
        cachedInputTokens: 1920,
        cacheWriteTokens: 0,
        outputTokens: 300,
        reasoningTokens: 192,
      },
    });
  });

  it("maps an incomplete response to its reason and keeps a refusal as text", () => {
    const result = fromResponsesResponse(
      {
        ...RESPONSE,
        status: "incomplete",
        incomplete_details: { reason: "max_output_tokens" },
        output: [
          {
            type: "message",
            id: "msg_2",
            role: "assistant",
            content: [{ type: "refusal", refusal: "I can't help with that." }],
          },
        ],
      },
      "openai",
    );
    expect(result.finishReason).toBe("length");
    expect(result.message.content).toBe("I can't help with that.");
  });

  it("rejects a body that is not a response", () => {
    expect(() => fromResponsesResponse({ id: "x" }, "openai")).toThrow(/without an output list/);
  });
});

describe("createResponsesStreamDecoder", () => {
  const created = {
    type: "response.created",
    response: { ...RESPONSE, status: "in_progress", output: [], usage: null },
  };
  const completed = { type: "response.completed", response: RESPONSE };

  it("streams text, refusal and tool-call deltas, with usage at response.completed", () => {
    const { decoder, chunks } = decodeAll([
      created,
      {
        type: "response.output_item.added",
        output_index: 1,
        item: { type: "message", id: "msg_1", role: "assistant", content: [] },
      },
      {
        type: "response.output_text.delta",
        item_id: "msg_1",
        output_index: 1,
        content_index: 0,
        delta: "Checking",
      },
      {
        type: "response.refusal.delta",
        item_id: "msg_1",
        output_index: 1,
        content_index: 1,
        delta: " (no)",
      },
      {
        type: "response.output_item.added",
        output_index: 2,
        item: {
          type: "function_call",
          id: "fc_1",
          call_id: "call_12345xyz",
          name: "get_weather",
          arguments: "",
        },
      },
      {
        type: "response.function_call_arguments.delta",
        item_id: "fc_1",
        output_index: 2,
        delta: '{"location":',
      },
      {
        type: "response.function_call_arguments.delta",
        item_id: "fc_1",
        output_index: 2,
        delta: '"Paris"}',
      },
      { type: "response.output_item.done", output_index: 2, item: RESPONSE.output[2] },
    ]);
    expect(chunks).toEqual([
      { text: "Checking" },
      { text: " (no)" },
      { toolCalls: [{ index: 0, id: "call_12345xyz", name: "get_weather" }] },
      { toolCalls: [{ index: 0, argumentsDelta: '{"location":' }] },
      { toolCalls: [{ index: 0, argumentsDelta: '"Paris"}' }] },
    ]);
    expect(decoder.complete).toBe(false);
    expect(decoder.usage()).toBeUndefined();
    decoder.handle(event(completed));
    expect(decoder.complete).toBe(true);
    expect(decoder.finalChunk()).toEqual({
      finishReason: "tool_calls",
      usage: {
        inputTokens: 2006,
        cachedInputTokens: 1920,
        cacheWriteTokens: 0,
        outputTokens: 300,
        reasoningTokens: 192,
      },
      id: RESPONSE.id,
      model: "o3-2025-04-16",
    });
  });

  it("takes arguments from the done item when none were streamed", () => {
    const { chunks } = decodeAll([
      {
        type: "response.output_item.added",
        output_index: 0,
        item: { type: "function_call", call_id: "c", name: "f", arguments: "" },
      },
      {
        type: "response.output_item.done",
        output_index: 0,
        item: { type: "function_call", call_id: "c", name: "f", arguments: '{"a":1}' },
      },
    ]);
    expect(chunks.at(-1)).toEqual({ toolCalls: [{ index: 0, argumentsDelta: '{"a":1}' }] });
  });

  it("throws for response.failed and error events", () => {
    const failed = {
      type: "response.failed",
      response: { ...RESPONSE, status: "failed", error: { code: "server_error", message: "boom" } },
    };
    expect(() => decodeAll([created, failed])).toThrow(StreamPayloadError);
    const rateLimited = {
      type: "error",
      code: "rate_limit_exceeded",
      message: "slow down",
      param: null,
    };
    try {
      decodeAll([created, rateLimited]);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(StreamPayloadError);
      expect((error as StreamPayloadError).status).toBe(429);
    }
  });
});
