import type {
  CallOptions,
  ChatChunk,
  ChatProvider,
  ChatResult,
} from "../../../adapters/providers/index.js";
import { RETRYABLE_STATUSES } from "../../../adapters/providers/index.js";
import type { Usage } from "../../../core/cost/index.js";
import { TokenwiseError } from "../../../core/errors/index.js";
import type { ChatRequest } from "../../../core/messages/index.js";

/** One scripted outcome; each call (chat or streamChat) consumes the next step. */
export type MockStep =
  /** chat() resolves with it (defaults filled in); streamChat() yields it as one text chunk. */
  | { kind: "result"; result?: Partial<ChatResult> }
  /** The call fails with `error` (streamChat: on the first `next()`). */
  | { kind: "error"; error: unknown }
  /**
   * streamChat() yields `chunks`, then throws `thenError` or hangs if asked, else ends.
   * chat() returns their text joined. If the signal aborts between chunks, it throws
   * "aborted" with `details.usage` = the usage so far (output tokens = chunks yielded).
   */
  | { kind: "stream"; chunks: ChatChunk[]; thenError?: unknown; thenHang?: boolean }
  /** Never answers: rejects with the signal's reason once it aborts, or never if `ignoreSignal`. */
  | { kind: "hang"; ignoreSignal?: boolean };

export interface RecordedCall {
  method: "chat" | "streamChat";
  request: ChatRequest;
  signal: AbortSignal | undefined;
}

export interface MockProvider extends ChatProvider {
  /** Every call, in order. */
  readonly calls: RecordedCall[];
  /** Steps not consumed yet. */
  remainingSteps(): number;
}

export const zeroUsage: Usage = {
  inputTokens: 0,
  cachedInputTokens: 0,
  cacheWriteTokens: 0,
  outputTokens: 0,
  reasoningTokens: 0,
};

/**
 * A scripted `ChatProvider` for tests: records calls and replays results, errors and stream
 * chunks instantly. A call with no step left throws, so a test cannot pass by accident.
 *
 * @example
 * ```ts
 * const provider = createMockProvider({ name: "openai", script: [{ kind: "error", error: mockHttpError(503) }, { kind: "result" }] });
 * ```
 */
export function createMockProvider({
  name = "mock",
  script,
}: {
  name?: string;
  script: MockStep[];
}): MockProvider {
  const steps = [...script];
  const calls: RecordedCall[] = [];

  const take = (method: RecordedCall["method"], request: ChatRequest, options?: CallOptions) => {
    calls.push({ method, request, signal: options?.signal });
    const step = steps.shift();
    if (step === undefined) {
      throw new Error(`mock provider "${name}": no scripted step left for call ${calls.length}`);
    }
    return step;
  };

  const resultOf = (request: ChatRequest, partial: Partial<ChatResult> = {}): ChatResult => ({
    id: `${name}-${calls.length}`,
    model: request.model,
    provider: name,
    message: { role: "assistant", content: "ok" },
    finishReason: "stop",
    usage: zeroUsage,
    ...partial,
  });

  return {
    name,
    calls,
    remainingSteps: () => steps.length,
    async chat(request, options) {
      const step = take("chat", request, options);
      switch (step.kind) {
        case "result":
          return resultOf(request, step.result);
        case "error":
          throw step.error;
        case "hang":
          return hang(options?.signal, step.ignoreSignal === true);
        case "stream": {
          if (step.thenError !== undefined) throw step.thenError;
          const text = step.chunks.map((chunk) => chunk.text ?? "").join("");
          return resultOf(request, { message: { role: "assistant", content: text } });
        }
      }
    },
    async *streamChat(request, options) {
      const step = take("streamChat", request, options);
      switch (step.kind) {
        case "result": {
          const result = resultOf(request, step.result);
          const content = result.message.content;
          yield {
            text: typeof content === "string" ? content : "",
            finishReason: result.finishReason,
            usage: result.usage,
          };
          return;
        }
        case "error":
          throw step.error;
        case "hang":
          return await hang(options?.signal, step.ignoreSignal === true);
        case "stream": {
          let yielded = 0;
          for (const chunk of step.chunks) {
            throwIfAborted(options?.signal, name, yielded);
            yield chunk;
            yielded += 1;
          }
          throwIfAborted(options?.signal, name, yielded);
          if (step.thenError !== undefined) throw step.thenError;
          if (step.thenHang === true) {
            await hang(options?.signal, false).catch(() => {
              throwIfAborted(options?.signal, name, yielded);
            });
          }
          return;
        }
      }
    },
  };
}

function throwIfAborted(signal: AbortSignal | undefined, provider: string, yielded: number): void {
  if (signal?.aborted !== true) return;
  throw new TokenwiseError("aborted", "mock stream aborted", {
    cause: signal.reason,
    details: { provider, retryable: false, usage: { ...zeroUsage, outputTokens: yielded } },
  });
}

function hang(signal: AbortSignal | undefined, ignoreSignal: boolean): Promise<never> {
  return new Promise<never>((_resolve, reject) => {
    if (ignoreSignal || signal === undefined) return;
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}

/**
 * A provider HTTP error shaped as the adapters throw it: "rate_limited" for 429, else
 * "provider_error", with `retryable` from the shared status list.
 *
 * @example
 * ```ts
 * mockHttpError(429, { retryAfterMs: 1000 });
 * ```
 */
export function mockHttpError(
  status: number,
  { provider = "mock", retryAfterMs }: { provider?: string; retryAfterMs?: number } = {},
): TokenwiseError {
  const details: Record<string, unknown> = {
    provider,
    status,
    retryable: RETRYABLE_STATUSES.has(status),
  };
  if (retryAfterMs !== undefined) details.retryAfterMs = retryAfterMs;
  return new TokenwiseError(status === 429 ? "rate_limited" : "provider_error", `HTTP ${status}`, {
    details,
  });
}

/** The error an adapter throws when the prompt does not fit the model's window. */
export function mockContextWindowError(provider = "mock"): TokenwiseError {
  return new TokenwiseError("context_window_exceeded", "prompt is too long", {
    details: { provider, status: 400, retryable: false },
  });
}
