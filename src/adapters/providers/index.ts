export {
  ANTHROPIC_BASE_URL,
  type AnthropicProviderOptions,
  createAnthropicProvider,
} from "./anthropic-provider.js";
export { ANTHROPIC_DEFAULT_MAX_TOKENS } from "./anthropic-wire.js";
export { type AssembledReply, assembleChatChunks } from "./assemble-chat-chunks.js";
export {
  createGeminiProvider,
  GEMINI_BASE_URL,
  type GeminiProviderOptions,
} from "./gemini-provider.js";
export { SKIP_THOUGHT_SIGNATURE, THOUGHT_SIGNATURE_SEPARATOR } from "./gemini-wire.js";
export {
  createOpenAICompatibleProvider,
  OPENAI_BASE_URL,
  type OpenAICompatibleProviderOptions,
} from "./openai-compatible-provider.js";
export { adaptOpenAIRequest, isOpenAIReasoningModel } from "./openai-model-parameters.js";
export {
  createResponsesStreamDecoder,
  finishReasonFromResponses,
  fromResponsesResponse,
  type ResponsesFunctionTool,
  type ResponsesInputContent,
  type ResponsesInputItem,
  type ResponsesOutputItem,
  type ResponsesRequestBody,
  type ResponsesResponse,
  type ResponsesStreamEvent,
  type ResponsesUsage,
  toResponsesBody,
  toResponsesInput,
} from "./openai-responses-wire.js";
export { RETRYABLE_STATUSES } from "./provider-error.js";
export type { HttpProviderOptions } from "./provider-options.js";
export {
  createProvider,
  OLLAMA_BASE_URL,
  type ProviderKind,
  type ProviderSpec,
  parseModelReference,
  resolveModel,
} from "./provider-registry.js";
export type { FetchFunction } from "./provider-request.js";
export { retryAfterMsFromHeaders } from "./retry-after.js";
export type {
  CallOptions,
  ChatChunk,
  ChatProvider,
  ChatResult,
  EmbeddingRequest,
  EmbeddingResult,
  FinishReason,
} from "./types.js";
