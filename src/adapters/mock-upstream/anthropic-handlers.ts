/**
 * Anthropic's Messages (`/v1/messages`) and token counting (`/v1/messages/count_tokens`)
 * endpoints: request reading and reply framing (see `anthropic-format.ts`).
 */
import {
  anthropicContextErrorBody,
  anthropicErrorBody,
  anthropicMessageBody,
  anthropicStreamErrorFrame,
  anthropicStreamFrames,
} from "./anthropic-format.js";
import { conversationFromAnthropic, MockRequestError } from "./mock-conversation.js";
import type { ChatEndpoint, CountTokensEndpoint, ErrorFraming } from "./mock-handler.js";

export const anthropicErrors: ErrorFraming = {
  errorBody: anthropicErrorBody,
  contextErrorBody: anthropicContextErrorBody,
};

/** Messages; like the real API it requires `max_tokens` (count_tokens does not). */
export const anthropicMessagesEndpoint: ChatEndpoint = {
  operation: "chat",
  alwaysStreams: false,
  conversation(body) {
    const conversation = conversationFromAnthropic(body);
    if (typeof body.max_tokens !== "number") {
      throw new MockRequestError("max_tokens: Field required");
    }
    return conversation;
  },
  replyBody: anthropicMessageBody,
  streamFrames: anthropicStreamFrames,
  streamErrorFrame: anthropicStreamErrorFrame,
};

export const anthropicCountTokensEndpoint: CountTokensEndpoint = {
  operation: "count_tokens",
  conversation: conversationFromAnthropic,
  countBody: (inputTokens) => ({ input_tokens: inputTokens }),
};
