import { describe, expect, it } from "vitest";
import type { ChatRequest } from "../../../core/messages/index.js";
import { createMockProvider, mockHttpError, zeroUsage } from "./mock-provider.js";

const request: ChatRequest = { model: "m", messages: [{ role: "user", content: "hi" }] };

describe("createMockProvider", () => {
  it("replays the script in order and records each call", async () => {
    const provider = createMockProvider({
      name: "openai",
      script: [
        { kind: "error", error: mockHttpError(500) },
        { kind: "result", result: { id: "abc" } },
        { kind: "stream", chunks: [{ text: "a" }, { text: "b" }] },
      ],
    });
    await expect(provider.chat(request)).rejects.toMatchObject({ code: "provider_error" });
    const result = await provider.chat(request);
    expect(result).toEqual({
      id: "abc",
      model: "m",
      provider: "openai",
      message: { role: "assistant", content: "ok" },
      finishReason: "stop",
      usage: zeroUsage,
    });
    const texts: Array<string | undefined> = [];
    for await (const chunk of provider.streamChat(request)) texts.push(chunk.text);
    expect(texts).toEqual(["a", "b"]);
    expect(provider.calls.map((call) => call.method)).toEqual(["chat", "chat", "streamChat"]);
    expect(provider.remainingSteps()).toBe(0);
  });

  it("throws when the script runs out, so a test cannot pass by accident", async () => {
    const provider = createMockProvider({ name: "x", script: [] });
    await expect(provider.chat(request)).rejects.toThrowError(
      'mock provider "x": no scripted step left for call 1',
    );
  });
});
