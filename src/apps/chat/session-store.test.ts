import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { TokenwiseError } from "../../core/errors/index.js";
import { usd } from "../../core/money/index.js";
import { createChat, resumeChat } from "./chat.js";
import { createMemorySessionStore } from "./memory-session-store.js";
import type { ChatSessionStore } from "./session-store.js";
import { createSqliteSessionStore } from "./sqlite-session-store.js";
import { createFakeChatClient } from "./test-support/fake-chat-client.js";

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0))
    rmSync(directory, { recursive: true, force: true });
});

function databasePath(): string {
  const directory = mkdtempSync(join(tmpdir(), "tokenwise-chat-"));
  directories.push(directory);
  return join(directory, "tokenwise.db");
}

const engines: Array<[string, () => { open(): ChatSessionStore; path?: string }]> = [
  [
    "memory",
    () => {
      const store = createMemorySessionStore();
      return { open: () => store };
    },
  ],
  [
    "sqlite",
    () => {
      const path = databasePath();
      return { open: () => createSqliteSessionStore({ path }), path };
    },
  ],
];

describe.each(engines)("sessions in the %s store", (_name, engine) => {
  it("resume by id with messages, summary state, settings, budget and exact spend", async () => {
    const { open } = engine();
    const client = createFakeChatClient({ reply: (_request, call) => `Answer ${call}` });
    const first = open();
    const chat = await createChat({
      client,
      model: "gpt-4o-mini",
      summaryModel: "gpt-4.1-nano",
      budget: "0.25",
      system: "Be brief.",
      keepLast: 1,
      summarizeAt: 1_000_000,
      store: first,
      now: () => new Date("2026-07-24T10:00:00Z"),
    });
    await chat.send("First question");
    await chat.send("Second question");
    // Folds the first turn (messages 1 and 2); the second stays verbatim.
    expect(await chat.summarize()).toBe(2);
    await chat.send("Third question");
    const before = chat.stats();
    const history = chat.history();
    await first.close();

    const second = open();
    const resumed = await resumeChat(chat.sessionId, { client, store: second });
    expect(resumed.sessionId).toBe(chat.sessionId);
    expect(resumed.history()).toEqual(history);
    expect(resumed.summary()).toEqual(chat.summary());
    expect(resumed.summary()?.coveredThrough).toBe(2);
    expect(resumed.settings()).toEqual({
      maxOutputTokens: 1024,
      summarizeAt: 1_000_000,
      keepLast: 1,
      summaryMaxOutputTokens: 512,
    });
    expect(resumed.stats()).toEqual(before);
    expect(before.budget).toBe(usd("0.25"));
    expect(before.byModel.map((row) => [row.purpose, row.model, row.calls])).toEqual([
      ["chat", "gpt-4o-mini", 3],
      ["summary", "gpt-4.1-nano", 1],
    ]);

    await resumed.send("Fourth question");
    const request = client.calls.at(-1)?.request;
    expect(request?.messages.map((message) => message.content)).toEqual([
      "Be brief.",
      "Summary of the earlier conversation:\nAnswer 3",
      "Second question",
      "Answer 2",
      "Third question",
      "Answer 4",
      "Fourth question",
    ]);
    expect(await second.list()).toEqual([
      {
        id: chat.sessionId,
        createdAt: "2026-07-24T10:00:00.000Z",
        updatedAt: expect.any(String),
        model: "gpt-4o-mini",
        messages: 9,
        turns: 4,
        cost: resumed.stats().cost,
      },
    ]);
    await second.close();
  });

  it("starts over after a reset and deletes sessions", async () => {
    const { open } = engine();
    const client = createFakeChatClient({ reply: () => "ok" });
    const store = open();
    const chat = await createChat({ client, model: "gpt-4o-mini", store, sessionId: "my-session" });
    await chat.send("one");
    await chat.send("two");
    await chat.reset();
    await chat.send("three");
    const resumed = await resumeChat("my-session", { client, store });
    expect(resumed.history().map((entry) => entry.message.content)).toEqual(["three", "ok"]);
    expect(resumed.stats().calls).toBe(3);
    expect(await store.delete("my-session")).toBe(true);
    const error = await resumeChat("my-session", { client, store }).catch((caught) => caught);
    expect(TokenwiseError.hasCode(error, "not_found")).toBe(true);
    expect((error as Error).message).toMatch(/^No chat session "my-session" in the store/);
    await store.close();
  });
});

describe("SQLite session store", () => {
  it("stores money as exact picodollar text", async () => {
    const path = databasePath();
    const store = createSqliteSessionStore({ path });
    const client = createFakeChatClient({ reply: () => "ok" });
    const chat = await createChat({
      client,
      model: "gpt-4o-mini",
      store,
      budget: "0.123456789012",
      sessionId: "money",
    });
    await chat.send("Hello");
    await store.close();
    const database = new Database(path, { readonly: true });
    const session = database
      .prepare("SELECT budget_picodollars FROM tokenwise_chat_sessions WHERE id = 'money'")
      .get() as { budget_picodollars: string };
    const spend = database
      .prepare("SELECT cost_picodollars FROM tokenwise_chat_spend WHERE session_id = 'money'")
      .get() as { cost_picodollars: string };
    database.close();
    expect(session.budget_picodollars).toBe("123456789012");
    expect(spend.cost_picodollars).toBe(chat.stats().cost.toString());
    expect(chat.stats().cost).toBe(8n * 150_000n + 1n * 600_000n);
  });

  it("reports a closed store clearly", async () => {
    const store = createSqliteSessionStore({ path: databasePath() });
    await store.close();
    const error = await store.load("x").catch((caught) => caught);
    expect(TokenwiseError.hasCode(error, "store_error")).toBe(true);
    expect((error as Error).message).toBe("The chat session store is closed; open a new one");
  });
});
