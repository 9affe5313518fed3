export { TopKHeap } from "./top-k-heap.js";
export {
  type SimilarityMatch,
  type SimilarityMetric,
  type TopKSimilarOptions,
  topKSimilar,
  type VectorMatrix,
} from "./top-k-similar.js";
export { cosineSimilarity, dot, norm, normalize, type Vector } from "./vector-math.js";
