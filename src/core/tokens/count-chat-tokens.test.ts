import { describe, expect, it } from "vitest";
import type { ChatMessage, ToolDefinition } from "../messages/index.js";
import { countChatTokens } from "./count-chat-tokens.js";
import { getTokenizer } from "./registry.js";
import type { TokenizerName } from "./tokenizer.js";

// The cookbook's "jargon translator" conversation, verbatim.
const jargonTranslator: ChatMessage[] = [
  {
    role: "system",
    content:
      "You are a helpful, pattern-following assistant that translates corporate jargon into plain English.",
  },
  {
    role: "system",
    name: "example_user",
    content: "New synergies will help drive top-line growth.",
  },
  {
    role: "system",
    name: "example_assistant",
    content: "Things working well together will increase revenue.",
  },
  {
    role: "system",
    name: "example_user",
    content:
      "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage.",
  },
  {
    role: "system",
    name: "example_assistant",
    content: "Let's talk later when we're less busy about how to do better.",
  },
  {
    role: "user",
    content:
      "This late pivot means we don't have time to boil the ocean for the client deliverable.",
  },
];

// The cookbook's weather tool and example messages, verbatim.
const weatherTools: ToolDefinition[] = [
  {
    type: "function",
    function: {
      name: "get_current_weather",
      description: "Get the current weather in a given location",
      parameters: {
        type: "object",
        properties: {
          location: {
            type: "string",
            description: "The city and state, e.g. San Francisco, CA",
          },
          unit: {
            type: "string",
            description: "The unit of temperature to return",
            enum: ["celsius", "fahrenheit"],
          },
        },
        required: ["location"],
      },
    },
  },
];

const weatherMessages: ChatMessage[] = [
  {
    role: "system",
    content: "You are a helpful assistant that can answer to questions about the weather.",
  },
  {
    role: "user",
    content: "What's the weather like in San Francisco?",
  },
];

describe("countChatTokens: the cookbook's vectors", () => {
  it("counts the jargon translator as 129 tokens in cl100k_base (gpt-3.5-turbo / gpt-4)", () => {
    const result = countChatTokens(jargonTranslator, { tokenizer: "cl100k_base" });
    expect(result.tokens).toBe(129);
    expect(result.exact).toBe(true);
    expect(result.method).toBe("cl100k_base");
    expect(result.notes).toEqual([]);
    expect(result.breakdown.replyPriming).toBe(3);
    expect(result.breakdown.tools).toBe(0);
    expect(result.breakdown.messages.reduce((total, tokens) => total + tokens, 0)).toBe(126);
  });

  it("counts the jargon translator as 124 tokens in o200k_base (gpt-4o / gpt-4o-mini)", () => {
    for (const model of [undefined, "gpt-4o", "gpt-4o-mini"]) {
      const result = countChatTokens(jargonTranslator, { tokenizer: "o200k_base", model });
      expect(result.tokens).toBe(124);
      expect(result.exact).toBe(true);
    }
  });

  it("counts the weather tools example as 105 tokens for gpt-3.5-turbo and gpt-4", () => {
    for (const model of [undefined, "gpt-3.5-turbo", "gpt-4"]) {
      const result = countChatTokens(weatherMessages, {
        tokenizer: "cl100k_base",
        tools: weatherTools,
        model,
      });
      expect(result.tokens).toBe(105);
      expect(result.exact).toBe(true);
      expect(result.method).toBe("cl100k_base");
    }
  });

  it("counts the weather tools example as 101 tokens for gpt-4o and gpt-4o-mini", () => {
    for (const model of [undefined, "gpt-4o", "gpt-4o-mini"]) {
      const result = countChatTokens(weatherMessages, {
        tokenizer: "o200k_base",
        tools: weatherTools,
        model,
      });
      expect(result.tokens).toBe(101);
      expect(result.exact).toBe(true);
    }
  });

  it("adds exactly the tool definitions' tokens on top of the messages", () => {
    const withoutTools = countChatTokens(weatherMessages, { tokenizer: "o200k_base" });
    const withTools = countChatTokens(weatherMessages, {
      tokenizer: "o200k_base",
      tools: weatherTools,
    });
    expect(withTools.tokens - withoutTools.tokens).toBe(withTools.breakdown.tools);
    // gpt-4 family's function start constant is 3 higher than gpt-4o's (10 vs 7).
    const gpt4 = countChatTokens(weatherMessages, {
      tokenizer: "o200k_base",
      tools: weatherTools,
      model: "gpt-4",
    });
    expect(gpt4.breakdown.tools - withTools.breakdown.tools).toBe(3);
  });
});

describe("countChatTokens: message rules", () => {
  const o200k = getTokenizer("o200k_base");

  it("counts 3 per message + role + content, +1 and the name for a name, +3 reply priming", () => {
    const messages: ChatMessage[] = [
      { role: "user", content: "Hello there" },
      { role: "assistant", content: "Hi", name: "bot" },
    ];
    const expected =
      3 +
      o200k.count("user") +
      o200k.count("Hello there") +
      (3 + o200k.count("assistant") + o200k.count("Hi") + o200k.count("bot") + 1) +
      3;
    expect(countChatTokens(messages, { tokenizer: "o200k_base" }).tokens).toBe(expected);
    expect(countChatTokens([], { tokenizer: "o200k_base" }).tokens).toBe(3);
  });

  it("counts text parts as text and null content as nothing", () => {
    const parts = countChatTokens(
      [
        {
          role: "user",
          content: [
            { type: "text", text: "Describe " },
            { type: "text", text: "this." },
          ],
        },
      ],
      { tokenizer: "o200k_base" },
    );
    expect(parts.tokens).toBe(3 + 1 + o200k.count("Describe ") + o200k.count("this.") + 3);
    const empty = countChatTokens([{ role: "assistant", content: null }], {
      tokenizer: "o200k_base",
    });
    expect(empty.tokens).toBe(3 + o200k.count("assistant") + 3);
  });

  it("refuses a message without content, which only an assistant may have", () => {
    expect(() => countChatTokens([{ role: "user" } as never], { tokenizer: "o200k_base" })).toThrow(
      "messages[0].content is missing: a user message needs content (a string or content parts)",
    );
    expect(() =>
      countChatTokens([{ role: "system", content: null }], { tokenizer: "o200k_base" }),
    ).toThrow("messages[0].content is missing: a system message needs content");
    const toolCall = {
      role: "assistant" as const,
      content: null,
      tool_calls: [
        { id: "c1", type: "function" as const, function: { name: "f", arguments: "{}" } },
      ],
    };
    expect(countChatTokens([toolCall], { tokenizer: "o200k_base" }).tokens).toBeGreaterThan(0);
  });

  it("counts images by the tile formula: 765 for 1024×1024 and 1105 for 2048×4096 (high)", () => {
    const image = (width: number, height: number, detail?: "low" | "high" | "auto") =>
      countChatTokens(
        [
          {
            role: "user",
            content: [
              { type: "image_url", image_url: { url: "https://x/y.png", detail, width, height } },
            ],
          },
        ],
        { tokenizer: "o200k_base" },
      );
    expect(image(1024, 1024, "high").breakdown.images).toBe(765);
    expect(image(2048, 4096, "high").breakdown.images).toBe(1105);
    expect(image(2048, 4096).breakdown.images).toBe(1105);
    expect(image(2048, 4096, "low").breakdown.images).toBe(85);
    const counted = image(1024, 1024, "auto");
    expect(counted.tokens).toBe(3 + 1 + 765 + 3);
    expect(counted.exact).toBe(true);
  });

  it("counts a high-detail image without a size as the worst case and says so", () => {
    const result = countChatTokens(
      [{ role: "user", content: [{ type: "image_url", image_url: { url: "https://x/y.png" } }] }],
      { tokenizer: "o200k_base" },
    );
    expect(result.breakdown.images).toBe(85 + 170 * 8);
    expect(result.exact).toBe(false);
    expect(result.notes).toEqual([
      "image without width/height counted as the worst case (1445 tokens)",
    ]);
    expect(result.method).toBe(
      "o200k_base with estimates: image without width/height counted as the worst case (1445 tokens)",
    );
  });

  it("uses the caller's image rates", () => {
    const result = countChatTokens(
      [
        {
          role: "user",
          content: [
            { type: "image_url", image_url: { url: "u", width: 1024, height: 1024 } },
            { type: "image_url", image_url: { url: "u", detail: "low" } },
          ],
        },
      ],
      { tokenizer: "o200k_base", imageTokens: { base: 2833, perTile: 5667 } },
    );
    expect(result.breakdown.images).toBe(2833 + 4 * 5667 + 2833);
    expect(result.exact).toBe(true);
  });

  it("counts assistant tool calls and tool results, and marks them as estimates", () => {
    const messages: ChatMessage[] = [
      { role: "user", content: "Weather in Paris?" },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          {
            id: "call_1",
            type: "function",
            function: { name: "get_current_weather", arguments: '{"location":"Paris"}' },
          },
        ],
      },
      { role: "tool", tool_call_id: "call_1", content: '{"celsius":21}' },
    ];
    const result = countChatTokens(messages, { tokenizer: "o200k_base" });
    expect(result.breakdown.messages[1]).toBe(
      3 +
        o200k.count("assistant") +
        o200k.count("get_current_weather") +
        o200k.count('{"location":"Paris"}') +
        3,
    );
    expect(result.breakdown.messages[2]).toBe(
      3 + o200k.count("tool") + o200k.count('{"celsius":21}'),
    );
    expect(result.exact).toBe(false);
    expect(result.notes).toEqual([
      "assistant tool calls (framing not published by OpenAI)",
      "tool results (framing not published by OpenAI)",
    ]);
  });

  it("marks tools for a model outside the cookbook's families, and nested schemas, as estimates", () => {
    const gpt5 = countChatTokens(weatherMessages, {
      tokenizer: "o200k_base",
      tools: weatherTools,
      model: "gpt-5",
    });
    expect(gpt5.tokens).toBe(101);
    expect(gpt5.exact).toBe(false);
    expect(gpt5.notes).toEqual([
      "tool definitions counted with the gpt-4o family's cookbook constants",
    ]);
    const nestedTools: ToolDefinition[] = [
      {
        type: "function",
        function: {
          name: "book",
          parameters: {
            type: "object",
            properties: {
              guest: {
                type: "object",
                properties: { first: { type: "string" }, last: { type: "string" } },
              },
            },
          },
        },
      },
    ];
    const nested = countChatTokens([], { tokenizer: "o200k_base", tools: nestedTools });
    const flat = countChatTokens([], {
      tokenizer: "o200k_base",
      tools: [
        {
          type: "function",
          function: {
            name: "book",
            parameters: { type: "object", properties: { guest: { type: "object" } } },
          },
        },
      ],
    });
    expect(flat.exact).toBe(true);
    expect(nested.exact).toBe(false);
    expect(nested.breakdown.tools - flat.breakdown.tools).toBe(
      3 + 3 + o200k.count("first:string:") + 3 + o200k.count("last:string:"),
    );
  });

  it("counts special-token text in messages as ordinary text", () => {
    const result = countChatTokens([{ role: "user", content: "<|endoftext|>" }], {
      tokenizer: "cl100k_base",
    });
    expect(result.tokens).toBe(3 + 1 + 7 + 3);
  });
});

describe("countChatTokens: estimated families", () => {
  it.each([
    ["claude", 4, 3],
    ["gemini", 5, 3],
  ] as const)(
    "never presents %s counts as exact and adds its framing",
    (family, perMessage, priming) => {
      const result = countChatTokens(weatherMessages, { tokenizer: family });
      expect(result.exact).toBe(false);
      expect(result.method).toMatch(/^estimate: /);
      expect(result.breakdown.replyPriming).toBe(priming);
      const contentOnly = countChatTokens(
        weatherMessages.map((message) => ({ ...message, content: "" })),
        { tokenizer: family },
      );
      expect(contentOnly.tokens).toBe(2 * perMessage + priming);
      expect(result.tokens).toBeGreaterThan(contentOnly.tokens);
    },
  );

  it("estimates Claude content at o200k_base × 1.2, rounded up per text", () => {
    const text = "What's the weather like in San Francisco?";
    const o200kTokens = getTokenizer("o200k_base").count(text);
    const result = countChatTokens([{ role: "user", content: text }], { tokenizer: "claude" });
    expect(result.tokens).toBe(4 + Math.ceil(o200kTokens * 1.2) + 3);
  });

  it("adds Claude's tool-use system prompt and image sizes", () => {
    const result = countChatTokens(
      [
        {
          role: "user",
          content: [{ type: "image_url", image_url: { url: "u", width: 1000, height: 1000 } }],
        },
      ],
      { tokenizer: "claude", tools: weatherTools },
    );
    expect(result.breakdown.images).toBe(1334);
    expect(result.breakdown.tools).toBeGreaterThan(346);
    expect(result.exact).toBe(false);
  });
});

describe("countChatTokens: bad input", () => {
  const count = (messages: unknown, tokenizer: unknown = "o200k_base", extra = {}) =>
    countChatTokens(messages as ChatMessage[], {
      tokenizer: tokenizer as TokenizerName,
      ...extra,
    });

  it("names the field and the problem", () => {
    expect(() => count([], "gpt-4o")).toThrow(/tokenizer must be one of .*looks like a model name/);
    expect(() => count("hi")).toThrow(/messages must be an array of chat messages, got "hi"/);
    expect(() => count([{ role: "bot", content: "x" }])).toThrow(
      /messages\[0\]\.role must be one of "system", "developer", "user", "assistant", "tool", got "bot"/,
    );
    expect(() => count([{ role: "user", content: 5 }])).toThrow(/messages\[0\]\.content must be/);
    expect(() => count([{ role: "user", content: [{ type: "audio" }] }])).toThrow(
      /messages\[0\]\.content\[0\]\.type must be "text" or "image_url", got "audio"/,
    );
    expect(() =>
      count([
        { role: "user", content: [{ type: "image_url", image_url: { url: "u", width: -1 } }] },
      ]),
    ).toThrow(/image_url.width must be a positive number of pixels, got -1/);
    expect(() => count([], "o200k_base", { tools: [{ type: "function", function: {} }] })).toThrow(
      /tools\[0\]\.function\.name must be a non-empty string/,
    );
    expect(() =>
      count([{ role: "assistant", content: null, tool_calls: [{ function: { name: "x" } }] }]),
    ).toThrow(
      /messages\[0\]\.tool_calls\[0\]\.function must have a string name and a string arguments/,
    );
    expect(() => count([], "o200k_base", { imageTokens: { base: -1, perTile: 1 } })).not.toThrow();
  });
});
