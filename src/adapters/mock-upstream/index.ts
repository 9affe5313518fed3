export { defaultMockBehavior } from "./mock-behavior.js";
export { countConversationTokens } from "./mock-reply.js";
export { startMockUpstream } from "./mock-server.js";
export { countMockTokens } from "./mock-tokens.js";
export {
  DEFAULT_MOCK_UPSTREAM_PORT,
  type MockUpstreamCliOptions,
  runMockUpstreamCli,
} from "./mock-upstream-cli.js";
export {
  createPromptCache,
  type PromptCache,
  type PromptCacheUsage,
  type PromptCachingOptions,
} from "./prompt-cache.js";
export { pseudoEmbedding } from "./pseudo-embedding.js";
export type {
  MockBehavior,
  MockProvider,
  MockScriptStep,
  MockUpstream,
  MockUpstreamOptions,
  RecordedRequest,
} from "./types.js";
