/** How the mock writes Gemini generateContent replies, stream chunks and errors. */
import type { MockReply, ReplyContext } from "./mock-reply.js";

const GEMINI_STATUSES: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

/**
 * @example
 * ```ts
 * geminiErrorBody(429, "Resource has been exhausted");
 * // { error: { code: 429, message: "...", status: "RESOURCE_EXHAUSTED" } }
 * ```
 */
export function geminiErrorBody(status: number, message: string): unknown {
  return { error: { code: status, message, status: GEMINI_STATUSES[status] ?? "UNKNOWN" } };
}

/** The error Gemini returns when the prompt does not fit. */
export function geminiContextErrorBody(inputTokens: number, maxInputTokens: number): unknown {
  return geminiErrorBody(
    400,
    `The input token count (${inputTokens}) exceeds the maximum number of tokens allowed (${maxInputTokens}).`,
  );
}

function finishReason(reply: MockReply): string {
  return reply.finish === "length" ? "MAX_TOKENS" : "STOP";
}

function usageMetadata(reply: MockReply, visibleSoFar: number): Record<string, unknown> {
  const { inputTokens, cachedInputTokens, reasoningTokens } = reply.usage;
  return {
    promptTokenCount: inputTokens,
    ...(visibleSoFar > 0 ? { candidatesTokenCount: visibleSoFar } : {}),
    totalTokenCount: inputTokens + visibleSoFar + reasoningTokens,
    ...(cachedInputTokens > 0 ? { cachedContentTokenCount: cachedInputTokens } : {}),
    ...(reasoningTokens > 0 ? { thoughtsTokenCount: reasoningTokens } : {}),
  };
}

/** Gemini 3 signs the first function call of a turn; the mock does too, to test replays. */
function functionCallParts(reply: MockReply, context: ReplyContext): unknown[] {
  return reply.toolCalls.map((call, index) => ({
    functionCall: { name: call.name, args: JSON.parse(call.argumentsJson) },
    ...(index === 0 ? { thoughtSignature: `mock-signature-${context.requestNumber}` } : {}),
  }));
}

/** A `GenerateContentResponse`. */
export function geminiResponseBody(reply: MockReply, context: ReplyContext): unknown {
  const parts: unknown[] = [];
  if (reply.text !== "" || reply.toolCalls.length === 0) parts.push({ text: reply.text });
  parts.push(...functionCallParts(reply, context));
  return {
    candidates: [
      { content: { role: "model", parts }, finishReason: finishReason(reply), index: 0 },
    ],
    usageMetadata: usageMetadata(reply, reply.usage.visibleOutputTokens),
    modelVersion: context.model,
    responseId: `mock-response-${context.requestNumber}`,
  };
}

/**
 * SSE chunks: one per text piece with running usage, one per function call, then a last chunk
 * with the finish reason and the final usage.
 */
export function geminiStreamFrames(reply: MockReply, context: ReplyContext): string[] {
  const chunk = (parts: unknown[], visibleSoFar: number, final: boolean) =>
    `data: ${JSON.stringify({
      candidates: [
        {
          content: { role: "model", parts },
          ...(final ? { finishReason: finishReason(reply) } : {}),
          index: 0,
        },
      ],
      usageMetadata: usageMetadata(reply, visibleSoFar),
      modelVersion: context.model,
      responseId: `mock-response-${context.requestNumber}`,
    })}\r\n\r\n`;
  const frames: string[] = [];
  let textSoFar = "";
  for (const piece of reply.pieces) {
    textSoFar += piece;
    frames.push(chunk([{ text: piece }], Math.ceil(textSoFar.length / 4), false));
  }
  for (const part of functionCallParts(reply, context)) {
    frames.push(chunk([part], Math.ceil(textSoFar.length / 4), false));
  }
  frames.push(chunk([{ text: "" }], reply.usage.visibleOutputTokens, true));
  return frames;
}

/** An error written inside a Gemini stream. */
export function geminiStreamErrorFrame(status: number, message: string): string {
  return `data: ${JSON.stringify(geminiErrorBody(status, message))}\r\n\r\n`;
}
