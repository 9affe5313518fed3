/**
 * How the mock writes OpenAI Responses API replies and stream events. Errors use the OpenAI
 * error body (see `openai-format.ts`), as the real endpoint does.
 */
import type { MockReply, ReplyContext } from "./mock-reply.js";
import { openAIErrorBody } from "./openai-format.js";

function usageOf(reply: MockReply): Record<string, unknown> {
  const output = reply.usage.visibleOutputTokens + reply.usage.reasoningTokens;
  return {
    input_tokens: reply.usage.inputTokens,
    input_tokens_details: { cached_tokens: reply.usage.cachedInputTokens },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: reply.usage.reasoningTokens },
    total_tokens: reply.usage.inputTokens + output,
  };
}

function messageItem(context: ReplyContext, text: string) {
  return {
    type: "message",
    id: `msg_mock_${context.requestNumber}`,
    status: "completed",
    role: "assistant",
    content: [{ type: "output_text", text, annotations: [], logprobs: [] }],
  };
}

function functionCallItem(
  context: ReplyContext,
  call: MockReply["toolCalls"][number],
  index: number,
  argumentsJson: string,
) {
  return {
    type: "function_call",
    id: `fc_mock_${context.requestNumber}_${index}`,
    call_id: `call_mock_${context.requestNumber}_${index}`,
    name: call.name,
    arguments: argumentsJson,
    status: "completed",
  };
}

function outputOf(reply: MockReply, context: ReplyContext): unknown[] {
  const output: unknown[] = [];
  if (reply.text !== "" || reply.toolCalls.length === 0) {
    output.push(messageItem(context, reply.text));
  }
  reply.toolCalls.forEach((call, index) => {
    output.push(functionCallItem(context, call, index, call.argumentsJson));
  });
  return output;
}

function responseObject(
  reply: MockReply,
  context: ReplyContext,
  state: "in_progress" | "final",
): Record<string, unknown> {
  const incomplete = state === "final" && reply.finish === "length";
  return {
    id: `resp_mock_${context.requestNumber}`,
    object: "response",
    created_at: 1_700_000_000 + context.requestNumber,
    status: state === "in_progress" ? "in_progress" : incomplete ? "incomplete" : "completed",
    error: null,
    incomplete_details: incomplete ? { reason: "max_output_tokens" } : null,
    model: context.model,
    output: state === "in_progress" ? [] : outputOf(reply, context),
    parallel_tool_calls: true,
    store: false,
    usage: state === "in_progress" ? null : usageOf(reply),
  };
}

/**
 * A `response` object.
 *
 * @example
 * ```ts
 * responsesBody(reply, { model: "gpt-5", requestNumber: 1 }).status; // "completed"
 * ```
 */
export function responsesBody(reply: MockReply, context: ReplyContext): unknown {
  return responseObject(reply, context, "final");
}

/**
 * The event stream: `response.created`, `response.in_progress`, the message item (added, part
 * added, one `output_text.delta` per word, text done, item done), each function call (added,
 * arguments in two halves, done), then `response.completed` (or `response.incomplete` when
 * `max_output_tokens` cut the reply) with the usage. Every event has `event:` and a
 * `sequence_number`.
 */
export function responsesStreamFrames(reply: MockReply, context: ReplyContext): string[] {
  let sequence = 0;
  const frames: string[] = [];
  const emit = (type: string, payload: Record<string, unknown>) => {
    frames.push(
      `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...payload })}\n\n`,
    );
  };
  emit("response.created", { response: responseObject(reply, context, "in_progress") });
  emit("response.in_progress", { response: responseObject(reply, context, "in_progress") });
  let outputIndex = 0;
  if (reply.text !== "" || reply.toolCalls.length === 0) {
    const item = messageItem(context, reply.text);
    const itemId = item.id;
    const position = { item_id: itemId, output_index: outputIndex, content_index: 0 };
    emit("response.output_item.added", {
      output_index: outputIndex,
      item: { ...item, status: "in_progress", content: [] },
    });
    emit("response.content_part.added", {
      ...position,
      part: { type: "output_text", text: "", annotations: [] },
    });
    for (const piece of reply.pieces) {
      emit("response.output_text.delta", { ...position, delta: piece, logprobs: [] });
    }
    emit("response.output_text.done", { ...position, text: reply.text, logprobs: [] });
    emit("response.content_part.done", { ...position, part: item.content[0] });
    emit("response.output_item.done", { output_index: outputIndex, item });
    outputIndex++;
  }
  reply.toolCalls.forEach((call, index) => {
    const item = functionCallItem(context, call, index, call.argumentsJson);
    emit("response.output_item.added", {
      output_index: outputIndex,
      item: { ...item, arguments: "", status: "in_progress" },
    });
    const half = Math.ceil(call.argumentsJson.length / 2);
    for (const part of [call.argumentsJson.slice(0, half), call.argumentsJson.slice(half)]) {
      if (part === "") continue;
      emit("response.function_call_arguments.delta", {
        item_id: item.id,
        output_index: outputIndex,
        delta: part,
      });
    }
    emit("response.function_call_arguments.done", {
      item_id: item.id,
      output_index: outputIndex,
      arguments: call.argumentsJson,
    });
    emit("response.output_item.done", { output_index: outputIndex, item });
    outputIndex++;
  });
  const final = responseObject(reply, context, "final");
  emit(final.status === "incomplete" ? "response.incomplete" : "response.completed", {
    response: final,
  });
  return frames;
}

/** An `error` event, as the Responses stream reports a failure mid-response. */
export function responsesStreamErrorFrame(status: number, message: string): string {
  const { error } = openAIErrorBody(status, message) as { error: Record<string, unknown> };
  const payload = { type: "error", code: error.code ?? error.type, message, param: null };
  return `event: error\ndata: ${JSON.stringify(payload)}\n\n`;
}
