/**
 * Chat under faults, against the real client and the mock upstream: retries are shown while
 * they happen, and a summary that does not shorten the history (the mock echoes its input, so
 * its "summary" is as long as the history) is not paid for on every turn.
 */
import { PassThrough } from "node:stream";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type MockUpstream, startMockUpstream } from "../../src/adapters/mock-upstream/index.js";
import { type Chat, type ChatRetryEvent, createChat } from "../../src/apps/chat/index.js";
import { type CreateClientOptions, createClient } from "../../src/apps/client/index.js";
import type { ChatMessage } from "../../src/core/messages/index.js";
import { runChatRepl } from "../../src/faces/repl/index.js";

let mock: MockUpstream;

beforeAll(async () => {
  mock = await startMockUpstream({});
});
afterAll(async () => {
  await mock.close();
});
afterEach(() => {
  mock.requests.length = 0;
  mock.setBehavior({ script: [] });
});

function client(retry: CreateClientOptions["retry"]) {
  return createClient({
    providers: { openai: { provider: "openai", baseUrl: `${mock.url}/v1`, apiKey: "k" } },
    retry,
  });
}

const quickRetries = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 };

describe("retries", () => {
  it("are reported to the caller with the reason, the provider and the call's purpose", async () => {
    mock.setBehavior({ script: [{ type: "error", status: 503, times: 2 }] });
    const chat = await createChat({ client: client(quickRetries), model: "gpt-4o-mini" });
    const events: ChatRetryEvent[] = [];
    const turn = await chat.send("hello", { onRetry: (event) => events.push(event) });
    expect(turn.reply).toBe("Echo: hello");
    expect(
      events.map(({ attempt, model, provider, purpose }) => ({
        attempt,
        model,
        provider,
        purpose,
      })),
    ).toEqual([
      { attempt: 1, model: "gpt-4o-mini", provider: "openai", purpose: "chat" },
      { attempt: 2, model: "gpt-4o-mini", provider: "openai", purpose: "chat" },
    ]);
    expect(events[0]?.reason).toMatch(/^HTTP 503 /);
  });

  it("show in the REPL as one status line each, not silence", async () => {
    mock.setBehavior({ script: [{ type: "error", status: 503, times: 1 }] });
    const chat = await createChat({ client: client(quickRetries), model: "gpt-4o-mini" });
    const input = new PassThrough();
    const output = new PassThrough();
    const messages = new PassThrough();
    let stderr = "";
    messages.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    input.end("hello\n");
    const outcome = await runChatRepl({
      chat,
      input,
      output,
      messages,
      interactive: false,
      maxAttempts: 3,
    });
    expect(outcome.error).toBeUndefined();
    const lines = stderr.trim().split("\n");
    expect(lines[0]).toMatch(
      /^retrying in 0\.\d s \(HTTP 503 [a-z_]+ from openai, attempt 2\/3\)$/,
    );
    expect(lines[1]).toMatch(/^\[in \d+ · out \d+ tokens/);
  });
});

describe("a summary that does not shorten the history", () => {
  async function converse(chat: Chat): Promise<string[]> {
    const notices: string[] = [];
    for (let turn = 0; turn < 14; turn += 1) {
      const result = await chat.send(
        `Message ${turn}: the code word number ${turn} is apple${turn}.`,
      );
      if (result.notice !== undefined) notices.push(result.notice);
    }
    return notices;
  }

  it("is detected once, dropped, and the chat then costs no more than with summaries off", async () => {
    const echoing = await createChat({
      client: client(false),
      model: "gpt-4o-mini",
      summarizeAt: 200,
      keepLast: 2,
    });
    const notices = await converse(echoing);
    const summaryCalls = mock.requests.filter((request) => {
      const first = (request.body as { messages?: ChatMessage[] }).messages?.[0];
      return String(first?.content).startsWith("You keep a running summary");
    });
    expect(summaryCalls).toHaveLength(1);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(
      /^the summary came back with \d+ tokens for the \d+ it was to replace, so it was dropped and automatic summaries are off/,
    );
    expect(echoing.summary()).toBeUndefined();
    // Requests stay near summarizeAt by leaving out the oldest turns.
    const lastRequest = mock.requests.at(-1)?.body as { messages: ChatMessage[] };
    expect(lastRequest.messages.at(-1)?.content).toBe(
      "Message 13: the code word number 13 is apple13.",
    );
    expect(lastRequest.messages.length).toBeLessThan(27);

    const summariesOff = await createChat({
      client: client(false),
      model: "gpt-4o-mini",
      summarizeAt: 1_000_000,
    });
    await converse(summariesOff);
    expect(echoing.stats().cost).toBeLessThanOrEqual(summariesOff.stats().cost);
  });
});
