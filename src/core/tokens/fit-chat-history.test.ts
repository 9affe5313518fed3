import { describe, expect, it } from "vitest";
import { TokenwiseError } from "../errors/index.js";
import type { ChatMessage, ToolDefinition } from "../messages/index.js";
import { countChatTokens } from "./count-chat-tokens.js";
import { fitChatHistory } from "./fit-chat-history.js";

const system: ChatMessage = { role: "system", content: "You are a helpful assistant." };
const conversation: ChatMessage[] = [
  system,
  { role: "user", content: "First question about apples?" },
  { role: "assistant", content: "Apples are fruit." },
  { role: "user", content: "Second question about pears?" },
  { role: "assistant", content: "Pears are fruit too." },
  { role: "user", content: "Third question: and plums?" },
];

function catchError(action: () => unknown): TokenwiseError {
  try {
    action();
  } catch (error) {
    if (TokenwiseError.isInstance(error)) {
      return error;
    }
    throw error;
  }
  throw new Error("expected a TokenwiseError");
}

describe("fitChatHistory", () => {
  const fullTokens = countChatTokens(conversation, { tokenizer: "o200k_base" }).tokens;
  const perMessage = countChatTokens(conversation, { tokenizer: "o200k_base" }).breakdown.messages;

  it("keeps everything when it fits", () => {
    const result = fitChatHistory(conversation, { maxTokens: fullTokens, tokenizer: "o200k_base" });
    expect(result.messages).toEqual(conversation);
    expect(result.droppedMessages).toEqual([]);
    expect(result.tokens).toBe(fullTokens);
  });

  it("drops the oldest turns first and keeps the system message", () => {
    const oldestTwo = (perMessage[1] ?? 0) + (perMessage[2] ?? 0);
    const result = fitChatHistory(conversation, {
      maxTokens: fullTokens - oldestTwo,
      tokenizer: "o200k_base",
    });
    expect(result.messages).toEqual([system, ...conversation.slice(3)]);
    expect(result.droppedMessages).toEqual(conversation.slice(1, 3));
    expect(result.tokens).toBe(fullTokens - oldestTwo);
    expect(result.tokens).toBe(
      countChatTokens(result.messages, { tokenizer: "o200k_base" }).tokens,
    );

    const oneShort = fitChatHistory(conversation, {
      maxTokens: fullTokens - oldestTwo - 1,
      tokenizer: "o200k_base",
    });
    expect(oneShort.messages).toEqual([system, ...conversation.slice(4)]);
  });

  it("keeps the newest history contiguous: it never skips a turn to fit an older one", () => {
    const messages: ChatMessage[] = [
      { role: "user", content: "hi" },
      { role: "assistant", content: "long answer ".repeat(50) },
      { role: "user", content: "ok" },
    ];
    const counts = countChatTokens(messages, { tokenizer: "o200k_base" }).breakdown.messages;
    const result = fitChatHistory(messages, {
      maxTokens: 3 + (counts[2] ?? 0) + (counts[0] ?? 0),
      tokenizer: "o200k_base",
    });
    expect(result.messages).toEqual([messages[2]]);
    expect(result.droppedMessages).toEqual(messages.slice(0, 2));
  });

  it("never splits an assistant tool call from its tool results", () => {
    const messages: ChatMessage[] = [
      system,
      { role: "user", content: "Weather in Paris and Rome?" },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          {
            id: "a",
            type: "function",
            function: { name: "weather", arguments: '{"city":"Paris"}' },
          },
          {
            id: "b",
            type: "function",
            function: { name: "weather", arguments: '{"city":"Rome"}' },
          },
        ],
      },
      { role: "tool", tool_call_id: "a", content: "21C sunny" },
      { role: "tool", tool_call_id: "b", content: "25C sunny" },
      { role: "assistant", content: "Paris 21C, Rome 25C." },
      { role: "user", content: "Thanks! Any umbrella needed?" },
    ];
    const counts = countChatTokens(messages, { tokenizer: "o200k_base" }).breakdown.messages;
    const required = 3 + (counts[0] ?? 0) + (counts[5] ?? 0) + (counts[6] ?? 0);
    // Room for one tool result but not for the call and both results together.
    const result = fitChatHistory(messages, {
      maxTokens: required + (counts[4] ?? 0),
      tokenizer: "o200k_base",
    });
    expect(result.messages).toEqual([system, messages[5], messages[6]]);
    const withToolTurn = required + (counts[2] ?? 0) + (counts[3] ?? 0) + (counts[4] ?? 0);
    const fitted = fitChatHistory(messages, { maxTokens: withToolTurn, tokenizer: "o200k_base" });
    expect(fitted.messages).toEqual([system, ...messages.slice(2)]);
    expect(fitted.droppedMessages).toEqual([messages[1]]);
  });

  it("requires the last user message and everything after it", () => {
    const messages: ChatMessage[] = [
      { role: "user", content: "Question" },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "a", type: "function", function: { name: "look", arguments: "{}" } }],
      },
      { role: "tool", tool_call_id: "a", content: "result" },
    ];
    const total = countChatTokens(messages, { tokenizer: "o200k_base" }).tokens;
    expect(
      fitChatHistory(messages, { maxTokens: total, tokenizer: "o200k_base" }).messages,
    ).toEqual(messages);
    const error = catchError(() =>
      fitChatHistory(messages, { maxTokens: total - 1, tokenizer: "o200k_base" }),
    );
    expect(error.code).toBe("context_window_exceeded");
    expect(error.details).toEqual({ maxTokens: total - 1, requiredTokens: total, overBy: 1 });
  });

  it("throws context_window_exceeded saying how many tokens over", () => {
    const systemAndLast = countChatTokens([system, conversation[5] as ChatMessage], {
      tokenizer: "o200k_base",
    }).tokens;
    const error = catchError(() =>
      fitChatHistory(conversation, { maxTokens: systemAndLast - 5, tokenizer: "o200k_base" }),
    );
    expect(error.code).toBe("context_window_exceeded");
    expect(error.message).toBe(
      `The system messages, tools and last user turn need ${systemAndLast} tokens, 5 over maxTokens (${systemAndLast - 5}); dropping older history cannot help: shorten the system prompt or tools, or truncate the last message (truncateText)`,
    );
    const fits = fitChatHistory(conversation, {
      maxTokens: systemAndLast,
      tokenizer: "o200k_base",
    });
    expect(fits.messages).toEqual([system, conversation[5]]);
  });

  it("counts the tools into the budget", () => {
    const tools: ToolDefinition[] = [
      { type: "function", function: { name: "lookup", description: "Look a word up." } },
    ];
    const withTools = countChatTokens(conversation, { tokenizer: "o200k_base", tools });
    const result = fitChatHistory(conversation, {
      maxTokens: withTools.tokens - 1,
      tokenizer: "o200k_base",
      tools,
    });
    expect(result.droppedMessages).toEqual([conversation[1]]);
    expect(result.tokens).toBe(
      countChatTokens(result.messages, { tokenizer: "o200k_base", tools }).tokens,
    );
  });

  it("lets system messages age out when keepSystem is false", () => {
    const result = fitChatHistory(conversation, {
      maxTokens: fullTokens - (perMessage[0] ?? 0),
      tokenizer: "o200k_base",
      keepSystem: false,
    });
    expect(result.messages).toEqual(conversation.slice(1));
    expect(result.droppedMessages).toEqual([system]);
  });

  it("works with the estimated families", () => {
    const result = fitChatHistory(conversation, { maxTokens: 60, tokenizer: "claude" });
    expect(result.tokens).toBeLessThanOrEqual(60);
    expect(result.tokens).toBe(countChatTokens(result.messages, { tokenizer: "claude" }).tokens);
    expect(result.messages[0]).toBe(system);
  });

  it("rejects a bad maxTokens", () => {
    expect(() => fitChatHistory(conversation, { maxTokens: -5, tokenizer: "o200k_base" })).toThrow(
      /maxTokens must be a non-negative integer, got -5/,
    );
  });
});
