// Internal: contentText stays out of the public index of adapters/providers.
import { contentText } from "../../adapters/providers/chat-text.js";
import type { ChatChunk, ChatResult } from "../../adapters/providers/index.js";

/**
 * A stored reply as the chunks a live stream would have delivered: the text word by word
 * (each word with its leading whitespace), each tool call whole, then a last chunk with the
 * finish reason, usage, id and model. Joining the chunks gives back the reply exactly.
 *
 * @example
 * ```ts
 * replayChunks(cachedResult).map((chunk) => chunk.text ?? "").join(""); // the cached text
 * ```
 */
export function replayChunks(result: ChatResult): ChatChunk[] {
  const text = contentText(result.message);
  const chunks: ChatChunk[] = (text.match(/\s*\S+|\s+$/g) ?? []).map((piece) => ({ text: piece }));
  (result.message.tool_calls ?? []).forEach((call, index) => {
    chunks.push({
      toolCalls: [
        { index, id: call.id, name: call.function.name, argumentsDelta: call.function.arguments },
      ],
    });
  });
  chunks.push({
    finishReason: result.finishReason,
    usage: result.usage,
    id: result.id,
    model: result.model,
  });
  return chunks;
}
