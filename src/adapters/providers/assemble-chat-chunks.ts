/**
 * Folds streamed chunks back into one assistant reply, the way OpenAI clients do: text
 * concatenated, tool-call fragments merged by index.
 */
import type { Usage } from "../../core/cost/index.js";
import type { ToolCall } from "../../core/messages/index.js";
import { assistantContent } from "./chat-text.js";
import type { ChatChunk, FinishReason } from "./types.js";

export interface AssembledReply {
  id: string | undefined;
  model: string | undefined;
  content: string | null;
  toolCalls: ToolCall[];
  finishReason: FinishReason | undefined;
  usage: Usage | undefined;
}

/**
 * @example
 * ```ts
 * const chunks = [];
 * for await (const chunk of provider.streamChat(request)) chunks.push(chunk);
 * const reply = assembleChatChunks(chunks); // { content, toolCalls, finishReason, usage, ... }
 * ```
 */
export function assembleChatChunks(chunks: Iterable<ChatChunk>): AssembledReply {
  let text = "";
  const calls = new Map<number, { id: string; name: string; arguments: string }>();
  const reply: AssembledReply = {
    id: undefined,
    model: undefined,
    content: null,
    toolCalls: [],
    finishReason: undefined,
    usage: undefined,
  };
  for (const chunk of chunks) {
    text += chunk.text ?? "";
    for (const fragment of chunk.toolCalls ?? []) {
      const call = calls.get(fragment.index) ?? { id: "", name: "", arguments: "" };
      if (fragment.id !== undefined) call.id = fragment.id;
      if (fragment.name !== undefined) call.name += fragment.name;
      call.arguments += fragment.argumentsDelta ?? "";
      calls.set(fragment.index, call);
    }
    if (chunk.finishReason !== undefined) reply.finishReason = chunk.finishReason;
    if (chunk.usage !== undefined) reply.usage = chunk.usage;
    if (chunk.id !== undefined) reply.id = chunk.id;
    if (chunk.model !== undefined) reply.model = chunk.model;
  }
  reply.toolCalls = [...calls.entries()]
    .sort(([left], [right]) => left - right)
    .map(([, call]) => ({
      id: call.id,
      type: "function",
      function: { name: call.name, arguments: call.arguments },
    }));
  reply.content = assistantContent(text, reply.toolCalls.length);
  return reply;
}
