/** Tool-call arguments: OpenAI sends a JSON string, Anthropic and Gemini want the object. */
import { invalidInput } from "../../core/errors/index.js";
import type { ToolCall } from "../../core/messages/index.js";
import { isRecord } from "./json-record.js";

/**
 * Parses tool-call arguments into the object Anthropic and Gemini expect ("" means no
 * arguments, as some OpenAI-compatible servers send).
 *
 * @example
 * ```ts
 * parseToolArguments(call, "messages[1].tool_calls[0].function.arguments"); // { city: "Paris" }
 * ```
 */
export function parseToolArguments(call: ToolCall, field: string): Record<string, unknown> {
  const raw: unknown = call.function?.arguments;
  if (typeof raw !== "string") {
    throw invalidInput(field, `must be a JSON object string, got ${typeof raw}`);
  }
  const text = raw.trim();
  if (text === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalidInput(
      field,
      `must be a JSON object string, got ${JSON.stringify(text.slice(0, 60))}`,
    );
  }
  if (!isRecord(parsed)) {
    throw invalidInput(
      field,
      `must be a JSON object string, got ${JSON.stringify(text.slice(0, 60))}`,
    );
  }
  return parsed;
}
