/**
 * The official SDKs as callers of the gateway, against the mock upstream: `openai` (Chat
 * Completions and Responses), `@anthropic-ai/sdk` (Messages, count_tokens) and `@ai-sdk/openai`
 * (whose default model speaks the Responses API); streaming and not, tools, any front to any
 * upstream.
 */

import { createOpenAI } from "@ai-sdk/openai";
import Anthropic from "@anthropic-ai/sdk";
import { generateText, jsonSchema, streamText, tool } from "ai";
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { usd } from "../../src/core/money/index.js";
import { type Harness, startHarness } from "./support/gateway-harness.js";

let harness: Harness;
let secret: string;
let keyId: string;
beforeAll(async () => {
  harness = await startHarness({ cache: false });
  const key = await harness.key({
    budget: { limit: usd("5"), period: "month", timeZone: "Europe/Berlin" },
  });
  secret = key.secret;
  keyId = key.id;
});
afterAll(async () => {
  await harness.close();
});
beforeEach(() => {
  harness.mock.setBehavior({ script: [], cachedInputTokens: 0, cacheWriteTokens: 0 });
});

const openai = () =>
  new OpenAI({ apiKey: secret, baseURL: `${harness.gateway.url}/v1`, maxRetries: 0 });
const anthropic = () =>
  new Anthropic({ apiKey: secret, baseURL: harness.gateway.url, maxRetries: 0 });
const WEATHER_TOOL = {
  type: "function" as const,
  function: {
    name: "get_weather",
    description: "Weather for a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};

describe("openai SDK", () => {
  it("chat.completions.create, with Claude behind an OpenAI-format request", async () => {
    const before = harness.mock.requests.length;
    const reply = await openai().chat.completions.create({
      model: "claude-haiku-4-5",
      messages: [{ role: "user", content: "Say hello to Claude" }],
      max_tokens: 30,
    });
    expect(reply.choices[0]?.message.content).toContain("Say hello to Claude");
    expect(reply.model).toBe("claude-haiku-4-5");
    expect(reply.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(harness.mock.requests.slice(before).map((request) => request.path)).toEqual([
      "/v1/messages",
    ]);
  });

  it("streams with usage, and tool calls come back as OpenAI tool calls", async () => {
    const stream = await openai().chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Stream this sentence back" }],
      max_tokens: 40,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toContain("Stream this sentence back");
    expect(usage?.completion_tokens).toBeGreaterThan(0);

    harness.mock.setBehavior({
      script: [
        { type: "reply", toolCalls: [{ name: "get_weather", arguments: { city: "Paris" } }] },
      ],
    });
    const called = await openai().chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Weather in Paris?" }],
      tools: [WEATHER_TOOL],
      max_tokens: 40,
    });
    const call = called.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === "function" ? call.function.name : undefined).toBe("get_weather");
    expect(call?.type === "function" ? JSON.parse(call.function.arguments) : undefined).toEqual({
      city: "Paris",
    });
    expect(called.choices[0]?.finish_reason).toBe("tool_calls");
  });

  it("responses.create, streaming and not, including function calls", async () => {
    const reply = await openai().responses.create({
      model: "gpt-4o-mini",
      input: "Respond to me",
      max_output_tokens: 40,
    });
    expect(reply.output_text).toContain("Respond to me");
    expect(reply.usage?.input_tokens).toBeGreaterThan(0);

    const events: string[] = [];
    let text = "";
    const stream = await openai().responses.create({
      model: "claude-haiku-4-5",
      input: "Stream a response",
      stream: true,
    });
    for await (const event of stream) {
      events.push(event.type);
      if (event.type === "response.output_text.delta") text += event.delta;
    }
    expect(text).toContain("Stream a response");
    expect(events[0]).toBe("response.created");
    expect(events.at(-1)).toBe("response.completed");

    harness.mock.setBehavior({
      script: [
        { type: "reply", toolCalls: [{ name: "get_weather", arguments: { city: "Oslo" } }] },
      ],
    });
    const called = await openai().responses.create({
      model: "gpt-4o-mini",
      input: [{ role: "user", content: "Weather in Oslo?" }],
      tools: [
        {
          type: "function",
          name: "get_weather",
          parameters: WEATHER_TOOL.function.parameters,
          strict: false,
        },
      ],
    });
    const item = called.output.find((output) => output.type === "function_call");
    expect(item?.type === "function_call" ? JSON.parse(item.arguments) : undefined).toEqual({
      city: "Oslo",
    });
  });
});

describe("@anthropic-ai/sdk", () => {
  it("messages.create against an OpenAI upstream, with cache reads and writes priced", async () => {
    harness.mock.setBehavior({ cachedInputTokens: 4 });
    const before = harness.mock.requests.length;
    const reply = await anthropic().messages.create({
      model: "gpt-4o-mini",
      max_tokens: 30,
      system: "Be brief",
      messages: [{ role: "user", content: "Hello from Anthropic SDK" }],
    });
    const block = reply.content[0];
    expect(block?.type === "text" ? block.text : "").toContain("Hello from Anthropic SDK");
    expect(reply.usage.cache_read_input_tokens).toBe(4);
    expect(harness.mock.requests.slice(before).map((request) => request.path)).toEqual([
      "/v1/chat/completions",
    ]);
    const rows = await harness.ledger.records();
    const row = rows.at(-1);
    expect(row?.usage.cachedInputTokens).toBe(4);
    expect(row?.scope).toMatch(new RegExp(`^key:${keyId}:month:`));
  });

  it("streams (text and tool use) and counts tokens", async () => {
    const stream = anthropic().messages.stream({
      model: "claude-haiku-4-5",
      max_tokens: 50,
      messages: [{ role: "user", content: "Stream from Claude please" }],
    });
    let text = "";
    stream.on("text", (delta) => {
      text += delta;
    });
    const final = await stream.finalMessage();
    expect(text).toContain("Stream from Claude please");
    expect(final.usage.output_tokens).toBeGreaterThan(0);
    expect(final.usage.input_tokens).toBeGreaterThan(0);

    harness.mock.setBehavior({
      script: [
        { type: "reply", toolCalls: [{ name: "get_weather", arguments: { city: "Rome" } }] },
      ],
    });
    const tooled = await anthropic()
      .messages.stream({
        model: "gpt-4o-mini",
        max_tokens: 50,
        tools: [
          {
            name: "get_weather",
            input_schema: { type: "object", properties: { city: { type: "string" } } },
          },
        ],
        messages: [{ role: "user", content: "Weather in Rome?" }],
      })
      .finalMessage();
    const use = tooled.content.find((block) => block.type === "tool_use");
    expect(use?.type === "tool_use" ? use.input : undefined).toEqual({ city: "Rome" });
    expect(tooled.stop_reason).toBe("tool_use");

    const counted = await anthropic().messages.countTokens({
      model: "claude-haiku-4-5",
      messages: [{ role: "user", content: "How many tokens is this?" }],
    });
    expect(counted.input_tokens).toBeGreaterThan(0);
  });
});

describe("@ai-sdk/openai (Responses API by default)", () => {
  it("generateText and streamText, with a tool", async () => {
    const provider = createOpenAI({ apiKey: secret, baseURL: `${harness.gateway.url}/v1` });
    const generated = await generateText({
      model: provider("gpt-4o-mini"),
      prompt: "Hello from the AI SDK",
      maxRetries: 0,
    });
    expect(generated.text).toContain("Hello from the AI SDK");
    expect(generated.usage.inputTokens).toBeGreaterThan(0);
    expect(harness.mock.requests.at(-1)?.path).toBe("/v1/chat/completions");
    const lastPath = () => (JSON.parse(harness.logs.at(-1) ?? "{}") as { path?: string }).path;
    expect(lastPath()).toBe("/v1/responses");

    const streamed = streamText({
      model: provider("claude-haiku-4-5"),
      prompt: "Stream via the AI SDK",
      maxRetries: 0,
    });
    let text = "";
    for await (const delta of streamed.textStream) text += delta;
    expect(text).toContain("Stream via the AI SDK");
    expect((await streamed.usage).outputTokens).toBeGreaterThan(0);
    expect(lastPath()).toBe("/v1/responses");

    harness.mock.setBehavior({
      script: [
        { type: "reply", toolCalls: [{ name: "get_weather", arguments: { city: "Lima" } }] },
      ],
    });
    const withTool = await generateText({
      model: provider("gpt-4o-mini"),
      prompt: "Weather in Lima?",
      maxRetries: 0,
      tools: {
        get_weather: tool({
          description: "Weather for a city",
          inputSchema: jsonSchema<{ city: string }>({
            type: "object",
            properties: { city: { type: "string" } },
            required: ["city"],
          }),
        }),
      },
    });
    expect(withTool.toolCalls[0]?.toolName).toBe("get_weather");
    expect(withTool.toolCalls[0]?.input).toEqual({ city: "Lima" });
  });
});
