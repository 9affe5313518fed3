import { describe, expect, it } from "vitest";
import { assembleChatChunks } from "./assemble-chat-chunks.js";

describe("assembleChatChunks", () => {
  it("joins text, merges tool-call fragments by index and keeps the last usage", () => {
    const usage = {
      inputTokens: 5,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 3,
      reasoningTokens: 0,
    };
    expect(
      assembleChatChunks([
        { text: "Let " },
        { text: "me" },
        { toolCalls: [{ index: 1, id: "b", name: "second", argumentsDelta: "{}" }] },
        { toolCalls: [{ index: 0, id: "a", name: "first" }] },
        { toolCalls: [{ index: 0, argumentsDelta: '{"x":' }] },
        { toolCalls: [{ index: 0, argumentsDelta: "1}" }] },
        { finishReason: "tool_calls", usage, id: "r1", model: "m" },
      ]),
    ).toEqual({
      id: "r1",
      model: "m",
      content: "Let me",
      toolCalls: [
        { id: "a", type: "function", function: { name: "first", arguments: '{"x":1}' } },
        { id: "b", type: "function", function: { name: "second", arguments: "{}" } },
      ],
      finishReason: "tool_calls",
      usage,
    });
  });

  it("gives null content for a tool-only reply and empty text otherwise", () => {
    expect(
      assembleChatChunks([{ toolCalls: [{ index: 0, id: "a", name: "f" }] }]).content,
    ).toBeNull();
    expect(assembleChatChunks([]).content).toBe("");
  });
});
