import { describe, expect, it } from "vitest";
import {
  conversationFromAnthropic,
  conversationFromGemini,
  conversationFromOpenAI,
  MockRequestError,
} from "./mock-conversation.js";
import { countConversationTokens, planReply } from "./mock-reply.js";

const NO_EXTRAS = { cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };

const WEATHER_TOOL = {
  name: "get_weather",
  description: "Weather",
  parameters: { type: "object", properties: { city: { type: "string" } } },
};

describe("the three wire formats read as one conversation", () => {
  const openai = conversationFromOpenAI({
    model: "m",
    messages: [
      { role: "system", content: "Be brief" },
      {
        role: "user",
        content: [
          { type: "text", text: "Weather?" },
          { type: "image_url", image_url: { url: "x" } },
        ],
      },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          {
            id: "c",
            type: "function",
            function: { name: "get_weather", arguments: '{ "city": "Rome" }' },
          },
        ],
      },
      { role: "tool", tool_call_id: "c", content: "25C" },
    ],
    tools: [{ type: "function", function: WEATHER_TOOL }],
  });
  const anthropic = conversationFromAnthropic({
    model: "m",
    max_tokens: 10,
    system: [{ type: "text", text: "Be brief" }],
    messages: [
      {
        role: "user",
        content: [
          { type: "text", text: "Weather?" },
          { type: "image", source: { type: "url", url: "x" } },
        ],
      },
      {
        role: "assistant",
        content: [{ type: "tool_use", id: "c", name: "get_weather", input: { city: "Rome" } }],
      },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "c", content: "25C" }] },
    ],
    tools: [{ name: "get_weather", description: "Weather", input_schema: WEATHER_TOOL.parameters }],
  });
  const gemini = conversationFromGemini(
    {
      systemInstruction: { parts: [{ text: "Be brief" }] },
      contents: [
        {
          role: "user",
          parts: [{ text: "Weather?" }, { fileData: { fileUri: "x", mimeType: "image/png" } }],
        },
        {
          role: "model",
          parts: [{ functionCall: { name: "get_weather", args: { city: "Rome" } } }],
        },
        {
          role: "user",
          parts: [{ functionResponse: { name: "get_weather", response: { result: "25C" } } }],
        },
      ],
      tools: [
        {
          functionDeclarations: [
            {
              name: "get_weather",
              description: "Weather",
              parametersJsonSchema: WEATHER_TOOL.parameters,
            },
          ],
        },
      ],
    },
    "m",
  );

  it("gives the same turns, tools and token count", () => {
    expect(anthropic.turns).toEqual(openai.turns);
    expect(gemini.turns).toEqual(openai.turns);
    expect(anthropic.toolsJson).toBe(openai.toolsJson);
    expect(gemini.toolsJson).toBe(openai.toolsJson);
    // 3 priming; system 3 + 2; user 3 + 2 + 85; assistant 3 + ceil(26 / 4) = 7; tool 3 + 1;
    // tools ceil(118 / 4) = 30.
    expect(countConversationTokens(openai)).toBe(142);
    expect(countConversationTokens(anthropic)).toBe(142);
    expect(countConversationTokens(gemini)).toBe(142);
  });

  it("answers trailing tool results with their text", () => {
    expect(planReply(openai, NO_EXTRAS).text).toBe("Tool results: 25C");
  });

  it("rejects a body without messages", () => {
    expect(() => conversationFromOpenAI({ model: "m" })).toThrow(MockRequestError);
    expect(() => conversationFromGemini({}, "m")).toThrow("contents: field required");
  });
});

describe("planReply", () => {
  const hello = conversationFromOpenAI({
    model: "m",
    messages: [{ role: "user", content: "Hello there world" }],
  });

  it("echoes the last user message, split into streamable pieces", () => {
    const reply = planReply(hello, NO_EXTRAS);
    expect(reply.text).toBe("Echo: Hello there world");
    expect(reply.pieces).toEqual(["Echo:", " Hello", " there", " world"]);
    expect(reply.finish).toBe("stop");
    expect(reply.usage).toEqual({
      inputTokens: 11,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      visibleOutputTokens: 6,
      reasoningTokens: 0,
    });
  });

  it("caps cached and cache-write tokens at the input", () => {
    const reply = planReply(hello, {
      cachedInputTokens: 8,
      cacheWriteTokens: 8,
      reasoningTokens: 5,
    });
    expect(reply.usage).toMatchObject({
      cachedInputTokens: 8,
      cacheWriteTokens: 3,
      reasoningTokens: 5,
    });
  });

  it("cuts at max tokens and at stop sequences", () => {
    const limited = planReply({ ...hello, maxOutputTokens: 3 }, NO_EXTRAS);
    expect(limited).toMatchObject({
      text: "Echo: Hello ",
      finish: "length",
      usage: { visibleOutputTokens: 3 },
    });
    const stopped = planReply({ ...hello, stop: [" there"] }, NO_EXTRAS);
    expect(stopped).toMatchObject({ text: "Echo: Hello", finish: "stop", stopSequence: " there" });
  });

  it("calls the forced tool with the last user text", () => {
    const forced = planReply({ ...hello, toolNames: ["lookup"], forcedTool: "" }, NO_EXTRAS);
    expect(forced.text).toBe("");
    expect(forced.finish).toBe("tool_calls");
    expect(forced.toolCalls).toEqual([
      { name: "lookup", argumentsJson: '{"text":"Hello there world"}' },
    ]);
    expect(forced.usage.visibleOutputTokens).toBe(9);
  });

  it("uses scripted text and tool calls instead of the echo", () => {
    expect(planReply(hello, NO_EXTRAS, { text: "Scripted" }).text).toBe("Scripted");
    const scripted = planReply(hello, NO_EXTRAS, {
      toolCalls: [{ name: "f", arguments: { a: 1 } }],
    });
    expect(scripted.toolCalls).toEqual([{ name: "f", argumentsJson: '{"a":1}' }]);
  });
});
