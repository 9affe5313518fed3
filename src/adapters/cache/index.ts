export { canonicalJson } from "./canonical-json.js";
export { decodeEmbedding, type EmbeddingDerivation, encodeEmbedding } from "./embedding-bytes.js";
export {
  createEmbeddingCache,
  type EmbeddingCache,
  type EmbeddingCacheOptions,
  type EmbedManyResult,
  type TooLongPolicy,
} from "./embedding-cache.js";
export { embeddingCacheKey } from "./embedding-cache-key.js";
export { type CacheabilityOptions, isCacheableRequest } from "./is-cacheable-request.js";
export {
  type CachedResponse,
  createResponseCache,
  type ResponseCache,
  type ResponseCacheOptions,
  type StoredResponse,
} from "./response-cache.js";
export { type ResponseCacheKeyOptions, responseCacheKey } from "./response-cache-key.js";
export {
  type CountTokens,
  splitByTokens,
  type TokenChunk,
  truncateToTokens,
} from "./split-by-tokens.js";
