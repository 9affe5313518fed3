export {
  arrangeForAttention,
  type FindMostSimilarOptions,
  findMostSimilar,
  type RankedDocument,
  rankByRelevance,
} from "./find-most-similar.js";
export { toFtsQuery } from "./fts-query.js";
export {
  DEFAULT_FUSION_WEIGHTS,
  type FusionWeights,
  resolveFusionWeights,
} from "./fusion-weights.js";
export { type IgnoreRule, isIgnored, parseIgnoreRules } from "./ignore-rules.js";
export type { IndexCounts, IndexSettings } from "./index-database.js";
export {
  createIndexEmbedder,
  EMBEDDING_CACHE_TABLE,
  type IndexEmbedder,
  type IndexEmbedderOptions,
} from "./index-embedder.js";
export {
  DEFAULT_BATCH_CHUNKS,
  DEFAULT_CHUNK_TOKENS,
  DEFAULT_MAX_FILE_BYTES,
  DEFAULT_OVERLAP_TOKENS,
  type IndexPathsOptions,
  type IndexProgress,
  type IndexReport,
} from "./index-paths.js";
export { mixedEmbeddingsError } from "./mixed-embeddings-error.js";
export {
  DEFAULT_RRF_K,
  type FusedItem,
  type ReciprocalRankFusionOptions,
  reciprocalRankFusion,
} from "./reciprocal-rank-fusion.js";
export { fuseByScore, type ScoredRanking, type ScoreFusedItem } from "./score-fusion.js";
export {
  FUSION_METHODS,
  type FusionMethod,
  type OpenSearchIndexOptions,
  openSearchIndex,
  SEARCH_MODES,
  type SearchHit,
  SearchIndex,
  type SearchMode,
  type SearchOptions,
  type SearchResponse,
} from "./search-index.js";
export { makeSnippet, type Snippet } from "./snippet.js";
export { type SkippedFile, type SkipReason, type WalkResult, walkFiles } from "./walk-files.js";
