/** How the mock writes Anthropic Messages replies, stream events and errors. */
import type { MockReply, ReplyContext } from "./mock-reply.js";

const ANTHROPIC_ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  529: "overloaded_error",
};

/**
 * @example
 * ```ts
 * anthropicErrorBody(529, "Overloaded");
 * // { type: "error", error: { type: "overloaded_error", message: "Overloaded" }, request_id: ... }
 * ```
 */
export function anthropicErrorBody(status: number, message: string): unknown {
  return {
    type: "error",
    error: { type: ANTHROPIC_ERROR_TYPES[status] ?? "api_error", message },
    request_id: "req_tokenwise_mock",
  };
}

/** The error Anthropic returns when the prompt does not fit. */
export function anthropicContextErrorBody(inputTokens: number, maxInputTokens: number): unknown {
  return anthropicErrorBody(
    400,
    `prompt is too long: ${inputTokens} tokens > ${maxInputTokens} maximum`,
  );
}

function stopReason(reply: MockReply): string {
  if (reply.finish === "tool_calls") return "tool_use";
  if (reply.finish === "length") return "max_tokens";
  return reply.stopSequence !== undefined ? "stop_sequence" : "end_turn";
}

function inputUsage(reply: MockReply): Record<string, number> {
  const { inputTokens, cachedInputTokens, cacheWriteTokens } = reply.usage;
  return {
    input_tokens: inputTokens - cachedInputTokens - cacheWriteTokens,
    cache_creation_input_tokens: cacheWriteTokens,
    cache_read_input_tokens: cachedInputTokens,
  };
}

function outputTokens(reply: MockReply): number {
  return reply.usage.visibleOutputTokens + reply.usage.reasoningTokens;
}

function toolUseId(context: ReplyContext, index: number): string {
  return `toolu_mock_${context.requestNumber}_${index}`;
}

/** A `message` object. */
export function anthropicMessageBody(reply: MockReply, context: ReplyContext): unknown {
  const content: unknown[] = [];
  if (reply.text !== "" || reply.toolCalls.length === 0)
    content.push({ type: "text", text: reply.text });
  reply.toolCalls.forEach((call, index) => {
    content.push({
      type: "tool_use",
      id: toolUseId(context, index),
      name: call.name,
      input: JSON.parse(call.argumentsJson),
    });
  });
  return {
    id: `msg_mock_${context.requestNumber}`,
    type: "message",
    role: "assistant",
    model: context.model,
    content,
    stop_reason: stopReason(reply),
    stop_sequence: reply.stopSequence ?? null,
    usage: { ...inputUsage(reply), output_tokens: outputTokens(reply) },
  };
}

/**
 * The event sequence: message_start, a text block (start, ping, deltas, stop), one tool_use
 * block per call (arguments as input_json_delta halves), message_delta, message_stop.
 */
export function anthropicStreamFrames(reply: MockReply, context: ReplyContext): string[] {
  const frames = [
    event("message_start", {
      type: "message_start",
      message: {
        id: `msg_mock_${context.requestNumber}`,
        type: "message",
        role: "assistant",
        model: context.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...inputUsage(reply), output_tokens: 1 },
      },
    }),
  ];
  let blockIndex = 0;
  if (reply.text !== "" || reply.toolCalls.length === 0) {
    frames.push(
      event("content_block_start", {
        type: "content_block_start",
        index: blockIndex,
        content_block: { type: "text", text: "" },
      }),
      event("ping", { type: "ping" }),
    );
    for (const piece of reply.pieces) {
      frames.push(
        event("content_block_delta", {
          type: "content_block_delta",
          index: blockIndex,
          delta: { type: "text_delta", text: piece },
        }),
      );
    }
    frames.push(event("content_block_stop", { type: "content_block_stop", index: blockIndex }));
    blockIndex++;
  }
  reply.toolCalls.forEach((call, callIndex) => {
    frames.push(
      event("content_block_start", {
        type: "content_block_start",
        index: blockIndex,
        content_block: {
          type: "tool_use",
          id: toolUseId(context, callIndex),
          name: call.name,
          input: {},
        },
      }),
    );
    const json = call.argumentsJson === "{}" ? "" : call.argumentsJson;
    const half = Math.ceil(json.length / 2);
    for (const part of [json.slice(0, half), json.slice(half)]) {
      frames.push(
        event("content_block_delta", {
          type: "content_block_delta",
          index: blockIndex,
          delta: { type: "input_json_delta", partial_json: part },
        }),
      );
    }
    frames.push(event("content_block_stop", { type: "content_block_stop", index: blockIndex }));
    blockIndex++;
  });
  frames.push(
    event("message_delta", {
      type: "message_delta",
      delta: { stop_reason: stopReason(reply), stop_sequence: reply.stopSequence ?? null },
      usage: { output_tokens: outputTokens(reply) },
    }),
    event("message_stop", { type: "message_stop" }),
  );
  return frames;
}

/** Anthropic's in-stream `error` event. */
export function anthropicStreamErrorFrame(status: number, message: string): string {
  const body = anthropicErrorBody(status, message) as { type: string; error: unknown };
  return event("error", { type: "error", error: body.error });
}

function event(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}
