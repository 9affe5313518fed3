/** How the mock writes OpenAI Chat Completions and Embeddings replies and errors. */
import type { MockReply, ReplyContext } from "./mock-reply.js";

const OPENAI_ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "invalid_request_error",
  403: "permission_error",
  404: "invalid_request_error",
  429: "requests",
};

/**
 * @example
 * ```ts
 * openAIErrorBody(429, "Rate limit reached", "rate_limit_exceeded");
 * ```
 */
export function openAIErrorBody(status: number, message: string, code?: string): unknown {
  return {
    error: {
      message,
      type: OPENAI_ERROR_TYPES[status] ?? "server_error",
      param: null,
      code:
        code ??
        (status === 401 ? "invalid_api_key" : status === 429 ? "rate_limit_exceeded" : null),
    },
  };
}

/** The error OpenAI returns when the prompt does not fit. */
export function openAIContextErrorBody(inputTokens: number, maxInputTokens: number): unknown {
  return openAIErrorBody(
    400,
    `This model's maximum context length is ${maxInputTokens} tokens. However, your messages resulted in ${inputTokens} tokens. Please reduce the length of the messages.`,
    "context_length_exceeded",
  );
}

function usageOf(reply: MockReply): Record<string, unknown> {
  const output = reply.usage.visibleOutputTokens + reply.usage.reasoningTokens;
  return {
    prompt_tokens: reply.usage.inputTokens,
    completion_tokens: output,
    total_tokens: reply.usage.inputTokens + output,
    prompt_tokens_details: { cached_tokens: reply.usage.cachedInputTokens, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: reply.usage.reasoningTokens,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function toolCallId(context: ReplyContext, index: number): string {
  return `call_mock_${context.requestNumber}_${index}`;
}

/** A `chat.completion` object. */
export function openAIChatBody(reply: MockReply, context: ReplyContext): unknown {
  return {
    id: `chatcmpl-mock-${context.requestNumber}`,
    object: "chat.completion",
    created: 1_700_000_000 + context.requestNumber,
    model: context.model,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: reply.text === "" && reply.toolCalls.length > 0 ? null : reply.text,
          refusal: null,
          ...(reply.toolCalls.length > 0
            ? {
                tool_calls: reply.toolCalls.map((call, index) => ({
                  id: toolCallId(context, index),
                  type: "function",
                  function: { name: call.name, arguments: call.argumentsJson },
                })),
              }
            : {}),
        },
        logprobs: null,
        finish_reason: reply.finish,
      },
    ],
    usage: usageOf(reply),
    system_fingerprint: "fp_tokenwise_mock",
  };
}

/**
 * `chat.completion.chunk` frames: role, text pieces, tool calls (name, then arguments in two
 * halves), the finish reason, the usage chunk when asked, then `[DONE]`.
 */
export function openAIStreamFrames(
  reply: MockReply,
  context: ReplyContext & { includeUsage: boolean },
): string[] {
  const base = {
    id: `chatcmpl-mock-${context.requestNumber}`,
    object: "chat.completion.chunk",
    created: 1_700_000_000 + context.requestNumber,
    model: context.model,
    system_fingerprint: "fp_tokenwise_mock",
  };
  const usageField = context.includeUsage ? { usage: null } : {};
  const chunk = (delta: unknown, finishReason: string | null = null) =>
    frame({
      ...base,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
      ...usageField,
    });
  const frames = [chunk({ role: "assistant", content: "", refusal: null })];
  for (const piece of reply.pieces) frames.push(chunk({ content: piece }));
  reply.toolCalls.forEach((call, index) => {
    frames.push(
      chunk({
        tool_calls: [
          {
            index,
            id: toolCallId(context, index),
            type: "function",
            function: { name: call.name, arguments: "" },
          },
        ],
      }),
    );
    const half = Math.ceil(call.argumentsJson.length / 2);
    for (const part of [call.argumentsJson.slice(0, half), call.argumentsJson.slice(half)]) {
      if (part !== "")
        frames.push(chunk({ tool_calls: [{ index, function: { arguments: part } }] }));
    }
  });
  frames.push(chunk({}, reply.finish));
  if (context.includeUsage) frames.push(frame({ ...base, choices: [], usage: usageOf(reply) }));
  frames.push("data: [DONE]\n\n");
  return frames;
}

/** An error written inside an OpenAI stream, as some servers do mid-response. */
export function openAIStreamErrorFrame(status: number, message: string): string {
  return frame(openAIErrorBody(status, message));
}

/**
 * An embeddings list; `order` lets the mock return items out of order, as the `index` field
 * allows, to prove clients sort by it.
 */
export function openAIEmbeddingsBody(options: {
  model: string;
  /** Float arrays, or base64 strings of their float32 bytes (`encoding_format: "base64"`). */
  vectors: Array<number[] | string>;
  order: number[];
  promptTokens: number;
}): unknown {
  return {
    object: "list",
    data: options.order.map((index) => ({
      object: "embedding",
      index,
      embedding: options.vectors[index],
    })),
    model: options.model,
    usage: { prompt_tokens: options.promptTokens, total_tokens: options.promptTokens },
  };
}

function frame(data: unknown): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}
