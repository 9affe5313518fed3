/**
 * The chat library end to end: the real client (`createClient`) and the real OpenAI-compatible
 * provider adapter over HTTP, against the mock upstream. The mock counts tokens by its own
 * documented rule (3 per message + ceil(characters / 4) + 3 priming) and echoes the last user
 * message, so usage and cost are predictable exactly.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createSqliteLedger } from "../../src/adapters/ledger/index.js";
import type { MockUpstream } from "../../src/adapters/mock-upstream/index.js";
import { startMockUpstream } from "../../src/adapters/mock-upstream/index.js";
import { createOpenAICompatibleProvider } from "../../src/adapters/providers/index.js";
import {
  type ChatClient,
  chatBudgetScope,
  createChat,
  createProviderChatClient,
  createSqliteSessionStore,
  resumeChat,
} from "../../src/apps/chat/index.js";
import { createClient } from "../../src/apps/client/index.js";
import { defaultCatalog } from "../../src/core/catalog/index.js";
import { budgetExceededDetails, TokenwiseError } from "../../src/core/errors/index.js";
import type { ChatMessage } from "../../src/core/messages/index.js";
import { usd } from "../../src/core/money/index.js";

let mock: MockUpstream;
const directories: string[] = [];

beforeAll(async () => {
  mock = await startMockUpstream({ apiKeys: { openai: "test-key" } });
});
afterAll(async () => {
  await mock.close();
});
afterEach(() => {
  mock.requests.length = 0;
  mock.setBehavior({ script: [], maxInputTokens: undefined });
  for (const directory of directories.splice(0))
    rmSync(directory, { recursive: true, force: true });
});

function realClient(catalog = defaultCatalog): ChatClient {
  return createClient({
    providers: { openai: { provider: "openai", baseUrl: `${mock.url}/v1`, apiKey: "test-key" } },
    retry: false,
    catalog,
  });
}

function chatRequests() {
  return mock.requests.filter((request) => request.operation !== "unknown");
}

function bodyOf(request: { body: unknown } | undefined): {
  model?: string;
  max_tokens?: number;
  messages: ChatMessage[];
} {
  return (request?.body ?? { messages: [] }) as { messages: ChatMessage[] };
}

function sentMessages(index: number): ChatMessage[] {
  return bodyOf(chatRequests()[index]).messages;
}

function isSummaryRequest(request: { body: unknown }): boolean {
  const first = (request.body as { messages: ChatMessage[] }).messages[0];
  return String(first?.content).startsWith("You keep a running summary");
}

describe("chat over the mock upstream with createClient", () => {
  it("sends a turn and prices the provider's usage exactly", async () => {
    const chat = await createChat({ client: realClient(), model: "gpt-4o-mini", budget: "0.50" });
    const turn = await chat.send("Hello there");
    expect(turn.reply).toBe("Echo: Hello there");
    // Mock rule: 3 priming + 3 turn + ceil(11 / 4) = 9 input; ceil(17 / 4) = 5 output.
    expect(turn.usage).toEqual({
      inputTokens: 9,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 5,
      reasoningTokens: 0,
    });
    expect(turn.cost).toBe(9n * 150_000n + 5n * 600_000n);
    expect(turn.budgetRemaining).toBe(usd("0.50") - turn.cost);
    expect(chatRequests()).toHaveLength(1);
    expect(chatRequests()[0]?.body).toEqual({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Hello there" }],
      max_tokens: 1024,
    });
  });

  it("streams the reply as it arrives", async () => {
    const chat = await createChat({ client: realClient(), model: "gpt-4o-mini" });
    const stream = await chat.sendStreaming("Stream these words please");
    const pieces: string[] = [];
    for await (const piece of stream) pieces.push(piece);
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join("")).toBe("Echo: Stream these words please");
    const turn = await stream.result;
    expect(turn.usage.outputTokens).toBe(Math.ceil("Echo: Stream these words please".length / 4));
    expect(chatRequests()[0]?.operation).toBe("stream");
  });

  it("refuses a message that could pass the budget, and the upstream receives nothing", async () => {
    const chat = await createChat({ client: realClient(), model: "gpt-4o-mini", budget: "0.0001" });
    const error = await chat.send("Hello there").catch((caught: unknown) => caught);
    expect(TokenwiseError.hasCode(error, "budget_exceeded")).toBe(true);
    expect(mock.requests).toHaveLength(0);
  });

  it("never passes the budget across many turns", async () => {
    const budget = usd("0.0004");
    const chat = await createChat({
      client: realClient(),
      model: "gpt-4o-mini",
      budget,
      maxOutputTokens: 60,
    });
    let refusals = 0;
    for (let turn = 0; turn < 60 && refusals === 0; turn++) {
      const text = `Turn ${turn}: ${"please repeat this sentence back to me in full ".repeat(8)}`;
      try {
        await chat.send(text);
      } catch (error) {
        if (!TokenwiseError.hasCode(error, "budget_exceeded")) throw error;
        refusals++;
      }
      expect(chat.stats().cost).toBeLessThanOrEqual(budget);
    }
    expect(refusals).toBe(1);
    expect(chatRequests()).toHaveLength(chat.stats().calls);
    expect(chat.stats().calls).toBeGreaterThan(3);
  });

  it("folds old turns into a summary incrementally, and the summary calls reach the upstream", async () => {
    const chat = await createChat({
      client: realClient(),
      model: "gpt-4o-mini",
      summaryModel: "gpt-4.1-nano",
      summarizeAt: 200,
      keepLast: 2,
      summaryMaxOutputTokens: 40,
    });
    for (let turn = 0; turn < 14; turn++) {
      await chat.send(
        `Message ${turn}: remember that the code word number ${turn} is apple${turn}.`,
      );
    }
    const summaries = chatRequests().filter(isSummaryRequest);
    const stats = chat.stats();
    const summaryRow = stats.byModel.find((row) => row.purpose === "summary");
    expect(summaries.length).toBe(summaryRow?.calls);
    expect(summaries.length).toBeGreaterThanOrEqual(2);
    expect(summaries.length).toBeLessThan(7);
    expect(summaryRow?.model).toBe("gpt-4.1-nano");
    expect(stats.byModel.find((row) => row.purpose === "chat")?.calls).toBe(14);
    // Each update folds the messages after the previous one's coverage, never the same twice.
    const foldedTurns = summaries.map((request) => {
      const prompt = String((request.body as { messages: ChatMessage[] }).messages[1]?.content);
      const newPart = prompt.slice(prompt.lastIndexOf("New messages:\n"));
      return [...newPart.matchAll(/^user: Message (\d+):/gm)].map((match) => Number(match[1]));
    });
    const flattened = foldedTurns.flat();
    expect(flattened).toEqual(flattened.map((_, index) => index));
    expect(foldedTurns.slice(1).every((turns) => turns.length > 0)).toBe(true);
    const second = bodyOf(summaries[1]).messages[1]?.content;
    expect(String(second)).toMatch(/^Summary so far:\nEcho: /);
    const last = sentMessages(chatRequests().length - 1);
    expect(String(last[0]?.content)).toMatch(/^Summary of the earlier conversation:\n/);
    expect(last.at(-1)?.content).toBe(
      "Message 13: remember that the code word number 13 is apple13.",
    );
  });

  it("fits every request into a tiny model's window, which the upstream enforces", async () => {
    const tiny = {
      ...defaultCatalog.get("gpt-4o-mini"),
      id: "tiny-echo",
      aliases: [],
      contextWindow: 120,
      maxOutputTokens: 30,
    };
    const catalog = defaultCatalog.extend([tiny]);
    mock.setBehavior({ maxInputTokens: 120 });
    const chat = await createChat({
      client: realClient(catalog),
      model: "tiny-echo",
      catalog,
      summarizeAt: 1_000_000,
    });
    let dropped = 0;
    for (let turn = 0; turn < 10; turn++) {
      dropped = (await chat.send(`Tell me about topic number ${turn}, please.`)).droppedMessages;
    }
    expect(dropped).toBeGreaterThan(0);
    expect(chatRequests()).toHaveLength(10);
    for (const request of chatRequests()) {
      expect((request.body as { max_tokens: number }).max_tokens).toBe(30);
    }
  });

  it("cancels a streamed reply and still counts what it cost", async () => {
    mock.setBehavior({ script: [{ type: "slow-stream", chunkDelayMs: 40 }] });
    const chat = await createChat({ client: realClient(), model: "gpt-4o-mini" });
    const controller = new AbortController();
    const stream = await chat.sendStreaming(`Count: ${"one two three four five ".repeat(20)}`, {
      signal: controller.signal,
    });
    let received = "";
    for await (const piece of stream) {
      received += piece;
      if (received.split(" ").length > 3) controller.abort();
    }
    const turn = await stream.result;
    expect(turn.cancelled).toBe(true);
    expect(turn.reply).toBe(received);
    expect(turn.reply.length).toBeLessThan(60);
    expect(turn.usage.inputTokens).toBeGreaterThan(0);
    expect(turn.cost).toBeGreaterThan(0n);
    expect(chat.stats().cost).toBe(turn.cost);
    expect(chat.history().at(-1)).toMatchObject({ partial: true, message: { content: received } });
  });

  it("persists the session in SQLite and resumes it by id with a new process's objects", async () => {
    const directory = mkdtempSync(join(tmpdir(), "tokenwise-chat-it-"));
    directories.push(directory);
    const path = join(directory, "tokenwise.db");
    const firstStore = createSqliteSessionStore({ path });
    const chat = await createChat({
      client: realClient(),
      model: "gpt-4o-mini",
      budget: "0.10",
      store: firstStore,
      system: "Be brief.",
    });
    await chat.send("Remember the number 42.");
    const spent = chat.stats().cost;
    await firstStore.close();

    const secondStore = createSqliteSessionStore({ path });
    const resumed = await resumeChat(chat.sessionId, { client: realClient(), store: secondStore });
    expect(resumed.stats().cost).toBe(spent);
    expect(resumed.stats().budgetRemaining).toBe(usd("0.10") - spent);
    await resumed.send("Which number?");
    expect(sentMessages(1)).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: "Remember the number 42." },
      { role: "assistant", content: "Echo: Remember the number 42." },
      { role: "user", content: "Which number?" },
    ]);
    await secondStore.close();
  });
});

describe("the chat's budget on the client's ledger", () => {
  it("reserves every call on chat:<sessionId> of createClient's SQLite ledger, beside the client's own budget", async () => {
    const directory = mkdtempSync(join(tmpdir(), "tokenwise-chat-ledger-"));
    directories.push(directory);
    const ledger = createSqliteLedger({ path: join(directory, "ledger.db") });
    const client = createClient({
      providers: { openai: { provider: "openai", baseUrl: `${mock.url}/v1`, apiKey: "test-key" } },
      retry: false,
      ledger,
      budget: { scope: "team", limit: "1.00" },
    });
    const chat = await createChat({
      client,
      model: "gpt-4o-mini",
      budget: "0.50",
      summarizeAt: 60,
      keepLast: 1,
    });
    const scope = chatBudgetScope(chat.sessionId);
    await chat.send("Hello there, how are you doing today?");
    const stream = await chat.sendStreaming("Tell me more about the weather where you are.");
    for await (const _piece of stream);
    await stream.result;
    await chat.send("And what about tomorrow, will it rain or not?");
    const stats = chat.stats();
    expect(stats.byModel.some((row) => row.purpose === "summary")).toBe(true);
    // Turns and summaries, streamed or not: each charged to both budgets, recorded once.
    expect(await ledger.spent(scope)).toBe(stats.cost);
    expect(await ledger.spent("team")).toBe(stats.cost);
    expect([await ledger.reserved(scope), await ledger.reserved("team")]).toEqual([0n, 0n]);
    const records = await ledger.records();
    expect(records).toHaveLength(stats.calls);
    expect(records.every((record) => record.scope === "team")).toBe(true);
    expect(stats.budgetRemaining).toBe(usd("0.50") - stats.cost);

    // The client's budget still holds under the chat's.
    const tight = createClient({
      providers: { openai: { provider: "openai", baseUrl: `${mock.url}/v1`, apiKey: "test-key" } },
      retry: false,
      ledger,
      budget: { scope: "tight", limit: "0.0001" },
    });
    const capped = await createChat({ client: tight, model: "gpt-4o-mini", budget: "0.50" });
    const error = await capped.send("Hello").catch((caught: unknown) => caught);
    expect(budgetExceededDetails(error)?.scope).toBe("tight");
    expect(await ledger.reserved(chatBudgetScope(capped.sessionId))).toBe(0n);
    await ledger.close();
  });
});

describe("chat over the mock upstream with a bare provider adapter", () => {
  it("works with createProviderChatClient, streaming included", async () => {
    const client = createProviderChatClient({
      provider: createOpenAICompatibleProvider({ baseUrl: `${mock.url}/v1`, apiKey: "test-key" }),
    });
    const chat = await createChat({ client, model: "openai/gpt-4o-mini", budget: "0.01" });
    const turn = await chat.send("Hello there");
    expect(turn.cost).toBe(9n * 150_000n + 5n * 600_000n);
    const stream = await chat.sendStreaming("Again");
    let text = "";
    for await (const piece of stream) text += piece;
    expect(text).toBe("Echo: Again");
    expect(bodyOf(chatRequests()[1]).model).toBe("gpt-4o-mini");
    expect(chat.stats().calls).toBe(2);
  });
});
