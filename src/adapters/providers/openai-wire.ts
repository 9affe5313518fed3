/**
 * OpenAI Chat Completions on the wire. Requests are already in this shape, so translation is
 * mostly about the streaming flags; responses and stream chunks become tokenwise results.
 */

import type { Usage } from "../../core/cost/index.js";
import type { ChatRequest, ToolCall } from "../../core/messages/index.js";
import { type ChatStreamDecoder, StreamPayloadError } from "./chat-stream.js";
import { assistantMessage } from "./chat-text.js";
import { asRecord } from "./json-record.js";
import { adaptOpenAIRequest } from "./openai-model-parameters.js";
import { malformedReplyError } from "./provider-error.js";
import type { ChatChunk, ChatResult, FinishReason } from "./types.js";
import { emptyUsage, usageFromOpenAIWire } from "./wire-usage.js";

/**
 * The request body for POST /chat/completions. Streaming always asks for the final usage chunk
 * (`stream_options.include_usage`), which is how a streamed call gets billed exactly. Reasoning
 * models get `max_completion_tokens` and no sampling parameters (see `adaptOpenAIRequest`).
 *
 * @example
 * ```ts
 * toOpenAIChatBody({ model: "gpt-4o-mini", messages }, { stream: true });
 * // { model, messages, stream: true, stream_options: { include_usage: true } }
 * ```
 */
export function toOpenAIChatBody(
  request: ChatRequest,
  options: { stream: boolean },
): Record<string, unknown> {
  const { stream: _stream, stream_options: streamOptions, ...rest } = adaptOpenAIRequest(request);
  if (!options.stream) return { ...rest };
  return { ...rest, stream: true, stream_options: { ...streamOptions, include_usage: true } };
}

/**
 * Maps OpenAI's `finish_reason` (`function_call` is the legacy name of `tool_calls`).
 */
export function finishReasonFromOpenAI(reason: unknown): FinishReason {
  switch (reason) {
    case "stop":
      return "stop";
    case "length":
      return "length";
    case "tool_calls":
    case "function_call":
      return "tool_calls";
    case "content_filter":
      return "content_filter";
    default:
      return "other";
  }
}

/**
 * A chat completion response as a {@link ChatResult}; the first choice is the reply.
 *
 * @example
 * ```ts
 * const result = fromOpenAIChatResponse(await response.json(), "openai");
 * result.usage.cachedInputTokens;
 * ```
 */
export function fromOpenAIChatResponse(body: unknown, provider: string): ChatResult {
  const response = asRecord(body);
  const choices = Array.isArray(response.choices) ? response.choices : [];
  const choice = asRecord(choices[0]);
  if (choices.length === 0) {
    throw malformedReplyError({
      provider,
      message: `${provider} returned a reply without choices.`,
      providerMessage: "no choices",
    });
  }
  const message = asRecord(choice.message);
  const toolCalls = (Array.isArray(message.tool_calls) ? message.tool_calls : []).map(
    (call): ToolCall => {
      const record = asRecord(call);
      const fn = asRecord(record.function);
      return {
        id: String(record.id ?? ""),
        type: "function",
        function: { name: String(fn.name ?? ""), arguments: String(fn.arguments ?? "") },
      };
    },
  );
  const text =
    typeof message.content === "string"
      ? message.content
      : typeof message.refusal === "string"
        ? message.refusal
        : "";
  return {
    id: String(response.id ?? ""),
    model: String(response.model ?? ""),
    provider,
    message: assistantMessage(text, toolCalls),
    finishReason: finishReasonFromOpenAI(choice.finish_reason),
    usage: usageFromOpenAIWire(response.usage, provider) ?? emptyUsage(),
  };
}

/**
 * Decodes `data: {chunk}` lines until `data: [DONE]`. Only the first choice is followed.
 * Usage arrives in a last chunk with empty `choices` (requested with `include_usage`).
 */
export function createOpenAIStreamDecoder(provider: string): ChatStreamDecoder {
  let complete = false;
  let usage: Usage | undefined;
  let finishReason: FinishReason | undefined;
  let id: string | undefined;
  let model: string | undefined;
  return {
    get complete() {
      return complete;
    },
    stopsAtTerminalEvent: true,
    usage: () => usage,
    finalChunk: () => ({
      finishReason: finishReason ?? "other",
      ...(usage !== undefined ? { usage } : {}),
      ...(id !== undefined ? { id } : {}),
      ...(model !== undefined ? { model } : {}),
    }),
    handle(event) {
      if (event.data.trim() === "[DONE]") {
        complete = true;
        return [];
      }
      const chunk = asRecord(JSON.parse(event.data));
      if (chunk.error !== undefined && chunk.error !== null) {
        throw new StreamPayloadError(chunk, statusOfStreamError(chunk.error));
      }
      if (typeof chunk.id === "string") id = chunk.id;
      if (typeof chunk.model === "string") model = chunk.model;
      const chunkUsage = usageFromOpenAIWire(chunk.usage, provider);
      if (chunkUsage) usage = chunkUsage;
      const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
      const choice = choices.map(asRecord).find((entry) => (entry.index ?? 0) === 0);
      if (!choice) return [];
      if (choice.finish_reason !== null && choice.finish_reason !== undefined) {
        finishReason = finishReasonFromOpenAI(choice.finish_reason);
      }
      const delta = asRecord(choice.delta);
      const out: ChatChunk = {};
      if (typeof delta.content === "string" && delta.content !== "") out.text = delta.content;
      // A refusal streams in its own field; the non-streamed reply returns it as the content.
      if (typeof delta.refusal === "string" && delta.refusal !== "") {
        out.text = (out.text ?? "") + delta.refusal;
      }
      if (Array.isArray(delta.tool_calls) && delta.tool_calls.length > 0) {
        out.toolCalls = delta.tool_calls.map((call) => {
          const record = asRecord(call);
          const fn = asRecord(record.function);
          return {
            index: typeof record.index === "number" ? record.index : 0,
            ...(typeof record.id === "string" ? { id: record.id } : {}),
            ...(typeof fn.name === "string" ? { name: fn.name } : {}),
            ...(typeof fn.arguments === "string" ? { argumentsDelta: fn.arguments } : {}),
          };
        });
      }
      return out.text !== undefined || out.toolCalls !== undefined ? [out] : [];
    },
  };
}

function statusOfStreamError(error: unknown): number {
  const record = asRecord(error);
  if (typeof record.status === "number") return record.status;
  if (typeof record.code === "number") return record.code;
  if (record.code === "rate_limit_exceeded" || record.type === "rate_limit_error") return 429;
  return 500;
}
