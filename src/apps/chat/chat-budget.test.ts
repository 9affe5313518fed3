import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  createMemoryLedger,
  createSqliteLedger,
  type Ledger,
} from "../../adapters/ledger/index.js";
import { defaultCatalog } from "../../core/catalog/index.js";
import { costFromUsage, emptyUsage } from "../../core/cost/index.js";
import { budgetExceededDetails, TokenwiseError } from "../../core/errors/index.js";
import type { ChatRequest } from "../../core/messages/index.js";
import { formatUsd } from "../../core/money/index.js";
import { countTextTokens } from "../../core/tokens/index.js";
import {
  assertWithinBudget,
  type ChatClient,
  chatBudgetScope,
  createChat,
  createSqliteSessionStore,
  resumeChat,
  worstCaseCost,
} from "./index.js";
import { createFakeChatClient, type FakeChatClient } from "./test-support/fake-chat-client.js";

const mini = defaultCatalog.get("gpt-4o-mini");
/** Every reply fills its output limit, so each call costs exactly its worst case. */
const longReply = () => "word ".repeat(400);

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0))
    rmSync(directory, { recursive: true, force: true });
});

function databasePath(): string {
  const directory = mkdtempSync(join(tmpdir(), "tokenwise-chat-budget-"));
  directories.push(directory);
  return join(directory, "tokenwise.db");
}

/** The worst case of a first message `text` with a 100-token reply limit on gpt-4o-mini. */
function firstWorstCase(text: string): bigint {
  const request: ChatRequest = {
    model: "gpt-4o-mini",
    messages: [{ role: "user", content: text }],
    max_tokens: 100,
  };
  return worstCaseCost(request, mini).amount;
}

async function caught(promise: Promise<unknown>): Promise<TokenwiseError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (TokenwiseError.isInstance(error)) return error;
  throw new Error(`expected a TokenwiseError, got ${String(error)}`);
}

/** A fake client whose non-streamed calls wait until `open()`, so several can be in flight. */
function gatedClient(fake: FakeChatClient): ChatClient & { open(): void; waiting(): number } {
  const gates: Array<() => void> = [];
  return {
    chat: async (request, options) => {
      await new Promise<void>((resolve) => gates.push(resolve));
      return fake.chat(request, options);
    },
    streamChat: (request, options) => fake.streamChat(request, options),
    open: () => {
      for (const gate of gates.splice(0)) gate();
    },
    waiting: () => gates.length,
  };
}

async function waitFor(condition: () => boolean | Promise<boolean>): Promise<void> {
  for (let tries = 0; tries < 400; tries++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error("condition never held");
}

describe("the session budget is a ledger scope", () => {
  it("reserves each call's worst case on chat:<sessionId> and settles its exact cost", async () => {
    const ledger = createMemoryLedger();
    const fake = createFakeChatClient();
    const client = gatedClient(fake);
    const chat = await createChat({ client, model: "gpt-4o-mini", budget: "0.01", ledger });
    const scope = chatBudgetScope(chat.sessionId);
    expect(scope).toBe(`chat:${chat.sessionId}`);
    const turn = chat.send("Hello");
    await waitFor(() => client.waiting() === 1);
    const request: ChatRequest = {
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Hello" }],
      max_tokens: 1024,
    };
    expect(await ledger.reserved(scope)).toBe(worstCaseCost(request, mini).amount);
    client.open();
    const { cost, budgetRemaining } = await turn;
    expect([await ledger.spent(scope), await ledger.reserved(scope)]).toEqual([cost, 0n]);
    expect(budgetRemaining).toBe(10_000_000_000n - cost);
    // The chat charges its scope; spend records are the client's to write.
    expect(await ledger.records()).toEqual([]);
  });

  it("lets two chats on one session and one ledger not overspend together", async () => {
    const ledger = createMemoryLedger();
    const store = createSqliteSessionStore({ path: databasePath() });
    const worst = firstWorstCase("Hello");
    const budget = worst * 2n + worst / 2n;
    const client = createFakeChatClient({ reply: longReply });
    const first = await createChat({
      client,
      model: "gpt-4o-mini",
      budget,
      maxOutputTokens: 100,
      sessionId: "shared",
      store,
      ledger,
    });
    // Opened before the first spends anything: what it knows of the session is stale.
    const second = await resumeChat("shared", { client, store, ledger });
    await first.send("Hello");
    await first.send("Hello");
    const spent = await ledger.spent("chat:shared");
    expect(spent).toBe(first.stats().cost);
    const refused = await caught(second.send("Hello"));
    expect(refused.code).toBe("budget_exceeded");
    expect(budgetExceededDetails(refused)).toMatchObject({ spent, limit: budget });
    // The refusal brought the second chat's view of what is left up to date.
    expect(second.stats().budgetRemaining).toBe(budget - spent);
    expect(client.calls).toHaveLength(2);
    expect(await ledger.spent("chat:shared")).toBeLessThanOrEqual(budget);
    await store.close();
  });

  it("refuses a concurrent send on the same session while another call holds the budget", async () => {
    const ledger = createMemoryLedger();
    const store = createSqliteSessionStore({ path: databasePath() });
    const worst = firstWorstCase("Hello");
    const budget = worst + worst / 2n;
    const fake = createFakeChatClient({ reply: longReply });
    const client = gatedClient(fake);
    const options = { client, model: "gpt-4o-mini", budget, maxOutputTokens: 100, ledger };
    const tab = await createChat({ ...options, sessionId: "tabs", store });
    const otherTab = await resumeChat("tabs", { ...options, store });
    const running = tab.send("Hello");
    await waitFor(() => client.waiting() === 1);
    const refused = await caught(otherTab.send("Hello"));
    expect(refused.code).toBe("budget_exceeded");
    expect(refused.message).toContain("more is held by calls running");
    expect(budgetExceededDetails(refused)).toMatchObject({
      reason: "over_budget",
      scope: "chat:tabs",
      reserved: worst,
      spent: 0n,
      remaining: budget - worst,
    });
    client.open();
    const turn = await running;
    expect(turn.cost).toBe(worst);
    expect(fake.calls).toHaveLength(1);
    expect(await ledger.spent("chat:tabs")).toBeLessThanOrEqual(budget);
    await store.close();
  });

  it("releases the reservation of a call that fails before it costs anything", async () => {
    const ledger = createMemoryLedger();
    const fake = createFakeChatClient();
    let failNext = true;
    const client: ChatClient = {
      chat: async (request, options) => {
        if (failNext) {
          failNext = false;
          throw new TokenwiseError("provider_error", "ECONNRESET", {
            details: { retryable: true },
          });
        }
        return fake.chat(request, options);
      },
      streamChat: (request, options) => fake.streamChat(request, options),
    };
    const chat = await createChat({ client, model: "gpt-4o-mini", budget: "0.01", ledger });
    const scope = chatBudgetScope(chat.sessionId);
    expect((await caught(chat.send("Hello"))).code).toBe("provider_error");
    expect([await ledger.reserved(scope), await ledger.spent(scope)]).toEqual([0n, 0n]);
    expect(chat.stats().budgetRemaining).toBe(10_000_000_000n);
    const turn = await chat.send("Hello again");
    expect(await ledger.spent(scope)).toBe(turn.cost);
  });

  it("settles a cancelled reply at its partial cost and holds nothing after", async () => {
    const ledger = createMemoryLedger();
    const client = createFakeChatClient({ reply: () => "one two three four", hangAfterChunks: 2 });
    const chat = await createChat({ client, model: "gpt-4o-mini", budget: "0.01", ledger });
    const scope = chatBudgetScope(chat.sessionId);
    const controller = new AbortController();
    const stream = await chat.sendStreaming("Hello", { signal: controller.signal });
    const iterating = (async () => {
      for await (const _piece of stream);
    })();
    await client.waitingForAbort();
    expect(await ledger.reserved(scope)).toBeGreaterThan(0n);
    controller.abort();
    await iterating;
    const turn = await stream.result;
    expect(turn.cancelled).toBe(true);
    expect(turn.cost).toBeGreaterThan(0n);
    expect([await ledger.spent(scope), await ledger.reserved(scope)]).toEqual([turn.cost, 0n]);
  });
});

describe("a resumed session keeps what it spent", () => {
  async function firstProcess(path: string, ledger?: Ledger) {
    const store = createSqliteSessionStore({ path });
    const budget = firstWorstCase("Hello") + firstWorstCase("Hello") / 2n;
    const chat = await createChat({
      client: createFakeChatClient({ reply: longReply }),
      model: "gpt-4o-mini",
      budget,
      maxOutputTokens: 100,
      sessionId: "resumed",
      store,
      ...(ledger === undefined ? {} : { ledger }),
    });
    const turn = await chat.send("Hello");
    await store.close();
    return { budget, spent: turn.cost };
  }

  it("on a new in-memory ledger: the spend stored with the session counts", async () => {
    const path = databasePath();
    const { budget, spent } = await firstProcess(path);
    const store = createSqliteSessionStore({ path });
    // A new process: its client has no ledger, so the chat starts an empty one.
    const client = createFakeChatClient({ reply: longReply });
    const resumed = await resumeChat("resumed", { client, store });
    expect(resumed.stats().cost).toBe(spent);
    expect(resumed.stats().budgetRemaining).toBe(budget - spent);
    const refused = await caught(resumed.send("Hello"));
    expect(refused.code).toBe("budget_exceeded");
    expect(budgetExceededDetails(refused)).toMatchObject({
      scope: "chat:resumed",
      limit: budget,
      spent,
      remaining: budget - spent,
    });
    expect(refused.message).toContain(
      `only ${formatUsd(budget - spent)} of the ${formatUsd(budget)} budget is left; nothing was sent`,
    );
    expect(client.calls).toHaveLength(0);
    // A higher budget given at resume applies to the whole session, old spend included.
    await resumed.setBudget(budget * 2n);
    expect(resumed.stats().budgetRemaining).toBe(budget * 2n - spent);
    await resumed.send("Hello");
    expect(resumed.stats().cost).toBeLessThanOrEqual(budget * 2n);
    await store.close();
  });

  it("on the same SQLite ledger: the spend is counted once", async () => {
    const path = databasePath();
    const firstLedger = createSqliteLedger({ path });
    const { budget, spent } = await firstProcess(path, firstLedger);
    await firstLedger.close();
    const ledger = createSqliteLedger({ path });
    const store = createSqliteSessionStore({ path });
    expect(await ledger.spent("chat:resumed")).toBe(spent);
    const resumed = await resumeChat("resumed", {
      client: createFakeChatClient({ reply: longReply }),
      store,
      ledger,
    });
    expect(resumed.stats().budgetRemaining).toBe(budget - spent);
    await resumed.setBudget(budget * 2n);
    expect(resumed.stats().budgetRemaining).toBe(budget * 2n - spent);
    await store.close();
    await ledger.close();
  });

  it("counts what was spent while the chat had no budget once one is set", async () => {
    const ledger = createMemoryLedger();
    const client = createFakeChatClient({ reply: longReply });
    const chat = await createChat({ client, model: "gpt-4o-mini", maxOutputTokens: 100, ledger });
    const { cost } = await chat.send("Hello");
    expect(await ledger.spent(chatBudgetScope(chat.sessionId))).toBe(0n);
    await chat.setBudget(cost + cost / 2n);
    expect(chat.stats().budgetRemaining).toBe(cost / 2n);
    expect((await caught(chat.send("Hello"))).code).toBe("budget_exceeded");
    expect(client.calls).toHaveLength(1);
  });
});

describe("a call whose lease is lost", () => {
  it("stops the reply, charges what arrived once, and says so in budget terms", async () => {
    let now = 0;
    const memory = createMemoryLedger({ now: () => now });
    const settles: string[] = [];
    const ledger: Ledger = {
      ...memory,
      settle: (id, actual, record) => {
        settles.push(id);
        return memory.settle(id, actual, record);
      },
    };
    const client = createFakeChatClient({ reply: () => "one two three four", hangAfterChunks: 2 });
    const chat = await createChat({
      client,
      model: "gpt-4o-mini",
      budget: "0.001",
      ledger,
      reservationTtlMs: 30,
    });
    const scope = chatBudgetScope(chat.sessionId);
    const stream = await chat.sendStreaming("Hello");
    const pieces: string[] = [];
    const iterating = (async () => {
      for await (const piece of stream) pieces.push(piece);
    })().catch((error: unknown) => error);
    await client.waitingForAbort();
    // The process stalls past the lease, and another call takes the room it freed.
    now += 60_000;
    await memory.reserve({ scope, amount: 999_000_000n, ttlMs: 600_000, limit: 1_000_000_000n });
    const error = await caught(stream.result);
    expect(await iterating).toBe(error);
    expect(pieces).toEqual(["one", " two"]);
    expect(budgetExceededDetails(error)).toMatchObject({
      reason: "lease_lost",
      scope,
      limit: 1_000_000_000n,
      model: "gpt-4o-mini",
    });
    expect(error.message).toMatch(
      /^Budget exceeded: the reservation for this message on gpt-4o-mini expired while it ran/,
    );
    const usage = {
      ...emptyUsage(),
      inputTokens: client.calls[0]?.inputTokens ?? 0,
      outputTokens: countTextTokens("one two", "o200k_base").tokens,
    };
    const partial = costFromUsage(mini, usage).total;
    expect(chat.stats().cost).toBe(partial);
    expect(settles).toHaveLength(1);
    expect(await memory.spent(scope)).toBe(partial);
    expect(await memory.reserved(scope)).toBe(999_000_000n);
    expect(chat.history()).toEqual([]);
  });
});

describe("every chat refusal has the one budget_exceeded shape", () => {
  it("for a message, a summary and assertWithinBudget", async () => {
    const chat = await createChat({
      client: createFakeChatClient(),
      model: "gpt-4o-mini",
      budget: "0.0005",
    });
    const message = await caught(chat.send("What is a token?"));
    expect(message.details).toEqual({
      reason: "over_budget",
      scope: chatBudgetScope(chat.sessionId),
      limit: 500_000_000n,
      spent: 0n,
      reserved: 0n,
      remaining: 500_000_000n,
      worstCase: 616_200_000n,
      model: "gpt-4o-mini",
      inputTokens: 12,
      maxOutputTokens: 1024,
      retryable: false,
    });
    expect(budgetExceededDetails(message)).toBe(message.details);

    const request: ChatRequest = {
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "What is a token?" }],
      max_tokens: 1024,
    };
    const checked = await caught(
      Promise.resolve().then(() =>
        assertWithinBudget({
          purpose: "this message",
          request,
          model: mini,
          budget: 500_000_000n,
          spent: 0n,
          sessionId: chat.sessionId,
        }),
      ),
    );
    expect(checked.message).toBe(message.message);
    expect(checked.details).toEqual(message.details);
  });
});
