export { createBpeTokenizer } from "./bpe/index.js";
export {
  type ChunkByTokensOptions,
  chunkByTokens,
  type TextChunk,
} from "./chunk-by-tokens.js";
export {
  type ChatTokenBreakdown,
  type ChatTokenCount,
  type ChatTokenCountOptions,
  countChatTokens,
} from "./count-chat-tokens.js";
export { countTextTokens } from "./count-text-tokens.js";
export {
  CLAUDE_TOKENS_PER_O200K_TOKEN,
  type EstimatedTokenizerName,
  GEMINI_CHARACTERS_PER_TOKEN,
} from "./estimated-tokenizers.js";
export {
  type FitChatHistoryOptions,
  type FittedChatHistory,
  fitChatHistory,
} from "./fit-chat-history.js";
export { createGptTokenizer } from "./gpt-tokenizer-engine.js";
export {
  countImageTokens,
  GPT_4O_IMAGE_TOKENS,
  type ImageTokenCount,
  type ImageTokenRates,
  openAiTileCount,
} from "./image-tokens.js";
export {
  defaultTokenizerFactory,
  ENCODING_NAMES,
  getTokenizer,
  isEncodingName,
  isTokenizerName,
  resolveTokenizer,
  setTokenizerImplementation,
  TOKENIZER_NAMES,
  type TokenizerFactory,
} from "./registry.js";
export { isSafeCut, lastSafeCut } from "./safe-cut.js";
export {
  createStreamingTokenCounter,
  type StreamedTokenCounts,
  type StreamingTokenCounter,
  type StreamingTokenCounterOptions,
} from "./streaming-token-counter.js";
export type { TokenCount } from "./token-count.js";
export { isWithinTokenLimit } from "./token-limit.js";
export type { EncodingName, Tokenizer, TokenizerName } from "./tokenizer.js";
export {
  DEFAULT_TRUNCATION_MARKER,
  type TruncatedText,
  type TruncateTextOptions,
  type TruncationStrategy,
  truncateText,
} from "./truncate-text.js";
export { utf8ByteLength } from "./utf8-byte-length.js";
