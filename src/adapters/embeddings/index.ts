export {
  type CachedEmbedder,
  type CachedEmbedderOptions,
  createCachedEmbedder,
} from "./cached-embedder.js";
export {
  type ConversionProgress,
  type ConvertWinkEmbeddingsOptions,
  convertWinkEmbeddings,
} from "./convert-wink-embeddings.js";
export { assertEmbedder, type Embedder, embedChecked } from "./embedder.js";
export { describeEmbeddingModel, type EmbeddingModelFacts } from "./embedding-model.js";
export {
  createOfflineEmbedder,
  OFFLINE_DIMENSIONS,
  OFFLINE_EMBEDDING_MODEL,
  OFFLINE_MODEL_NAMES,
  OFFLINE_VECTORS_FILE,
  type OfflineEmbedder,
  type OfflineEmbedderOptions,
} from "./offline-embedder.js";
export {
  createProviderEmbedder,
  type ProviderEmbedder,
  type ProviderEmbedderOptions,
  unknownDimensions,
} from "./provider-embedder.js";
export {
  describeEmbedderModel,
  embeddingModelId,
  type ResolveEmbedderOptions,
  resolveEmbedder,
} from "./resolve-embedder.js";
export { DEFAULT_SIF_SMOOTHING, sifWeightsByRank } from "./sif-weights.js";
export { Vocabulary } from "./vocabulary.js";
export {
  createWordVectorEmbedder,
  type WordVectorEmbedderOptions,
} from "./word-vector-embedder.js";
export {
  readWordVectorsFile,
  type WordVectors,
  writeWordVectorsFile,
} from "./word-vectors-file.js";
