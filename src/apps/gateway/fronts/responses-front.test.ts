import { describe, expect, it } from "vitest";
import { parseResponsesBody } from "./responses-front.js";

describe("parseResponsesBody", () => {
  it("reads instructions, messages, function calls and their outputs", () => {
    const { request } = parseResponsesBody({
      model: "gpt-4o-mini",
      instructions: "Be brief",
      max_output_tokens: 50,
      input: [
        { role: "user", content: [{ type: "input_text", text: "Weather in Oslo?" }] },
        { type: "reasoning", id: "rs_1", summary: [] },
        {
          type: "function_call",
          call_id: "call_1",
          name: "get_weather",
          arguments: '{"city":"Oslo"}',
        },
        { type: "function_call_output", call_id: "call_1", output: "Snow" },
      ],
      tools: [{ type: "function", name: "get_weather", parameters: { type: "object" } }],
    });
    expect(request.max_tokens).toBe(50);
    expect(request.tools?.[0]?.function.name).toBe("get_weather");
    expect(request.messages).toEqual([
      { role: "system", content: "Be brief" },
      { role: "user", content: [{ type: "text", text: "Weather in Oslo?" }] },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          {
            id: "call_1",
            type: "function",
            function: { name: "get_weather", arguments: '{"city":"Oslo"}' },
          },
        ],
      },
      { role: "tool", tool_call_id: "call_1", content: "Snow" },
    ]);
  });

  it("refuses what a stateless gateway cannot serve, naming the field", () => {
    expect(() =>
      parseResponsesBody({ model: "gpt-4o-mini", input: "Hi", previous_response_id: "resp_1" }),
    ).toThrow(/previous_response_id is not supported/);
    expect(() =>
      parseResponsesBody({ model: "gpt-4o-mini", input: "Hi", tools: [{ type: "web_search" }] }),
    ).toThrow(/tools\[0\]\.type must be "function"/);
    expect(() => parseResponsesBody({ model: "gpt-4o-mini", input: 42 })).toThrow(
      /input must be an array/,
    );
  });
});
