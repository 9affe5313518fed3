import { TokenwiseError } from "../errors/index.js";
import type { ChatMessage } from "../messages/index.js";
import { type ChatTokenCountOptions, countChatTokens } from "./count-chat-tokens.js";
import { assertNonNegativeInteger } from "./validation.js";

export interface FitChatHistoryOptions extends ChatTokenCountOptions {
  /** Most input tokens the fitted request may have (messages, tools and reply priming). */
  maxTokens: number;
  /** Keep every system and developer message. Default true; false lets them age out like others. */
  keepSystem?: boolean;
}

export interface FittedChatHistory {
  /** The messages kept, in their original order. */
  messages: ChatMessage[];
  /** The messages dropped, in their original order (oldest first). */
  droppedMessages: ChatMessage[];
  /** Input tokens of the kept messages with the tools, as {@link countChatTokens} counts them. */
  tokens: number;
}

/**
 * Fits a conversation into `maxTokens` by dropping its oldest turns. System and developer
 * messages stay (unless `keepSystem` is false); then the newest turns are kept, going back in
 * time until the next older turn would not fit. An assistant message with tool calls and the
 * tool results after it are kept or dropped together, never split.
 *
 * The system messages plus everything from the last user message on must fit; when they do
 * not, this throws `context_window_exceeded` saying by how many tokens, since no amount of
 * dropping history can help (shorten the system prompt or truncate the message instead).
 *
 * @example
 * ```ts
 * const { messages, droppedMessages, tokens } = fitChatHistory(conversation, {
 *   maxTokens: 8_000,
 *   tokenizer: "o200k_base",
 * });
 * ```
 */
export function fitChatHistory(
  messages: ChatMessage[],
  options: FitChatHistoryOptions,
): FittedChatHistory {
  assertNonNegativeInteger("maxTokens", options?.maxTokens);
  const counted = countChatTokens(messages, options);
  const perMessage = counted.breakdown.messages;
  const messageTokens = (index: number) => perMessage[index] ?? 0;
  const keepSystem = options.keepSystem ?? true;
  const pinned = messages.flatMap((message, index) =>
    keepSystem && (message.role === "system" || message.role === "developer") ? [index] : [],
  );
  const turns = groupTurns(messages, new Set(pinned));
  const lastUserTurn = turns.findLastIndex((turn) =>
    turn.some((index) => messages[index]?.role === "user"),
  );
  const firstRequiredTurn = lastUserTurn >= 0 ? lastUserTurn : Math.max(0, turns.length - 1);

  const kept = new Set(pinned);
  let tokens =
    counted.breakdown.tools + counted.breakdown.replyPriming + sumTokens(pinned, messageTokens);
  turns.slice(firstRequiredTurn).forEach((turn) => {
    for (const index of turn) {
      kept.add(index);
    }
    tokens += sumTokens(turn, messageTokens);
  });
  if (tokens > options.maxTokens) {
    throw new TokenwiseError(
      "context_window_exceeded",
      `The system messages, tools and last user turn need ${tokens} tokens, ${tokens - options.maxTokens} over maxTokens (${options.maxTokens}); dropping older history cannot help: shorten the system prompt or tools, or truncate the last message (truncateText)`,
      {
        details: {
          maxTokens: options.maxTokens,
          requiredTokens: tokens,
          overBy: tokens - options.maxTokens,
        },
      },
    );
  }

  for (let turnIndex = firstRequiredTurn - 1; turnIndex >= 0; turnIndex--) {
    const turn = turns[turnIndex] ?? [];
    const turnTokens = sumTokens(turn, messageTokens);
    if (tokens + turnTokens > options.maxTokens) {
      break;
    }
    for (const index of turn) {
      kept.add(index);
    }
    tokens += turnTokens;
  }

  return {
    messages: messages.filter((_, index) => kept.has(index)),
    droppedMessages: messages.filter((_, index) => !kept.has(index)),
    tokens,
  };
}

/**
 * Message indices grouped into turns that are dropped as one: an assistant message with tool
 * calls takes the tool messages that follow it; every other message stands alone.
 */
function groupTurns(messages: readonly ChatMessage[], pinned: ReadonlySet<number>): number[][] {
  const turns: number[][] = [];
  let openToolCallTurn: number[] | undefined;
  messages.forEach((message, index) => {
    if (pinned.has(index)) {
      return;
    }
    if (message.role === "tool" && openToolCallTurn) {
      openToolCallTurn.push(index);
      return;
    }
    const turn = [index];
    turns.push(turn);
    openToolCallTurn =
      message.role === "assistant" && (message.tool_calls?.length ?? 0) > 0 ? turn : undefined;
  });
  return turns;
}

function sumTokens(indices: readonly number[], tokensOf: (index: number) => number): number {
  let total = 0;
  for (const index of indices) {
    total += tokensOf(index);
  }
  return total;
}
