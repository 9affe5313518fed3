/**
 * OpenAI's Responses API (`/v1/responses`): request reading and reply framing (see
 * `responses-format.ts`). Its errors are OpenAI's (`openAIErrors`).
 */

import { conversationFromResponses } from "./mock-conversation.js";
import type { ChatEndpoint } from "./mock-handler.js";
import {
  responsesBody,
  responsesStreamErrorFrame,
  responsesStreamFrames,
} from "./responses-format.js";

export const responsesEndpoint: ChatEndpoint = {
  operation: "chat",
  alwaysStreams: false,
  conversation: conversationFromResponses,
  replyBody: responsesBody,
  streamFrames: responsesStreamFrames,
  streamErrorFrame: responsesStreamErrorFrame,
};
