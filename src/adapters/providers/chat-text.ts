/** Small helpers for reading and writing OpenAI-shaped message content. */
import { invalidInput } from "../../core/errors/index.js";
import type { ChatMessage, ContentPart, ToolCall } from "../../core/messages/index.js";
import type { ChatResult } from "./types.js";

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

/**
 * A provider's reply as the assistant message: its text (null when the reply is only tool
 * calls) and its tool calls, if any.
 *
 * @example
 * ```ts
 * assistantMessage("", [call]); // { role: "assistant", content: null, tool_calls: [call] }
 * ```
 */
export function assistantMessage(text: string, toolCalls: ToolCall[]): ChatResult["message"] {
  return {
    role: "assistant",
    content: assistantContent(text, toolCalls.length),
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
  };
}

/**
 * The texts of a system or developer message, for providers that take the system prompt apart
 * from the conversation and accept only text there.
 *
 * @example
 * ```ts
 * systemTexts({ role: "system", content: "Be brief" }, { field: "messages[0]", provider: "gemini" }); // ["Be brief"]
 * ```
 */
export function systemTexts(
  message: Pick<ChatMessage, "content">,
  options: { field: string; provider: string },
): string[] {
  return contentParts(message).map((part) => {
    if (part.type !== "text") {
      throw invalidInput(
        `${options.field}.content`,
        `of a system message must be text for ${options.provider}`,
      );
    }
    return part.text;
  });
}
