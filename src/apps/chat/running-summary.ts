import type { ChatMessage } from "../../core/messages/index.js";
import type { TokenizerName } from "../../core/tokens/index.js";
import { type ChatHistoryEntry, isInstruction, messageText } from "./chat-history.js";

/**
 * The summary of the turns folded out of a chat's history. It is updated incrementally: each
 * update folds only the messages after `coveredThrough` into the previous text.
 */
export interface RunningSummary {
  text: string;
  /** Index in the history of the last message the summary covers; later ones are verbatim. */
  coveredThrough: number;
  /** Tokens of the summary as it is sent (see {@link summaryMessage}), counted with `tokenizer`. */
  tokens: number;
  tokenizer: TokenizerName;
  /** How many summary calls built it. */
  updates: number;
}

/**
 * The system message that stands for the folded turns in every later request.
 *
 * @example
 * ```ts
 * summaryMessage("The user is planning a trip to Lisbon.").role; // "system"
 * ```
 */
export function summaryMessage(text: string): ChatMessage {
  return { role: "system", content: `Summary of the earlier conversation:\n${text}` };
}

/**
 * Indices of the messages to fold next: those after `coveredThrough` that are neither
 * instructions nor part of the newest `keepLast` turns. A turn starts at a user message; with
 * `pendingTurn`, the message about to be sent counts as the newest turn. Nothing is folded
 * while there are no more than `keepLast` turns.
 *
 * @example
 * ```ts
 * messagesToFold(entries, { coveredThrough: -1, keepLast: 2, pendingTurn: false });
 * ```
 */
export function messagesToFold(
  entries: readonly ChatHistoryEntry[],
  options: { coveredThrough: number; keepLast: number; pendingTurn: boolean },
): number[] {
  const open = entries.flatMap((entry, index) =>
    index > options.coveredThrough && !isInstruction(entry.message) ? [index] : [],
  );
  const turnStarts = open.filter((index) => entries[index]?.message.role === "user");
  const completedTurnsToKeep = options.keepLast - (options.pendingTurn ? 1 : 0);
  const cutoff =
    completedTurnsToKeep <= 0 ? entries.length : (turnStarts.at(-completedTurnsToKeep) ?? -1);
  return open.filter((index) => index < cutoff);
}

/**
 * The request messages that fold `messages` into `previous` (the summary so far, if any).
 *
 * @example
 * ```ts
 * summaryRequestMessages({ previous: undefined, messages: [{ role: "user", content: "Hi" }], maxWords: 300 });
 * ```
 */
export function summaryRequestMessages(options: {
  previous: string | undefined;
  messages: readonly ChatMessage[];
  maxWords: number;
}): ChatMessage[] {
  const transcript = options.messages
    .map((message) => `${message.role}: ${messageText(message)}`)
    .join("\n\n");
  const previous = options.previous === undefined ? "" : `Summary so far:\n${options.previous}\n\n`;
  return [
    {
      role: "system",
      content:
        "You keep a running summary of a conversation between a user and an assistant. " +
        "Merge the new messages into the summary so far. Keep facts, names, numbers, decisions, " +
        "open questions and the user's preferences; drop pleasantries. Use the conversation's " +
        `language and at most ${options.maxWords} words. Reply with the updated summary only.`,
    },
    {
      role: "user",
      content: `${previous}New messages:\n${transcript}\n\nWrite the updated summary.`,
    },
  ];
}
