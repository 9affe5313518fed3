import { describe, expect, it } from "vitest";
import { defaultCatalog } from "../../core/catalog/index.js";
import { TokenwiseError } from "../../core/errors/index.js";
import { usd } from "../../core/money/index.js";
import { countChatTokens } from "../../core/tokens/index.js";
import { createChat } from "./chat.js";
import { worstCaseCost } from "./index.js";
import { createFakeChatClient } from "./test-support/fake-chat-client.js";

const mini = defaultCatalog.get("gpt-4o-mini");

async function caught(promise: Promise<unknown>): Promise<TokenwiseError> {
  try {
    await promise;
  } catch (error) {
    if (TokenwiseError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("expected the promise to reject");
}

describe("createChat: turns, token counts and stats", () => {
  it("counts every message and prices every call exactly", async () => {
    const client = createFakeChatClient({ reply: () => "Tokens are pieces of words." });
    const chat = await createChat({ client, model: "gpt-4o-mini", system: "You are terse." });
    const turn = await chat.send("What is a token?");

    expect(turn.reply).toBe("Tokens are pieces of words.");
    // 3 framing + 1 role + 5 text tokens ("What is a token?").
    expect(chat.history().map((entry) => [entry.message.role, entry.tokens])).toEqual([
      ["system", 8],
      ["user", 9],
      ["assistant", 10],
    ]);
    // system 8 + user 9 + 3 reply priming.
    expect(client.calls[0]?.inputTokens).toBe(20);
    expect(turn.usage).toEqual({
      inputTokens: 20,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 6,
      reasoningTokens: 0,
    });
    // 20 × $0.15/M + 6 × $0.60/M = $0.0000030 + $0.0000036
    expect(turn.cost).toBe(6_600_000n);
    expect(turn.totalCost).toBe(6_600_000n);
    expect(client.calls[0]?.request.max_tokens).toBe(1024);
  });

  it("shows input, cached, output and reasoning tokens, cost and budget left in stats", async () => {
    const client = createFakeChatClient({
      reply: () => "Fine.",
      cachedInputTokens: 10,
      reasoningTokens: 4,
    });
    const chat = await createChat({ client, model: "gpt-4o-mini", budget: "0.01" });
    await chat.send("Hello there, how are you today?");
    await chat.send("And tomorrow?");
    const stats = chat.stats();
    const [first, second] = client.calls;
    const inputTokens = (first?.inputTokens ?? 0) + (second?.inputTokens ?? 0);
    expect(stats.usage).toEqual({
      inputTokens,
      cachedInputTokens: 20,
      cacheWriteTokens: 0,
      outputTokens: 12,
      reasoningTokens: 8,
    });
    // uncached input at $0.15/M, cached at $0.075/M, output (reasoning included) at $0.60/M.
    const expected = BigInt(inputTokens - 20) * 150_000n + 20n * 75_000n + 12n * 600_000n;
    expect(stats.cost).toBe(expected);
    expect(stats.calls).toBe(2);
    expect(stats.budget).toBe(usd("0.01"));
    expect(stats.budgetRemaining).toBe(usd("0.01") - expected);
    expect(stats.byModel).toEqual([
      { purpose: "chat", model: "gpt-4o-mini", calls: 2, usage: stats.usage, cost: expected },
    ]);
  });

  it("rejects bad input with a message naming the field", async () => {
    const client = createFakeChatClient();
    expect((await caught(createChat({ client, model: "gpt-4o-mnii" }))).code).toBe("unknown_model");
    expect(
      (await caught(createChat({ client, model: "gpt-4o-mini", budget: "-1" }))).message,
    ).toMatch(/^budget must not be negative/);
    expect(
      (await caught(createChat({ client, model: "gpt-4o-mini", keepLast: -1 }))).message,
    ).toMatch(/^keepLast must be a whole number of at least 0/);
    expect(
      (await caught(createChat({ client: {} as never, model: "gpt-4o-mini" }))).message,
    ).toMatch(/^client must have chat\(\) and streamChat\(\)/);
    const chat = await createChat({ client, model: "gpt-4o-mini" });
    expect((await caught(chat.send("  "))).message).toBe("text must be a non-empty message");
    expect(client.calls).toHaveLength(0);
  });

  it("refuses a second message while one is in progress", async () => {
    const client = createFakeChatClient();
    const chat = await createChat({ client, model: "gpt-4o-mini" });
    const first = chat.send("one");
    const error = await caught(chat.send("two"));
    expect(error.message).toMatch(/busy with another message/);
    await first;
    expect(client.calls).toHaveLength(1);
  });
});

describe("budget enforced before every call", () => {
  it("refuses a call whose worst case could pass the budget, sending nothing", async () => {
    const client = createFakeChatClient();
    const chat = await createChat({ client, model: "gpt-4o-mini", budget: "0.0005" });
    // 12 input tokens + 1024 output tokens at most: 12 × 0.15 + 1024 × 0.60 = $0.0006162 > $0.0005
    const error = await caught(chat.send("What is a token?"));
    expect(error.code).toBe("budget_exceeded");
    expect(error.message).toBe(
      "Budget exceeded: this message could cost up to $0.000616 (12 input + up to 1024 output " +
        "tokens on gpt-4o-mini) but only $0.000500 of the $0.000500 budget is left; nothing was " +
        "sent. Raise the budget, lower maxOutputTokens, or start a shorter conversation.",
    );
    expect(error.details.worstCase).toBe(616_200_000n);
    expect(client.calls).toHaveLength(0);
    expect(chat.history()).toEqual([]);
    expect(chat.stats().cost).toBe(0n);
  });

  it("allows a call whose worst case is exactly the budget left, and not one picodollar less", async () => {
    const request = {
      model: "gpt-4o-mini",
      messages: [{ role: "user" as const, content: "What is a token?" }],
      max_tokens: 100,
    };
    const worstCase = worstCaseCost(request, mini).amount;
    expect(worstCase).toBe(61_800_000n);
    const exact = await createChat({
      client: createFakeChatClient(),
      model: "gpt-4o-mini",
      budget: worstCase,
      maxOutputTokens: 100,
    });
    expect((await exact.send("What is a token?")).cancelled).toBe(false);
    const short = createFakeChatClient();
    const tooLittle = await createChat({
      client: short,
      model: "gpt-4o-mini",
      budget: worstCase - 1n,
      maxOutputTokens: 100,
    });
    expect((await caught(tooLittle.send("What is a token?"))).code).toBe("budget_exceeded");
    expect(short.calls).toHaveLength(0);
  });

  it("never lets the total pass the budget across many turns, where checking after spending would", async () => {
    // Every reply uses its whole output limit: the worst case happens each time.
    const longReply = () => "word ".repeat(400);
    const client = createFakeChatClient({ reply: longReply });
    const budget = usd("0.0002");
    const chat = await createChat({ client, model: "gpt-4o-mini", budget, maxOutputTokens: 50 });
    let refused: TokenwiseError | undefined;
    for (let turn = 0; turn < 100 && refused === undefined; turn++) {
      try {
        await chat.send(`Question number ${turn}: tell me more.`);
        expect(chat.stats().cost).toBeLessThanOrEqual(budget);
      } catch (error) {
        if (!TokenwiseError.hasCode(error, "budget_exceeded")) throw error;
        refused = error;
      }
    }
    expect(refused?.code).toBe("budget_exceeded");
    const spent = chat.stats().cost;
    expect(spent).toBeLessThanOrEqual(budget);
    // The tutorial checks `spent < budget` after each call, so it would have made the refused
    // call too, and that call alone costs more than what was left.
    expect(spent).toBeLessThan(budget);
    const refusedWorstCase = refused?.details.worstCase as bigint;
    expect(spent + refusedWorstCase).toBeGreaterThan(budget);
    const callsMade = client.calls.length;
    expect(callsMade).toBe(chat.stats().calls);
    expect(callsMade).toBeGreaterThan(3);
  });

  it("reserves the dearer reasoning price when a model bills reasoning apart", () => {
    const reasoner = { ...mini, id: "reasoner", prices: { ...mini.prices, reasoning: "1.2" } };
    const request = {
      model: "reasoner",
      messages: [{ role: "user" as const, content: "Hi" }],
      max_tokens: 10,
    };
    const worst = worstCaseCost(request, reasoner);
    expect(worst.amount).toBe(BigInt(worst.inputTokens) * 150_000n + 10n * 1_200_000n);
  });
});

describe("context fitting", () => {
  const tiny = {
    ...mini,
    id: "tiny-model",
    aliases: [],
    contextWindow: 120,
    maxOutputTokens: 30,
  };
  const catalog = defaultCatalog.extend([tiny]);

  it("fits every request into the window minus the requested output", async () => {
    const client = createFakeChatClient({
      catalog,
      reply: () => "A long answer that goes on and on about the question asked.",
    });
    const chat = await createChat({
      client,
      model: "tiny-model",
      catalog,
      system: "Be brief.",
      maxOutputTokens: 1000,
      summarizeAt: 1_000_000,
    });
    const dropped: number[] = [];
    for (let turn = 0; turn < 8; turn++) {
      dropped.push(
        (await chat.send(`Tell me about topic number ${turn}, please.`)).droppedMessages,
      );
    }
    for (const call of client.calls) {
      expect(call.request.max_tokens).toBe(30);
      expect(call.inputTokens + 30).toBeLessThanOrEqual(120);
      expect(call.request.messages[0]).toEqual({ role: "system", content: "Be brief." });
      expect(call.request.messages.at(-1)?.role).toBe("user");
    }
    expect(dropped[0]).toBe(0);
    expect(dropped.at(-1)).toBeGreaterThan(0);
    // History keeps everything; only the requests were trimmed.
    expect(chat.history()).toHaveLength(17);
  });

  it("says so when even the last message cannot fit", async () => {
    const client = createFakeChatClient({ catalog });
    const chat = await createChat({ client, model: "tiny-model", catalog });
    const error = await caught(chat.send("many words ".repeat(100)));
    expect(error.code).toBe("context_window_exceeded");
    expect(client.calls).toHaveLength(0);
  });
});

describe("running summary", () => {
  const turnText = (turn: number) => `This is message ${turn} with a few more words in it.`;

  it("summarizes once per overflow and then only the newly old turns", async () => {
    const client = createFakeChatClient({
      reply: (request, call) =>
        request.messages[0]?.content?.toString().startsWith("You keep a running summary")
          ? `Summary ${call}`
          : "A short reply.",
    });
    const chat = await createChat({
      client,
      model: "gpt-4o-mini",
      summaryModel: "gpt-4.1-nano",
      system: "Be brief.",
      summarizeAt: 150,
      keepLast: 2,
    });
    const summarizedTurns: number[] = [];
    for (let turn = 0; turn < 12; turn++) {
      if ((await chat.send(turnText(turn))).summarized) summarizedTurns.push(turn);
    }
    const summaries = client.summaryCalls();
    // Two summary calls in twelve turns: the summary is updated, not rebuilt on every turn.
    expect(summarizedTurns).toEqual([5, 9]);
    expect(summaries).toHaveLength(2);

    const [firstSummary, secondSummary] = summaries;
    const firstPrompt = String(firstSummary?.request.messages[1]?.content);
    const secondPrompt = String(secondSummary?.request.messages[1]?.content);
    // The second update starts from the first summary and adds only turns it did not cover.
    const transcript = (turns: number[]) =>
      turns.map((turn) => `user: ${turnText(turn)}\n\nassistant: A short reply.`).join("\n\n");
    expect(firstPrompt).toBe(
      `New messages:\n${transcript([0, 1, 2, 3])}\n\nWrite the updated summary.`,
    );
    // The first summary was call 6; the update folds only turns 4-7 into it.
    expect(secondPrompt).toBe(
      `Summary so far:\nSummary 6\n\nNew messages:\n${transcript([4, 5, 6, 7])}\n\nWrite the updated summary.`,
    );
    expect(summaries.every((call) => call.request.model === "gpt-4.1-nano")).toBe(true);
    expect(summaries.every((call) => call.request.max_tokens === 512)).toBe(true);

    // Requests after a summary carry it, plus the system prompt and the newest turns verbatim.
    const last = client.calls.at(-1);
    expect(last?.request.messages[0]).toEqual({ role: "system", content: "Be brief." });
    expect(String(last?.request.messages[1]?.content)).toMatch(
      /^Summary of the earlier conversation:\nSummary \d+$/,
    );
    expect(last?.request.messages.at(-1)).toEqual({ role: "user", content: turnText(11) });

    const stats = chat.stats();
    expect(stats.summary?.updates).toBe(summaries.length);
    expect(stats.byModel.map((row) => [row.purpose, row.model, row.calls])).toEqual([
      ["chat", "gpt-4o-mini", 12],
      ["summary", "gpt-4.1-nano", summaries.length],
    ]);
    expect(stats.cost).toBe(stats.byModel.reduce((sum, row) => sum + row.cost, 0n));
  });

  it("keeps the newest keepLast turns verbatim and the summary's coverage exact", async () => {
    const client = createFakeChatClient({ reply: () => "ok" });
    const chat = await createChat({
      client,
      model: "gpt-4o-mini",
      keepLast: 2,
      summarizeAt: 1_000_000,
    });
    for (let turn = 0; turn < 4; turn++) await chat.send(turnText(turn));
    expect(await chat.summarize()).toBe(4);
    // Messages 0-3 (two turns) folded; turns 2 and 3 (messages 4-7) kept.
    expect(chat.summary()?.coveredThrough).toBe(3);
    expect(await chat.summarize()).toBe(0);
    await chat.send(turnText(4));
    const request = client.calls.at(-1)?.request;
    expect(request?.messages.map((message) => message.content)).toEqual([
      "Summary of the earlier conversation:\nok",
      turnText(2),
      "ok",
      turnText(3),
      "ok",
      turnText(4),
    ]);
  });

  it("reserves the summary call against the budget too", async () => {
    const client = createFakeChatClient({ reply: () => "ok" });
    const chat = await createChat({
      client,
      model: "gpt-4o-mini",
      keepLast: 1,
      summarizeAt: 1_000_000,
      summaryMaxOutputTokens: 100_000,
    });
    await chat.send(turnText(0));
    await chat.send(turnText(1));
    await chat.setBudget(chat.stats().cost + 1000n);
    const error = await caught(chat.summarize());
    expect(error.code).toBe("budget_exceeded");
    expect(error.message).toMatch(/^Budget exceeded: the summary of older turns could cost/);
    expect(client.summaryCalls()).toHaveLength(0);
  });
});

describe("cancelling a streamed reply", () => {
  it("stops at once, keeps the partial reply and counts its cost", async () => {
    const client = createFakeChatClient({
      reply: () => "one two three four five six seven eight",
      hangAfterChunks: 3,
    });
    const chat = await createChat({ client, model: "gpt-4o-mini" });
    const controller = new AbortController();
    const stream = await chat.sendStreaming("Count to eight.", { signal: controller.signal });
    const pieces: string[] = [];
    const reading = (async () => {
      for await (const piece of stream) pieces.push(piece);
    })();
    await client.waitingForAbort();
    controller.abort();
    await reading;
    const turn = await stream.result;
    expect(turn.cancelled).toBe(true);
    expect(pieces).toEqual(["one", " two", " three"]);
    expect(turn.reply).toBe("one two three");
    const inputTokens = client.calls[0]?.inputTokens ?? 0;
    expect(turn.usage).toEqual({
      inputTokens,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 3,
      reasoningTokens: 0,
    });
    expect(turn.cost).toBe(BigInt(inputTokens) * 150_000n + 3n * 600_000n);
    expect(chat.stats().cost).toBe(turn.cost);
    expect(chat.history().map((entry) => [entry.message.content, entry.partial])).toEqual([
      ["Count to eight.", undefined],
      ["one two three", true],
    ]);
  });

  it("streams the whole reply when not cancelled", async () => {
    const client = createFakeChatClient({ reply: () => "Hello to you too." });
    const chat = await createChat({ client, model: "gpt-4o-mini" });
    const stream = await chat.sendStreaming("Hello");
    let text = "";
    for await (const piece of stream) text += piece;
    expect(text).toBe("Hello to you too.");
    const turn = await stream.result;
    expect(turn.reply).toBe("Hello to you too.");
    expect(client.calls[0]?.method).toBe("streamChat");
    expect(turn.usage.inputTokens).toBe(
      countChatTokens([{ role: "user", content: "Hello" }], { tokenizer: "o200k_base" }).tokens,
    );
  });
});

describe("settings", () => {
  it("switches models, recounting with the new tokenizer, and names unknown ones", async () => {
    const client = createFakeChatClient({ reply: () => "ok" });
    const chat = await createChat({ client, model: "gpt-4o-mini" });
    await chat.send("Hello there");
    await chat.setModel("gpt-4");
    expect(chat.history()[0]?.tokenizer).toBe("cl100k_base");
    await chat.send("Again");
    expect(client.calls[1]?.request.model).toBe("gpt-4");
    expect(chat.stats().byModel.map((row) => row.model)).toEqual(["gpt-4o-mini", "gpt-4"]);
    const error = await caught(chat.setModel("gpt-4o-mnii"));
    expect(error.code).toBe("unknown_model");
    expect(error.message).toMatch(/gpt-4o-mini/);
  });

  it("resets the conversation but not the spend", async () => {
    const client = createFakeChatClient({ reply: () => "ok" });
    const chat = await createChat({ client, model: "gpt-4o-mini", system: "Be kind." });
    await chat.send("Hello");
    const spent = chat.stats().cost;
    await chat.reset();
    expect(chat.history().map((entry) => entry.message.role)).toEqual(["system"]);
    expect(chat.stats().cost).toBe(spent);
  });
});
