import { GoogleGenAI } from "@google/genai";
import { describe, expect, it } from "vitest";
import { createOpenAICompatibleProvider } from "../providers/index.js";
import { runMockUpstreamCli } from "./mock-upstream-cli.js";

const quiet = () => undefined;
const HELLO = { model: "m", messages: [{ role: "user" as const, content: "Hello there world" }] };

describe("runMockUpstreamCli: what the banner and flags promise", () => {
  it("gives a Gemini base URL that @google/genai uses without doubling /v1beta", async () => {
    const lines: string[] = [];
    const mock = await runMockUpstreamCli({ port: 0, write: (line) => lines.push(line) });
    try {
      const baseUrl = /Gemini\s+base URL (\S+)/.exec(lines.join("\n"))?.[1];
      const ai = new GoogleGenAI({ apiKey: "test-key", httpOptions: { baseUrl } });
      const reply = await ai.models.generateContent({
        model: "gemini-2.5-flash",
        contents: "ping",
      });
      expect(reply.text).toBe("Echo: ping");
      expect(mock.requests[0]?.path).toBe("/v1beta/models/gemini-2.5-flash:generateContent");
    } finally {
      await mock.close();
    }
  });

  it("reports the cached and reasoning tokens set on the command line", async () => {
    const mock = await runMockUpstreamCli({
      port: 0,
      cachedInputTokens: 4,
      reasoningTokens: 7,
      write: quiet,
    });
    try {
      const openai = createOpenAICompatibleProvider({ baseUrl: `${mock.url}/v1`, apiKey: "k" });
      const { usage } = await openai.chat(HELLO);
      expect(usage).toMatchObject({ cachedInputTokens: 4, reasoningTokens: 7 });
    } finally {
      await mock.close();
    }
  });

  it("injects 429s with Retry-After, cut streams and stalls", async () => {
    const mock = await runMockUpstreamCli({
      port: 0,
      rateLimitFirst: 1,
      retryAfterSeconds: 3,
      cutStreamsAfterEvents: 2,
      write: quiet,
    });
    try {
      const openai = createOpenAICompatibleProvider({ baseUrl: `${mock.url}/v1`, apiKey: "k" });
      const limited = await openai.chat(HELLO).catch((error: unknown) => error);
      expect(limited).toMatchObject({ code: "rate_limited", details: { retryAfterMs: 3000 } });
      const cut = await (async () => {
        for await (const _chunk of openai.streamChat(HELLO)) {
          // drain
        }
      })().catch((error: unknown) => error);
      expect(cut).toMatchObject({ code: "provider_error" });
      expect(String((cut as Error).message)).toContain("stopped before the reply was complete");
      mock.setBehavior({ cutStreamsAfterEvents: undefined, stallAfterEvents: 1, stallMs: 300 });
      const stalled = await (async () => {
        for await (const _chunk of openai.streamChat(HELLO, { timeoutMs: 100 })) {
          // drain
        }
      })().catch((error: unknown) => error);
      expect(stalled).toMatchObject({ code: "timeout" });
    } finally {
      await mock.close();
    }
  });
});

describe("runMockUpstreamCli", () => {
  it("starts the mock and prints the base URL of each API", async () => {
    const lines: string[] = [];
    const mock = await runMockUpstreamCli({
      port: 0,
      latencyMs: 5,
      errorRate: 0,
      write: (line) => lines.push(line),
    });
    try {
      expect(lines).toEqual([
        `tokenwise mock upstream listening on ${mock.url}`,
        `  OpenAI-compatible  base URL ${mock.url}/v1 (Chat Completions and Responses)`,
        `  Anthropic          base URL ${mock.url}`,
        `  Gemini             base URL ${mock.url} (@google/genai httpOptions.baseUrl; tokenwise's Gemini provider: ${mock.url}/v1beta)`,
        "Any API key is accepted. Replies echo the last user message.",
      ]);
      const response = await fetch(`${mock.url}/v1/chat/completions`, {
        method: "POST",
        body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "ping" }] }),
      });
      expect(
        ((await response.json()) as { choices: [{ message: { content: string } }] }).choices[0]
          .message.content,
      ).toBe("Echo: ping");
    } finally {
      await mock.close();
    }
  });

  it("rejects a bad port or error rate", async () => {
    await expect(runMockUpstreamCli({ port: 70_000, write: () => undefined })).rejects.toThrow(
      "port must be an integer between 0 and 65535",
    );
    await expect(
      runMockUpstreamCli({ port: 0, errorRate: 1.5, write: () => undefined }),
    ).rejects.toThrow("errorRate must be between 0 and 1");
  });
});
