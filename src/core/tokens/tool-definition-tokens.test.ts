import { describe, expect, it } from "vitest";
import type { ToolDefinition } from "../messages/index.js";
import { getTokenizer } from "./registry.js";
import {
  CLAUDE_TOOL_SYSTEM_PROMPT_TOKENS,
  countToolDefinitionTokens,
  estimateToolDefinitionTokens,
} from "./tool-definition-tokens.js";

const o200k = getTokenizer("o200k_base");
const cl100k = getTokenizer("cl100k_base");

const weather: ToolDefinition = {
  type: "function",
  function: {
    name: "get_current_weather",
    description: "Get the current weather in a given location",
    parameters: {
      type: "object",
      properties: {
        location: { type: "string", description: "The city and state, e.g. San Francisco, CA" },
        unit: {
          type: "string",
          description: "The unit of temperature to return",
          enum: ["celsius", "fahrenheit"],
        },
      },
      required: ["location"],
    },
  },
};

describe("countToolDefinitionTokens", () => {
  it("follows num_tokens_for_tools term by term", () => {
    const expected = (functionStart: number, count: (text: string) => number) =>
      functionStart +
      count("get_current_weather:Get the current weather in a given location") +
      3 +
      3 +
      count("location:string:The city and state, e.g. San Francisco, CA") +
      3 +
      -3 +
      3 +
      count("celsius") +
      3 +
      count("fahrenheit") +
      count("unit:string:The unit of temperature to return") +
      12;
    expect(countToolDefinitionTokens([weather], { tokenizer: o200k, family: "gpt-4o" })).toEqual({
      tokens: expected(7, (text) => o200k.count(text)),
      approximations: [],
    });
    expect(
      countToolDefinitionTokens([weather], { tokenizer: cl100k, family: "gpt-4" }).tokens,
    ).toBe(expected(10, (text) => cl100k.count(text)));
  });

  it("drops one trailing period from descriptions and counts the end constant once", () => {
    const withPeriod: ToolDefinition = {
      type: "function",
      function: {
        ...weather.function,
        description: "Get the current weather in a given location.",
      },
    };
    const one = countToolDefinitionTokens([weather], { tokenizer: o200k, family: "gpt-4o" }).tokens;
    expect(
      countToolDefinitionTokens([withPeriod], { tokenizer: o200k, family: "gpt-4o" }).tokens,
    ).toBe(one);
    expect(
      countToolDefinitionTokens([weather, weather], { tokenizer: o200k, family: "gpt-4o" }).tokens,
    ).toBe(2 * one - 12);
    expect(countToolDefinitionTokens([], { tokenizer: o200k, family: "gpt-4o" }).tokens).toBe(0);
  });

  it("counts a function without parameters or description as its name", () => {
    const bare: ToolDefinition = { type: "function", function: { name: "ping" } };
    expect(countToolDefinitionTokens([bare], { tokenizer: o200k, family: "gpt-4o" }).tokens).toBe(
      7 + o200k.count("ping:") + 12,
    );
  });

  it("reports approximations for schemas the cookbook does not read", () => {
    const union: ToolDefinition = {
      type: "function",
      function: {
        name: "f",
        parameters: {
          type: "object",
          properties: {
            when: { type: ["string", "null"] },
            choice: { anyOf: [{ type: "string" }, { type: "number" }] },
            level: { type: "integer", enum: [1, 2] },
          },
        },
      },
    };
    const result = countToolDefinitionTokens([union], { tokenizer: o200k, family: "gpt-4o" });
    expect(result.approximations).toEqual([
      "tool parameters without a single type",
      "tool parameters using anyOf/oneOf/allOf/$ref",
    ]);
    expect(result.tokens).toBe(
      7 +
        o200k.count("f:") +
        3 +
        (3 + o200k.count("when:string | null:")) +
        (3 + o200k.count("choice::")) +
        (3 - 3 + 3 + o200k.count("1") + 3 + o200k.count("2") + o200k.count("level:integer:")) +
        12,
    );
  });

  it("rejects malformed tools with the path of the bad field", () => {
    expect(() =>
      countToolDefinitionTokens([{ type: "function" } as ToolDefinition], {
        tokenizer: o200k,
        family: "gpt-4o",
      }),
    ).toThrow(
      "tools[0].function must be an object like { name, description?, parameters? }, got undefined",
    );
    expect(() =>
      countToolDefinitionTokens(
        [
          {
            type: "function",
            function: {
              name: "f",
              parameters: { type: "object", properties: { a: null as never } },
            },
          },
        ],
        { tokenizer: o200k, family: "gpt-4o" },
      ),
    ).toThrow("tools[0].function.parameters.properties.a must be a JSON schema object, got null");
  });
});

describe("estimateToolDefinitionTokens", () => {
  it("adds Claude's tool-use system prompt to the estimated JSON of each function", () => {
    const json = JSON.stringify(weather.function);
    expect(estimateToolDefinitionTokens([weather], "claude")).toBe(
      CLAUDE_TOOL_SYSTEM_PROMPT_TOKENS + Math.ceil(o200k.count(json) * 1.2),
    );
    expect(estimateToolDefinitionTokens([weather], "gemini")).toBe(
      Math.max(Math.ceil(json.length / 4), o200k.count(json)),
    );
    expect(estimateToolDefinitionTokens([], "claude")).toBe(0);
  });
});
