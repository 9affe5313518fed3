import { describe, expect, it } from "vitest";
import { anthropicUsage, parseAnthropicMessagesBody } from "./anthropic-messages-front.js";

describe("parseAnthropicMessagesBody", () => {
  it("turns system, tool_use and tool_result blocks into the canonical conversation", () => {
    const { request, stream } = parseAnthropicMessagesBody({
      model: "claude-haiku-4-5",
      max_tokens: 100,
      stream: true,
      system: [{ type: "text", text: "Be brief" }],
      tools: [{ name: "get_weather", input_schema: { type: "object" } }],
      tool_choice: { type: "any" },
      messages: [
        { role: "user", content: "Weather in Rome?" },
        {
          role: "assistant",
          content: [
            { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Rome" } },
          ],
        },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "toolu_1", content: "Sunny" },
            { type: "text", text: "Thanks" },
          ],
        },
      ],
    });
    expect(stream).toBe(true);
    expect(request.tool_choice).toBe("required");
    expect(request.messages).toEqual([
      { role: "system", content: "Be brief" },
      { role: "user", content: "Weather in Rome?" },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          {
            id: "toolu_1",
            type: "function",
            function: { name: "get_weather", arguments: '{"city":"Rome"}' },
          },
        ],
      },
      { role: "tool", tool_call_id: "toolu_1", content: "Sunny" },
      { role: "user", content: [{ type: "text", text: "Thanks" }] },
    ]);
  });

  it("requires max_tokens for messages but not for count_tokens, naming the field", () => {
    const body = { model: "claude-haiku-4-5", messages: [{ role: "user", content: "Hi" }] };
    expect(() => parseAnthropicMessagesBody(body)).toThrow(/max_tokens is required/);
    expect(
      parseAnthropicMessagesBody(body, { requireMaxTokens: false }).request.max_tokens,
    ).toBeUndefined();
    expect(() =>
      parseAnthropicMessagesBody({
        ...body,
        max_tokens: 5,
        messages: [{ role: "tool", content: "x" }],
      }),
    ).toThrow(/messages\[0\]\.role must be "user" or "assistant"/);
  });
});

describe("anthropicUsage", () => {
  it("reports input without the cache reads and writes, which it lists apart", () => {
    expect(
      anthropicUsage({
        inputTokens: 100,
        cachedInputTokens: 60,
        cacheWriteTokens: 30,
        outputTokens: 5,
        reasoningTokens: 0,
      }),
    ).toEqual({
      input_tokens: 10,
      cache_read_input_tokens: 60,
      cache_creation_input_tokens: 30,
      output_tokens: 5,
    });
  });
});
