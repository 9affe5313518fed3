import { describe, expect, it } from "vitest";
import type { ChatResult } from "../../adapters/providers/index.js";
import { assembleChatChunks } from "../../adapters/providers/index.js";
import { emptyUsage } from "../../core/cost/index.js";
import { replayChunks } from "./replay-chunks.js";

const base: ChatResult = {
  id: "r1",
  model: "gpt-4o-mini",
  provider: "openai",
  message: { role: "assistant", content: "Two  words " },
  finishReason: "stop",
  usage: { ...emptyUsage(), inputTokens: 5, outputTokens: 3 },
};

describe("replayChunks", () => {
  it("splits text by word and ends with finish reason, usage, id and model", () => {
    expect(replayChunks(base)).toEqual([
      { text: "Two" },
      { text: "  words" },
      { text: " " },
      { finishReason: "stop", usage: base.usage, id: "r1", model: "gpt-4o-mini" },
    ]);
  });

  it("replays tool calls so they assemble back exactly", () => {
    const toolCall = {
      id: "c1",
      type: "function" as const,
      function: { name: "add", arguments: '{"a":1}' },
    };
    const result: ChatResult = {
      ...base,
      message: { role: "assistant", content: null, tool_calls: [toolCall] },
      finishReason: "tool_calls",
    };
    const reply = assembleChatChunks(replayChunks(result));
    expect(reply).toMatchObject({
      content: null,
      toolCalls: [toolCall],
      finishReason: "tool_calls",
    });
  });
});
