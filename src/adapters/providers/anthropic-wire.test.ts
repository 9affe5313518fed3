import { describe, expect, it } from "vitest";
import { TokenwiseError } from "../../core/errors/index.js";
import type { ChatRequest } from "../../core/messages/index.js";
import {
  createAnthropicStreamDecoder,
  finishReasonFromAnthropic,
  fromAnthropicMessage,
  toAnthropicCountTokensBody,
  toAnthropicMessagesBody,
} from "./anthropic-wire.js";
import type { ChatChunk } from "./types.js";

const TOOLS: ChatRequest["tools"] = [
  {
    type: "function",
    function: {
      name: "get_weather",
      description: "Weather for a city",
      parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
    },
  },
  { type: "function", function: { name: "now" } },
];

const CONVERSATION: ChatRequest = {
  model: "claude-haiku-4-5",
  messages: [
    { role: "system", content: "You are terse." },
    { role: "developer", content: [{ type: "text", text: "Use metric units." }] },
    {
      role: "user",
      content: [
        { type: "text", text: "Weather here and in Rome?" },
        { type: "image_url", image_url: { url: "data:image/jpeg;base64,/9j/4AAQ" } },
        { type: "image_url", image_url: { url: "https://example.com/street.png" } },
      ],
    },
    {
      role: "assistant",
      content: "Checking both.",
      tool_calls: [
        {
          id: "toolu_1",
          type: "function",
          function: { name: "get_weather", arguments: '{"city":"Paris"}' },
        },
        {
          id: "toolu_2",
          type: "function",
          function: { name: "get_weather", arguments: '{"city":"Rome"}' },
        },
      ],
    },
    { role: "tool", tool_call_id: "toolu_1", content: "18C" },
    { role: "tool", tool_call_id: "toolu_2", content: [{ type: "text", text: "25C" }] },
    { role: "user", content: "Thanks" },
  ],
  tools: TOOLS,
  tool_choice: "required",
  stop: "END",
  temperature: 0.2,
  top_p: 0.9,
  user: "user-42",
};

describe("toAnthropicMessagesBody", () => {
  it("translates a full conversation to the exact wire JSON", () => {
    expect(toAnthropicMessagesBody(CONVERSATION, { stream: false })).toEqual({
      model: "claude-haiku-4-5",
      max_tokens: 4096,
      system: [
        { type: "text", text: "You are terse." },
        { type: "text", text: "Use metric units." },
      ],
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Weather here and in Rome?" },
            {
              type: "image",
              source: { type: "base64", media_type: "image/jpeg", data: "/9j/4AAQ" },
            },
            { type: "image", source: { type: "url", url: "https://example.com/street.png" } },
          ],
        },
        {
          role: "assistant",
          content: [
            { type: "text", text: "Checking both." },
            { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } },
            { type: "tool_use", id: "toolu_2", name: "get_weather", input: { city: "Rome" } },
          ],
        },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "toolu_1", content: "18C" },
            {
              type: "tool_result",
              tool_use_id: "toolu_2",
              content: [{ type: "text", text: "25C" }],
            },
          ],
        },
        { role: "user", content: "Thanks" },
      ],
      tools: [
        {
          name: "get_weather",
          description: "Weather for a city",
          input_schema: {
            type: "object",
            properties: { city: { type: "string" } },
            required: ["city"],
          },
        },
        { name: "now", input_schema: { type: "object", properties: {} } },
      ],
      tool_choice: { type: "any" },
      stop_sequences: ["END"],
      temperature: 0.2,
      top_p: 0.9,
      metadata: { user_id: "user-42" },
    });
  });

  it("takes max_tokens from the request, then the option, and adds stream", () => {
    const request: ChatRequest = { model: "m", messages: [{ role: "user", content: "Hi" }] };
    expect(
      toAnthropicMessagesBody(
        { ...request, max_completion_tokens: 50, max_tokens: 9 },
        { stream: true },
      ),
    ).toEqual({
      model: "m",
      max_tokens: 50,
      messages: [{ role: "user", content: "Hi" }],
      stream: true,
    });
    expect(
      toAnthropicMessagesBody(request, { stream: false, defaultMaxTokens: 1000 }).max_tokens,
    ).toBe(1000);
  });

  it("maps every tool_choice", () => {
    const base: ChatRequest = {
      model: "m",
      messages: [{ role: "user", content: "Hi" }],
      tools: TOOLS,
    };
    const choice = (tool_choice: ChatRequest["tool_choice"]) =>
      toAnthropicMessagesBody({ ...base, tool_choice }, { stream: false }).tool_choice;
    expect(choice("auto")).toEqual({ type: "auto" });
    expect(choice("none")).toEqual({ type: "none" });
    expect(choice({ type: "function", function: { name: "now" } })).toEqual({
      type: "tool",
      name: "now",
    });
    const withoutTools = { model: "m", messages: base.messages, tool_choice: "none" as const };
    expect(toAnthropicMessagesBody(withoutTools, { stream: false })).not.toHaveProperty(
      "tool_choice",
    );
  });

  it("sends empty tool arguments as an empty input object", () => {
    const body = toAnthropicMessagesBody(
      {
        model: "m",
        messages: [
          { role: "user", content: "Time?" },
          {
            role: "assistant",
            content: null,
            tool_calls: [{ id: "t", type: "function", function: { name: "now", arguments: "" } }],
          },
        ],
      },
      { stream: false },
    );
    expect(body.messages).toEqual([
      { role: "user", content: "Time?" },
      { role: "assistant", content: [{ type: "tool_use", id: "t", name: "now", input: {} }] },
    ]);
  });

  it("rejects what Anthropic cannot express, naming the field", () => {
    const request: ChatRequest = { model: "m", messages: [{ role: "user", content: "Hi" }] };
    const fieldOf = (action: () => unknown) => {
      try {
        action();
      } catch (error) {
        expect(TokenwiseError.hasCode(error, "invalid_input")).toBe(true);
        return (error as TokenwiseError).details.field;
      }
      throw new Error("expected invalid_input");
    };
    expect(fieldOf(() => toAnthropicMessagesBody({ ...request, n: 2 }, { stream: false }))).toBe(
      "n",
    );
    expect(
      fieldOf(() =>
        toAnthropicMessagesBody(
          { ...request, response_format: { type: "json_object" } },
          { stream: false },
        ),
      ),
    ).toBe("response_format");
    expect(
      fieldOf(() =>
        toAnthropicMessagesBody(
          {
            model: "m",
            messages: [
              {
                role: "assistant",
                content: null,
                tool_calls: [
                  { id: "t", type: "function", function: { name: "f", arguments: "{oops" } },
                ],
              },
            ],
          },
          { stream: false },
        ),
      ),
    ).toBe("messages[0].tool_calls[0].function.arguments");
    expect(
      fieldOf(() =>
        toAnthropicMessagesBody(
          {
            model: "m",
            messages: [
              {
                role: "user",
                content: [{ type: "image_url", image_url: { url: "ftp://x/y.png" } }],
              },
            ],
          },
          { stream: false },
        ),
      ),
    ).toBe("messages[0].content[0].image_url.url");
    expect(
      fieldOf(() =>
        toAnthropicMessagesBody(
          { model: "m", messages: [{ role: "tool", content: "x" }] },
          { stream: false },
        ),
      ),
    ).toBe("messages[0].tool_call_id");
  });
});

describe("toAnthropicCountTokensBody", () => {
  it("keeps the prompt parts and drops generation settings", () => {
    const body = toAnthropicCountTokensBody({ ...CONVERSATION, max_tokens: 10 });
    expect(Object.keys(body).sort()).toEqual([
      "messages",
      "model",
      "system",
      "tool_choice",
      "tools",
    ]);
  });
});

describe("fromAnthropicMessage", () => {
  it("joins text blocks, converts tool_use and normalizes usage", () => {
    const result = fromAnthropicMessage(
      {
        id: "msg_1",
        type: "message",
        role: "assistant",
        model: "claude-haiku-4-5-20251001",
        content: [
          { type: "thinking", thinking: "hmm", signature: "sig" },
          { type: "text", text: "Let me " },
          { type: "text", text: "check." },
          { type: "tool_use", id: "toolu_9", name: "get_weather", input: { city: "Oslo" } },
        ],
        stop_reason: "tool_use",
        usage: {
          input_tokens: 20,
          cache_read_input_tokens: 100,
          cache_creation_input_tokens: 30,
          output_tokens: 40,
        },
      },
      "anthropic",
    );
    expect(result).toEqual({
      id: "msg_1",
      model: "claude-haiku-4-5-20251001",
      provider: "anthropic",
      message: {
        role: "assistant",
        content: "Let me check.",
        tool_calls: [
          {
            id: "toolu_9",
            type: "function",
            function: { name: "get_weather", arguments: '{"city":"Oslo"}' },
          },
        ],
      },
      finishReason: "tool_calls",
      usage: {
        inputTokens: 150,
        cachedInputTokens: 100,
        cacheWriteTokens: 30,
        outputTokens: 40,
        reasoningTokens: 0,
      },
    });
  });

  it("maps stop reasons", () => {
    expect(finishReasonFromAnthropic("end_turn")).toBe("stop");
    expect(finishReasonFromAnthropic("stop_sequence")).toBe("stop");
    expect(finishReasonFromAnthropic("max_tokens")).toBe("length");
    expect(finishReasonFromAnthropic("tool_use")).toBe("tool_calls");
    expect(finishReasonFromAnthropic("refusal")).toBe("content_filter");
    expect(finishReasonFromAnthropic("pause_turn")).toBe("stop");
  });
});

describe("createAnthropicStreamDecoder", () => {
  const events: Array<[string, unknown]> = [
    [
      "message_start",
      {
        type: "message_start",
        message: {
          id: "msg_2",
          model: "claude-sonnet-4-5",
          content: [],
          usage: {
            input_tokens: 565,
            cache_read_input_tokens: 35,
            cache_creation_input_tokens: 0,
            output_tokens: 7,
          },
        },
      },
    ],
    [
      "content_block_start",
      { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
    ],
    [
      "content_block_delta",
      { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "On it" } },
    ],
    ["ping", { type: "ping" }],
    ["content_block_stop", { type: "content_block_stop", index: 0 }],
    [
      "content_block_start",
      {
        type: "content_block_start",
        index: 1,
        content_block: { type: "tool_use", id: "toolu_a", name: "lookup", input: {} },
      },
    ],
    [
      "content_block_delta",
      {
        type: "content_block_delta",
        index: 1,
        delta: { type: "input_json_delta", partial_json: '{"q":' },
      },
    ],
    [
      "content_block_delta",
      {
        type: "content_block_delta",
        index: 1,
        delta: { type: "input_json_delta", partial_json: '"x"}' },
      },
    ],
    ["content_block_stop", { type: "content_block_stop", index: 1 }],
    [
      "content_block_start",
      {
        type: "content_block_start",
        index: 2,
        content_block: { type: "tool_use", id: "toolu_b", name: "now", input: {} },
      },
    ],
    [
      "content_block_delta",
      {
        type: "content_block_delta",
        index: 2,
        delta: { type: "input_json_delta", partial_json: "" },
      },
    ],
    ["content_block_stop", { type: "content_block_stop", index: 2 }],
    [
      "message_delta",
      { type: "message_delta", delta: { stop_reason: "tool_use" }, usage: { output_tokens: 48 } },
    ],
    ["future_event", { type: "future_event" }],
    ["message_stop", { type: "message_stop" }],
  ];

  it("yields text and tool-call fragments, then a final chunk with usage", () => {
    const decoder = createAnthropicStreamDecoder("anthropic");
    const chunks: ChatChunk[] = [];
    for (const [event, data] of events) {
      expect(decoder.complete).toBe(false);
      chunks.push(...decoder.handle({ event, data: JSON.stringify(data), id: undefined }));
    }
    expect(decoder.complete).toBe(true);
    chunks.push(decoder.finalChunk());
    expect(chunks).toEqual([
      { text: "On it" },
      { toolCalls: [{ index: 0, id: "toolu_a", name: "lookup" }] },
      { toolCalls: [{ index: 0, argumentsDelta: '{"q":' }] },
      { toolCalls: [{ index: 0, argumentsDelta: '"x"}' }] },
      { toolCalls: [{ index: 1, id: "toolu_b", name: "now" }] },
      { toolCalls: [{ index: 1, argumentsDelta: "{}" }] },
      {
        finishReason: "tool_calls",
        usage: {
          inputTokens: 600,
          cachedInputTokens: 35,
          cacheWriteTokens: 0,
          outputTokens: 48,
          reasoningTokens: 0,
        },
        id: "msg_2",
        model: "claude-sonnet-4-5",
      },
    ]);
  });

  it("reports the input usage from message_start before the stream ends", () => {
    const decoder = createAnthropicStreamDecoder("anthropic");
    const [event, data] = events[0] ?? ["", {}];
    decoder.handle({ event, data: JSON.stringify(data), id: undefined });
    expect(decoder.usage()).toEqual({
      inputTokens: 600,
      cachedInputTokens: 35,
      cacheWriteTokens: 0,
      outputTokens: 7,
      reasoningTokens: 0,
    });
  });

  it("turns an error event into a stream error with the matching status", () => {
    const decoder = createAnthropicStreamDecoder("anthropic");
    const error = { type: "error", error: { type: "overloaded_error", message: "Overloaded" } };
    expect(() =>
      decoder.handle({ event: "error", data: JSON.stringify(error), id: undefined }),
    ).toThrow(expect.objectContaining({ status: 529 }));
  });
});
