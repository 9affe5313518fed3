import type { LanguageModelV3GenerateResult, LanguageModelV3StreamPart } from "@ai-sdk/provider";
import { describe, expect, it } from "vitest";
import { createStreamCollector, replayStream } from "./stream-parts.js";

const result: LanguageModelV3GenerateResult = {
  content: [
    { type: "reasoning", text: "Thinking" },
    { type: "text", text: "Answer" },
    { type: "tool-call", toolCallId: "c1", toolName: "add", input: '{"a":1}' },
  ],
  finishReason: { unified: "tool-calls", raw: "tool_use" },
  usage: {
    inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: 5, text: 3, reasoning: 2 },
  },
  warnings: [],
  response: { id: "r1", modelId: "m", timestamp: new Date(0) },
};

async function partsOf(stream: ReadableStream<LanguageModelV3StreamPart>) {
  const parts: LanguageModelV3StreamPart[] = [];
  const reader = stream.getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read())
    parts.push(next.value);
  return parts;
}

describe("replayStream and createStreamCollector", () => {
  it("replay a result as stream parts that collect back into the same result", async () => {
    const parts = await partsOf(replayStream(result));
    expect(parts.map((part) => part.type)).toEqual([
      "stream-start",
      "response-metadata",
      "reasoning-start",
      "reasoning-delta",
      "reasoning-end",
      "text-start",
      "text-delta",
      "text-end",
      "tool-call",
      "finish",
    ]);
    const collector = createStreamCollector();
    for (const part of parts) collector.observe(part);
    expect(collector.result()).toEqual(result);
    expect(collector.receivedText()).toBe('ThinkingAnsweradd{"a":1}');
    expect(collector.failed).toBe(false);
  });

  it("has no result before the finish part, and notes error parts", () => {
    const collector = createStreamCollector();
    collector.observe({ type: "text-start", id: "a" });
    collector.observe({ type: "text-delta", id: "a", delta: "Half" });
    collector.observe({ type: "error", error: new Error("boom") });
    expect(collector.result()).toBeUndefined();
    expect(collector.receivedText()).toBe("Half");
    expect(collector.failed).toBe(true);
  });
});
