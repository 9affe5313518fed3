import type { ChatChunk, ChatProvider } from "../../adapters/providers/index.js";
import { assembleChatChunks } from "../../adapters/providers/index.js";
import { defaultCatalog } from "../../core/catalog/index.js";
import { costFromUsage, type ModelCatalog, type Usage } from "../../core/cost/index.js";
import type { ChatMessage, ChatRequest } from "../../core/messages/index.js";
import { countChatTokens, countTextTokens } from "../../core/tokens/index.js";
import type { ChatCallResult, ChatCallStream, ChatClient } from "./chat-client.js";

export interface ProviderChatClientOptions {
  provider: ChatProvider;
  /** Where prices and tokenizers are looked up (default `defaultCatalog`). */
  catalog?: ModelCatalog;
}

/** Routing prefixes the catalog understands but a provider's API does not. */
const ROUTING_PREFIX = /^(openai|anthropic|gemini|google|ollama)\//i;

/**
 * A {@link ChatClient} over one provider adapter, pricing each call with the catalog. It has no
 * retry, cache or fallback: use `createClient` for those. When a server streams no usage (an
 * OpenAI-compatible server that ignores `stream_options`), the usage is counted locally with
 * the model's tokenizer.
 *
 * @example
 * ```ts
 * const client = createProviderChatClient({
 *   provider: createOpenAICompatibleProvider({ baseUrl: "http://127.0.0.1:8787/v1" }),
 * });
 * const chat = await createChat({ client, model: "gpt-4o-mini", budget: usd("0.50") });
 * ```
 */
export function createProviderChatClient(options: ProviderChatClientOptions): ChatClient {
  const { provider } = options;
  const catalog = options.catalog ?? defaultCatalog;
  const toProvider = (request: ChatRequest): ChatRequest => ({
    ...request,
    model: request.model.replace(ROUTING_PREFIX, ""),
  });
  const priced = (request: ChatRequest, message: ChatMessage, usage: Usage, modelUsed?: string) => {
    const result: ChatCallResult = {
      message,
      usage,
      cost: { total: costFromUsage(request.model, usage, { catalog }).total },
    };
    if (modelUsed !== undefined) result.modelUsed = modelUsed;
    return result;
  };

  return {
    async chat(request, callOptions) {
      const result = await provider.chat(toProvider(request), callOptions);
      return priced(request, result.message, result.usage, result.model);
    },
    streamChat(request, callOptions): ChatCallStream {
      let settle: { resolve(value: ChatCallResult): void; reject(error: unknown): void };
      const result = new Promise<ChatCallResult>((resolve, reject) => {
        settle = { resolve, reject };
      });
      // A caller that only iterates must not see an unhandled rejection of `result`.
      result.catch(() => undefined);
      async function* chunks(): AsyncGenerator<ChatChunk> {
        const received: ChatChunk[] = [];
        try {
          for await (const chunk of provider.streamChat(toProvider(request), callOptions)) {
            received.push(chunk);
            yield chunk;
          }
          const reply = assembleChatChunks(received);
          const message: ChatMessage = { role: "assistant", content: reply.content };
          if (reply.toolCalls.length > 0) message.tool_calls = reply.toolCalls;
          const usage = reply.usage ?? countedUsage(request, message, catalog);
          settle.resolve(priced(request, message, usage, reply.model));
        } catch (error) {
          settle.reject(error);
          throw error;
        }
      }
      return Object.assign(chunks(), { result });
    },
  };
}

function countedUsage(request: ChatRequest, reply: ChatMessage, catalog: ModelCatalog): Usage {
  const model = catalog.get(request.model);
  const input = countChatTokens(request.messages, { tokenizer: model.tokenizer, model: model.id });
  const text = typeof reply.content === "string" ? reply.content : "";
  return {
    inputTokens: input.tokens,
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    outputTokens: countTextTokens(text, model.tokenizer).tokens,
    reasoningTokens: 0,
  };
}
