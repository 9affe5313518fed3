/** Small helpers for reading OpenAI-shaped message content. */
import type { ChatMessage, ContentPart } from "../messages/types.js";

/**
 * The content as parts: a string becomes one text part, null becomes none.
 *
 * @example
 * ```ts
 * contentParts({ role: "user", content: "Hi" }); // [{ type: "text", text: "Hi" }]
 * ```
 */
export function contentParts(message: Pick<ChatMessage, "content">): ContentPart[] {
  if (message.content === null || message.content === undefined) return [];
  if (typeof message.content === "string") {
    return message.content === "" ? [] : [{ type: "text", text: message.content }];
  }
  return message.content;
}

/**
 * The text of a message, parts joined without separator (images are skipped).
 *
 * @example
 * ```ts
 * contentText({ role: "tool", content: [{ type: "text", text: "42" }] }); // "42"
 * ```
 */
export function contentText(message: Pick<ChatMessage, "content">): string {
  return contentParts(message)
    .map((part) => (part.type === "text" ? part.text : ""))
    .join("");
}

/**
 * The message content OpenAI uses for an assistant reply: the text, or null when the reply is
 * only tool calls.
 */
export function assistantContent(text: string, toolCallCount: number): string | null {
  return text === "" && toolCallCount > 0 ? null : text;
}
