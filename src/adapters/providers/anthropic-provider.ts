/**
 * Anthropic Messages API adapter (translation rules in `anthropic-wire.ts`). Anthropic has no
 * embeddings endpoint, so this provider has no `embed`.
 */

import type { ChatRequest } from "../../core/messages/index.js";
import {
  createAnthropicStreamDecoder,
  fromAnthropicMessage,
  toAnthropicCountTokensBody,
  toAnthropicMessagesBody,
} from "./anthropic-wire.js";
import { resolveApiKey } from "./api-key.js";
import { runChatStream } from "./chat-stream.js";
import { asRecord } from "./json-record.js";
import { malformedReplyError } from "./provider-error.js";
import {
  createRequestBuilder,
  type HttpProviderOptions,
  normalizeBaseUrl,
} from "./provider-options.js";
import { postJsonForJson } from "./provider-request.js";
import type { CallOptions, ChatChunk, ChatProvider, ChatResult } from "./types.js";
import { validateChatRequest } from "./validate-request.js";

export const ANTHROPIC_BASE_URL = "https://api.anthropic.com";

export interface AnthropicProviderOptions extends HttpProviderOptions {
  /** The `anthropic-version` header; default "2023-06-01". */
  anthropicVersion?: string;
  /** `max_tokens` when a request sets none (Anthropic requires it); default 4096. */
  defaultMaxTokens?: number;
}

/**
 * @example
 * ```ts
 * const anthropic = createAnthropicProvider(); // ANTHROPIC_API_KEY from the environment
 * const result = await anthropic.chat({ model: "claude-haiku-4-5", messages: [{ role: "user", content: "Hi" }] });
 * const inputTokens = await anthropic.countTokens?.({ model: "claude-haiku-4-5", messages });
 * ```
 */
export function createAnthropicProvider(
  options: AnthropicProviderOptions = {},
): ChatProvider & Required<Pick<ChatProvider, "countTokens">> {
  const name = "anthropic";
  const baseUrl = normalizeBaseUrl(options.baseUrl ?? ANTHROPIC_BASE_URL);
  const apiKey = resolveApiKey({
    provider: name,
    explicit: options.apiKey,
    envVars: ["ANTHROPIC_API_KEY"],
    required: true,
  });
  const request = createRequestBuilder({
    provider: name,
    baseUrl,
    apiKey,
    options,
    headers: {
      "x-api-key": apiKey ?? "",
      "anthropic-version": options.anthropicVersion ?? "2023-06-01",
    },
  });
  const bodyOptions = { defaultMaxTokens: options.defaultMaxTokens };

  return {
    name,
    async chat(chatRequest: ChatRequest, call?: CallOptions): Promise<ChatResult> {
      validateChatRequest(chatRequest);
      const body = toAnthropicMessagesBody(chatRequest, { ...bodyOptions, stream: false });
      return fromAnthropicMessage(await postJsonForJson(request("v1/messages", body, call)), name);
    },
    streamChat(chatRequest: ChatRequest, call?: CallOptions): AsyncIterable<ChatChunk> {
      validateChatRequest(chatRequest);
      const body = toAnthropicMessagesBody(chatRequest, { ...bodyOptions, stream: true });
      return runChatStream({
        request: request("v1/messages", body, call),
        decoder: createAnthropicStreamDecoder(name),
      });
    },
    async countTokens(chatRequest: ChatRequest, call?: CallOptions): Promise<number> {
      validateChatRequest(chatRequest);
      const body = toAnthropicCountTokensBody(chatRequest);
      const response = asRecord(
        await postJsonForJson(request("v1/messages/count_tokens", body, call)),
      );
      if (typeof response.input_tokens !== "number") {
        throw malformedReplyError({
          provider: name,
          message: "anthropic answered count_tokens without input_tokens.",
          providerMessage: "no input_tokens",
        });
      }
      return response.input_tokens;
    },
  };
}
