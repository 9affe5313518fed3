import { describe, expect, it } from "vitest";
import { TokenwiseError } from "../../core/errors/index.js";
import type { ChatRequest } from "../../core/messages/index.js";
import {
  createGeminiStreamDecoder,
  finishReasonFromGemini,
  fromGeminiResponse,
  geminiModelPath,
  SKIP_THOUGHT_SIGNATURE,
  splitToolCallId,
  toGeminiCountTokensBody,
  toGeminiGenerateBody,
} from "./gemini-wire.js";
import type { ChatChunk } from "./types.js";

const CONVERSATION: ChatRequest = {
  model: "gemini-2.5-flash",
  messages: [
    { role: "system", content: "You are terse." },
    { role: "developer", content: "Use metric units." },
    {
      role: "user",
      content: [
        { type: "text", text: "Weather here and in Rome?" },
        { type: "image_url", image_url: { url: "data:image/webp;base64,UklGR" } },
        { type: "image_url", image_url: { url: "https://example.com/street.png?size=large" } },
      ],
    },
    {
      role: "assistant",
      content: "Checking both.",
      tool_calls: [
        {
          id: "call_r_0__thought__c2lnbmF0dXJl",
          type: "function",
          function: { name: "get_weather", arguments: '{"city":"Paris"}' },
        },
        {
          id: "call_r_1",
          type: "function",
          function: { name: "get_weather", arguments: '{"city":"Rome"}' },
        },
      ],
    },
    { role: "tool", tool_call_id: "call_r_0__thought__c2lnbmF0dXJl", content: '{"celsius":18}' },
    { role: "tool", tool_call_id: "call_r_1", content: "25C" },
    { role: "user", content: "Thanks" },
  ],
  tools: [
    {
      type: "function",
      function: {
        name: "get_weather",
        description: "Weather for a city",
        parameters: {
          type: "object",
          properties: { city: { type: "string" } },
          required: ["city"],
        },
      },
    },
  ],
  tool_choice: { type: "function", function: { name: "get_weather" } },
  max_tokens: 300,
  temperature: 0.2,
  top_p: 0.9,
  stop: ["END"],
  n: 1,
  seed: 7,
  response_format: {
    type: "json_schema",
    json_schema: {
      name: "answer",
      schema: { type: "object", properties: { a: { type: "string" } } },
    },
  },
};

describe("toGeminiGenerateBody", () => {
  it("translates a full conversation to the exact wire JSON", () => {
    expect(toGeminiGenerateBody(CONVERSATION)).toEqual({
      contents: [
        {
          role: "user",
          parts: [
            { text: "Weather here and in Rome?" },
            { inlineData: { mimeType: "image/webp", data: "UklGR" } },
            {
              fileData: {
                mimeType: "image/png",
                fileUri: "https://example.com/street.png?size=large",
              },
            },
          ],
        },
        {
          role: "model",
          parts: [
            { text: "Checking both." },
            {
              functionCall: { name: "get_weather", args: { city: "Paris" } },
              thoughtSignature: "c2lnbmF0dXJl",
            },
            { functionCall: { name: "get_weather", args: { city: "Rome" } } },
          ],
        },
        {
          role: "user",
          parts: [
            { functionResponse: { name: "get_weather", response: { celsius: 18 } } },
            { functionResponse: { name: "get_weather", response: { result: "25C" } } },
          ],
        },
        { role: "user", parts: [{ text: "Thanks" }] },
      ],
      systemInstruction: { parts: [{ text: "You are terse." }, { text: "Use metric units." }] },
      tools: [
        {
          functionDeclarations: [
            {
              name: "get_weather",
              description: "Weather for a city",
              parametersJsonSchema: {
                type: "object",
                properties: { city: { type: "string" } },
                required: ["city"],
              },
            },
          ],
        },
      ],
      toolConfig: { functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["get_weather"] } },
      generationConfig: {
        maxOutputTokens: 300,
        temperature: 0.2,
        topP: 0.9,
        stopSequences: ["END"],
        candidateCount: 1,
        seed: 7,
        responseMimeType: "application/json",
        responseJsonSchema: { type: "object", properties: { a: { type: "string" } } },
      },
    });
  });

  it("maps the other tool choices and omits an empty generationConfig", () => {
    const base: ChatRequest = { model: "m", messages: [{ role: "user", content: "Hi" }] };
    expect(toGeminiGenerateBody(base)).toEqual({
      contents: [{ role: "user", parts: [{ text: "Hi" }] }],
    });
    expect(toGeminiGenerateBody({ ...base, tool_choice: "auto" }).toolConfig).toEqual({
      functionCallingConfig: { mode: "AUTO" },
    });
    expect(toGeminiGenerateBody({ ...base, tool_choice: "none" }).toolConfig).toEqual({
      functionCallingConfig: { mode: "NONE" },
    });
    expect(toGeminiGenerateBody({ ...base, tool_choice: "required" }).toolConfig).toEqual({
      functionCallingConfig: { mode: "ANY" },
    });
  });

  it("adds Google's placeholder signature only for Gemini 3 calls that lost theirs", () => {
    const replay = (model: string) =>
      toGeminiGenerateBody({
        model,
        messages: [
          { role: "user", content: "Time?" },
          {
            role: "assistant",
            content: null,
            tool_calls: [
              { id: "c1", type: "function", function: { name: "now", arguments: "{}" } },
            ],
          },
        ],
      }).contents;
    expect(replay("gemini-3-pro-preview")).toEqual([
      { role: "user", parts: [{ text: "Time?" }] },
      {
        role: "model",
        parts: [
          { functionCall: { name: "now", args: {} }, thoughtSignature: SKIP_THOUGHT_SIGNATURE },
        ],
      },
    ]);
    expect(replay("gemini-2.5-flash")).toEqual([
      { role: "user", parts: [{ text: "Time?" }] },
      { role: "model", parts: [{ functionCall: { name: "now", args: {} } }] },
    ]);
  });

  it("needs the function name of a tool result", () => {
    try {
      toGeminiGenerateBody({
        model: "m",
        messages: [{ role: "tool", tool_call_id: "unknown", content: "x" }],
      });
      expect.unreachable();
    } catch (error) {
      expect(TokenwiseError.hasCode(error, "invalid_input")).toBe(true);
      expect((error as TokenwiseError).details.field).toBe("messages[0].tool_call_id");
    }
  });
});

describe("toGeminiCountTokensBody", () => {
  it("wraps the prompt in generateContentRequest with the model path", () => {
    const body = toGeminiCountTokensBody({
      model: "gemini-2.5-flash",
      messages: [
        { role: "system", content: "Be brief" },
        { role: "user", content: "Hi" },
      ],
      max_tokens: 5,
    });
    expect(body).toEqual({
      generateContentRequest: {
        model: "models/gemini-2.5-flash",
        contents: [{ role: "user", parts: [{ text: "Hi" }] }],
        systemInstruction: { parts: [{ text: "Be brief" }] },
      },
    });
  });
});

describe("geminiModelPath and splitToolCallId", () => {
  it("prefixes bare model ids only", () => {
    expect(geminiModelPath("gemini-2.5-pro")).toBe("models/gemini-2.5-pro");
    expect(geminiModelPath("models/gemini-2.5-pro")).toBe("models/gemini-2.5-pro");
    expect(geminiModelPath("tunedModels/mine")).toBe("tunedModels/mine");
  });

  it("splits an id that carries a signature", () => {
    expect(splitToolCallId("call_1__thought__abc==")).toEqual({ id: "call_1", signature: "abc==" });
    expect(splitToolCallId("call_1")).toEqual({ id: "call_1" });
  });
});

describe("fromGeminiResponse", () => {
  it("keeps thoughts out of the text, signs tool call ids and counts thoughts as output", () => {
    const result = fromGeminiResponse(
      {
        candidates: [
          {
            content: {
              role: "model",
              parts: [
                { text: "planning...", thought: true },
                { text: "Calling." },
                {
                  functionCall: { name: "weather", args: { location: "SF" } },
                  thoughtSignature: "EqUC",
                },
              ],
            },
            finishReason: "STOP",
            index: 0,
          },
        ],
        usageMetadata: {
          promptTokenCount: 29,
          candidatesTokenCount: 15,
          thoughtsTokenCount: 45,
          totalTokenCount: 89,
        },
        modelVersion: "gemini-3-pro-preview",
        responseId: "resp1",
      },
      { provider: "gemini", model: "gemini-3-pro" },
    );
    expect(result).toEqual({
      id: "resp1",
      model: "gemini-3-pro-preview",
      provider: "gemini",
      message: {
        role: "assistant",
        content: "Calling.",
        tool_calls: [
          {
            id: "call_resp1_0__thought__EqUC",
            type: "function",
            function: { name: "weather", arguments: '{"location":"SF"}' },
          },
        ],
      },
      finishReason: "tool_calls",
      usage: {
        inputTokens: 29,
        cachedInputTokens: 0,
        cacheWriteTokens: 0,
        outputTokens: 60,
        reasoningTokens: 45,
      },
    });
  });

  it("reports a blocked prompt as content_filter", () => {
    const result = fromGeminiResponse(
      {
        promptFeedback: { blockReason: "SAFETY" },
        usageMetadata: { promptTokenCount: 8, totalTokenCount: 8 },
      },
      { provider: "gemini", model: "gemini-2.5-flash" },
    );
    expect(result.finishReason).toBe("content_filter");
    expect(result.message.content).toBe("");
    expect(result.usage.inputTokens).toBe(8);
  });

  it("maps finish reasons", () => {
    expect(finishReasonFromGemini("STOP", false)).toBe("stop");
    expect(finishReasonFromGemini("MAX_TOKENS", false)).toBe("length");
    expect(finishReasonFromGemini("SAFETY", false)).toBe("content_filter");
    expect(finishReasonFromGemini("RECITATION", false)).toBe("content_filter");
    expect(finishReasonFromGemini("MALFORMED_FUNCTION_CALL", false)).toBe("error");
    expect(finishReasonFromGemini("OTHER", false)).toBe("other");
  });
});

describe("createGeminiStreamDecoder", () => {
  it("yields text without thoughts and completes on the finish reason", () => {
    const decoder = createGeminiStreamDecoder({ provider: "gemini", model: "gemma" });
    const events = [
      {
        candidates: [
          { content: { parts: [{ text: "thinking", thought: true }], role: "model" }, index: 0 },
        ],
        usageMetadata: { promptTokenCount: 6, totalTokenCount: 20, thoughtsTokenCount: 14 },
        responseId: "r9",
        modelVersion: "gemma-4",
      },
      {
        candidates: [{ content: { parts: [{ text: "hello" }], role: "model" }, index: 0 }],
        usageMetadata: {
          promptTokenCount: 6,
          candidatesTokenCount: 1,
          totalTokenCount: 83,
          thoughtsTokenCount: 76,
        },
      },
      {
        candidates: [
          { content: { parts: [{ text: "" }], role: "model" }, finishReason: "STOP", index: 0 },
        ],
        usageMetadata: {
          promptTokenCount: 6,
          candidatesTokenCount: 1,
          totalTokenCount: 83,
          thoughtsTokenCount: 76,
        },
      },
    ];
    const chunks: ChatChunk[] = [];
    for (const event of events) {
      chunks.push(
        ...decoder.handle({ event: undefined, data: JSON.stringify(event), id: undefined }),
      );
    }
    expect(decoder.complete).toBe(true);
    expect(decoder.stopsAtTerminalEvent).toBe(false);
    chunks.push(decoder.finalChunk());
    expect(chunks).toEqual([
      { text: "hello" },
      {
        finishReason: "stop",
        usage: {
          inputTokens: 6,
          cachedInputTokens: 0,
          cacheWriteTokens: 0,
          outputTokens: 77,
          reasoningTokens: 76,
        },
        id: "r9",
        model: "gemma-4",
      },
    ]);
  });

  it("emits each function call whole and turns an error payload into a stream error", () => {
    const decoder = createGeminiStreamDecoder({ provider: "gemini", model: "m" });
    const call = {
      candidates: [
        {
          content: { parts: [{ functionCall: { name: "f", args: { a: 1 } } }], role: "model" },
          index: 0,
        },
      ],
      responseId: "r1",
    };
    expect(decoder.handle({ event: undefined, data: JSON.stringify(call), id: undefined })).toEqual(
      [{ toolCalls: [{ index: 0, id: "call_r1_0", name: "f", argumentsDelta: '{"a":1}' }] }],
    );
    const failure = { error: { code: 503, message: "overloaded", status: "UNAVAILABLE" } };
    expect(() =>
      decoder.handle({ event: undefined, data: JSON.stringify(failure), id: undefined }),
    ).toThrow(expect.objectContaining({ status: 503 }));
  });
});
