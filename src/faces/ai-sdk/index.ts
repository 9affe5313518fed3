export { countingRequest } from "./prompt-messages.js";
export { type AiSdkCache, type AiSdkCacheOptions, createAiSdkCache } from "./result-cache.js";
export { createStreamCollector, replayStream, type StreamCollector } from "./stream-parts.js";
export {
  type TokenwiseMiddleware,
  type TokenwiseMiddlewareOptions,
  tokenwiseMiddleware,
} from "./tokenwise-middleware.js";
export { usageFromAiSdk } from "./usage-from-ai-sdk.js";
