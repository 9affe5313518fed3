import type { ModelInfo } from "../../core/catalog/index.js";
import type { ChatMessage } from "../../core/messages/index.js";
import { countChatTokens, type TokenizerName } from "../../core/tokens/index.js";

/** One message of a chat's history, with what it costs to send. */
export interface ChatHistoryEntry {
  message: ChatMessage;
  /** Tokens this message adds to a request (framing included), counted with `tokenizer`. */
  tokens: number;
  tokenizer: TokenizerName;
  /** The model that wrote an assistant message. */
  model?: string;
  /** True for a reply cut short (cancelled or broken stream). */
  partial?: boolean;
}

/**
 * A history entry for `message`, its tokens counted with the model's tokenizer.
 *
 * @example
 * ```ts
 * historyEntry({ role: "user", content: "Hi" }, defaultCatalog.get("gpt-4o")).tokens; // 5
 * ```
 */
export function historyEntry(
  message: ChatMessage,
  model: ModelInfo,
  extra: Pick<ChatHistoryEntry, "model" | "partial"> = {},
): ChatHistoryEntry {
  return { message, tokens: messageTokens(message, model), tokenizer: model.tokenizer, ...extra };
}

/** Tokens one message adds to a request to `model`, without the reply priming. */
export function messageTokens(message: ChatMessage, model: ModelInfo): number {
  const counted = countChatTokens([message], { tokenizer: model.tokenizer, model: model.id });
  return counted.breakdown.messages[0] ?? 0;
}

/** The entry counted again when it was counted with another tokenizer than `model`'s. */
export function recountFor(entry: ChatHistoryEntry, model: ModelInfo): ChatHistoryEntry {
  if (entry.tokenizer === model.tokenizer) return entry;
  return { ...entry, tokens: messageTokens(entry.message, model), tokenizer: model.tokenizer };
}

/** True for the messages a chat always keeps verbatim: system and developer instructions. */
export function isInstruction(message: ChatMessage): boolean {
  return message.role === "system" || message.role === "developer";
}

/** The plain text of a message (text parts joined), for transcripts and displays. */
export function messageText(message: ChatMessage): string {
  if (typeof message.content === "string") return message.content;
  if (message.content === null) return "";
  return message.content.map((part) => (part.type === "text" ? part.text : "[image]")).join(" ");
}
