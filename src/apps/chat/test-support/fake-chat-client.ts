import type { ChatChunk } from "../../../adapters/providers/index.js";
import { defaultCatalog } from "../../../core/catalog/index.js";
import { costFromUsage, type ModelCatalog, type Usage } from "../../../core/cost/index.js";
import { TokenwiseError } from "../../../core/errors/index.js";
import type { ChatRequest } from "../../../core/messages/index.js";
import {
  countChatTokens,
  countTextTokens,
  getTokenizer,
  isEncodingName,
} from "../../../core/tokens/index.js";
import type { ChatCallResult, ChatCallStream, ChatClient } from "../chat-client.js";

export interface RecordedChatCall {
  method: "chat" | "streamChat";
  request: ChatRequest;
  /** Input tokens the fake billed (the request counted with the model's tokenizer). */
  inputTokens: number;
}

export interface FakeChatClientOptions {
  catalog?: ModelCatalog;
  /** The reply text for a request; default "Reply N" (N counts calls from 1). */
  reply?: (request: ChatRequest, callNumber: number) => string;
  /** Extra usage reported on every call (cached input and reasoning tokens). */
  cachedInputTokens?: number;
  reasoningTokens?: number;
  /** Streamed calls: after this many chunks, wait until the signal aborts. */
  hangAfterChunks?: number;
}

export interface FakeChatClient extends ChatClient {
  readonly calls: RecordedChatCall[];
  /** Calls whose request is a running-summary request. */
  summaryCalls(): RecordedChatCall[];
  /** Resolves once a streamed call has yielded `hangAfterChunks` chunks and is waiting. */
  waitingForAbort(): Promise<void>;
}

/**
 * A `ChatClient` that records every request and answers at once: usage counted with the
 * model's tokenizer (output cut at the request's limit, as a provider does), priced with the
 * catalog. Streams yield one chunk per word.
 */
export function createFakeChatClient(options: FakeChatClientOptions = {}): FakeChatClient {
  const catalog = options.catalog ?? defaultCatalog;
  const calls: RecordedChatCall[] = [];
  let signalWaiting: () => void = () => undefined;
  const waiting = new Promise<void>((resolve) => {
    signalWaiting = resolve;
  });

  const answer = (method: RecordedChatCall["method"], request: ChatRequest) => {
    const model = catalog.get(request.model);
    const inputTokens = countChatTokens(request.messages, {
      tokenizer: model.tokenizer,
      model: model.id,
    }).tokens;
    calls.push({ method, request: structuredClone(request), inputTokens });
    const limit = request.max_completion_tokens ?? request.max_tokens ?? model.maxOutputTokens;
    const text = cutToTokens(options.reply?.(request, calls.length) ?? `Reply ${calls.length}`, {
      tokenizer: model.tokenizer,
      maxTokens: limit - (options.reasoningTokens ?? 0),
    });
    const reasoningTokens = options.reasoningTokens ?? 0;
    const usage: Usage = {
      inputTokens,
      cachedInputTokens: Math.min(options.cachedInputTokens ?? 0, inputTokens),
      cacheWriteTokens: 0,
      outputTokens: countTextTokens(text, model.tokenizer).tokens + reasoningTokens,
      reasoningTokens,
    };
    const result: ChatCallResult = {
      message: { role: "assistant", content: text },
      usage,
      cost: { total: costFromUsage(model, usage, { catalog }).total },
    };
    return { result, text };
  };

  return {
    calls,
    summaryCalls: () => calls.filter(isSummaryCall),
    waitingForAbort: () => waiting,
    async chat(request, callOptions) {
      if (callOptions?.signal?.aborted) throw abortError(undefined, "");
      return answer("chat", request).result;
    },
    streamChat(request, callOptions): ChatCallStream {
      const { result, text } = answer("streamChat", request);
      let settle: { resolve(value: ChatCallResult): void; reject(error: unknown): void };
      const promise = new Promise<ChatCallResult>((resolve, reject) => {
        settle = { resolve, reject };
      });
      promise.catch(() => undefined);
      const pieces = text.match(/\s*\S+/g) ?? [];
      async function* chunks(): AsyncGenerator<ChatChunk> {
        let sent = "";
        for (const [index, piece] of pieces.entries()) {
          if (index === options.hangAfterChunks) {
            signalWaiting();
            await new Promise<void>((resolve) => {
              callOptions?.signal?.addEventListener("abort", () => resolve(), { once: true });
            });
          }
          if (callOptions?.signal?.aborted) {
            const error = abortError(undefined, sent);
            settle.reject(error);
            throw error;
          }
          sent += piece;
          yield { text: piece };
        }
        yield { finishReason: "stop", usage: result.usage };
        settle.resolve(result);
      }
      return Object.assign(chunks(), { result: promise });
    },
  };
}

/** True for a request the chat made to fold turns into its running summary. */
export function isSummaryCall(call: RecordedChatCall): boolean {
  const first = call.request.messages[0];
  return (
    typeof first?.content === "string" && first.content.startsWith("You keep a running summary")
  );
}

function abortError(usage: Usage | undefined, partialText: string): TokenwiseError {
  return new TokenwiseError("aborted", "The fake call was aborted by the caller.", {
    details: { usage, partialText },
  });
}

function cutToTokens(text: string, options: { tokenizer: string; maxTokens: number }): string {
  if (!isEncodingName(options.tokenizer)) return text;
  const tokenizer = getTokenizer(options.tokenizer);
  const tokens = tokenizer.encode(text);
  if (tokens.length <= options.maxTokens) return text;
  return tokenizer.decode(tokens.slice(0, Math.max(0, options.maxTokens)));
}
