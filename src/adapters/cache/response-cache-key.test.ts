import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { ChatRequest } from "../../core/messages/index.js";
import { responseCacheKey } from "./response-cache-key.js";

const request: ChatRequest = {
  model: "gpt-4o-mini",
  messages: [{ role: "user", content: "Hi" }],
  temperature: 0,
};
const key = (value: ChatRequest, namespace = "tenant") => responseCacheKey(value, { namespace });

describe("responseCacheKey", () => {
  it("is the SHA-256 of the format, the namespace and the canonical request", () => {
    const expected = createHash("sha256")
      .update(
        'tokenwise.response-cache.v1\n"tenant"\n' +
          '{"messages":[{"content":"Hi","role":"user"}],"model":"gpt-4o-mini","temperature":0}',
      )
      .digest("hex");
    expect(key(request)).toBe(expected);
    expect(key(request)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("ignores key order, undefined fields, stream, stream_options and user", () => {
    const reordered = {
      temperature: 0,
      messages: [{ content: "Hi", role: "user" }],
      model: "gpt-4o-mini",
      seed: undefined,
    } as ChatRequest;
    expect(key(reordered)).toBe(key(request));
    expect(
      key({ ...request, stream: true, stream_options: { include_usage: true }, user: "alice" }),
    ).toBe(key(request));
  });

  it("changes with the model, the messages and every parameter that changes the output", () => {
    const variants: ChatRequest[] = [
      { ...request, model: "gpt-4o" },
      { ...request, messages: [{ role: "user", content: "Hi!" }] },
      { ...request, messages: [{ role: "system", content: "Hi" }] },
      { ...request, messages: [{ role: "user", content: "Hi", name: "bob" }] },
      { ...request, messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }] },
      { ...request, messages: [...request.messages, { role: "assistant", content: "Hello" }] },
      { ...request, temperature: 0.5 },
      { ...request, top_p: 0.9 },
      { ...request, max_tokens: 10 },
      { ...request, max_completion_tokens: 10 },
      { ...request, stop: "\n" },
      { ...request, stop: ["\n"] },
      { ...request, seed: 7 },
      {
        ...request,
        tools: [{ type: "function", function: { name: "lookup", parameters: { type: "object" } } }],
      },
      { ...request, tool_choice: "none" },
      { ...request, response_format: { type: "json_object" } },
      { ...request, reasoning_effort: "low" },
      { ...request, presence_penalty: 0.1 },
      { ...request, frequency_penalty: 0.1 },
      { ...request, n: 2 },
    ];
    const keys = new Set([key(request), ...variants.map((variant) => key(variant))]);
    expect(keys.size).toBe(variants.length + 1);
  });

  it("never shares an entry between namespaces, even ones that look alike", () => {
    expect(key(request, "a")).not.toBe(key(request, "b"));
    expect(key(request, 'a"\n')).not.toBe(key(request, "a"));
  });

  it("separates prompts that a naive concatenation would join the same way", () => {
    const split = key({ ...request, messages: [{ role: "user", content: "ab" }] });
    const joined = key({
      ...request,
      messages: [
        { role: "user", content: "a" },
        { role: "user", content: "b" },
      ],
    });
    expect(split).not.toBe(joined);
  });

  it("rejects bad input naming the field", () => {
    expect(() => responseCacheKey(request, { namespace: "" })).toThrow(
      /namespace must be a non-empty/,
    );
    expect(() => key({ ...request, model: "" })).toThrow(
      /request\.model must be a non-empty string/,
    );
    expect(() => key({ ...request, temperature: Number.NaN })).toThrow(
      /request\.temperature must be a finite number/,
    );
    expect(() => key({ model: "m" } as ChatRequest)).toThrow(/request\.messages must be an array/);
  });
});
