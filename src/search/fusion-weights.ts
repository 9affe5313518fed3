/**
 * How much each ranking counts in hybrid search. Equal-weight reciprocal rank fusion assumes
 * both rankings are about as good; with the offline embedder they are not, and it made hybrid
 * worse than keyword alone on the labelled README/licence fixture (recall@5 0.883 against
 * 0.932). Hybrid therefore fuses scores normalised by each ranking's best score
 * ({@link fuseByScore}), with the offline embedder's semantic ranking weighted 0.5.
 *
 * Calibration (bench/search/calibrate-fusion.mjs): on the "calibration" half of the man-page
 * questions (bench/search/man-queries.json) and on the labelled fixture, over rank fusion
 * (k ∈ {0, 1, 5, 10, 20, 60}, semantic weight 0.1-1) and score fusion (best-score, min-max and
 * z-score normalisation, semantic share 0.1-0.6), keeping only settings never below keyword on
 * either set. Best-score normalisation with a semantic weight of 0.43-0.67 (share 0.3-0.4)
 * was the stable choice; 0.5 sits in the middle. BENCHMARKS.md reports it on the other half of
 * the man-page questions and on the package-documentation corpus, neither used here.
 *
 * API embedders, whose rankings are usually as strong as BM25 or stronger, keep equal weights:
 * that has not been measured here (no API access in the benchmark), so pass `weights` to tune
 * it for your model.
 */
import { OFFLINE_EMBEDDING_MODEL } from "../embeddings/offline-embedder.js";
import { invalidInput } from "../errors/index.js";

export interface FusionWeights {
  keyword: number;
  semantic: number;
}

/** The semantic ranking's weight for the offline embedder (see the module comment). */
export const OFFLINE_SEMANTIC_WEIGHT = 0.5;

/**
 * The weights hybrid search uses for an index built with `model`, unless told otherwise.
 *
 * @example
 * ```ts
 * defaultFusionWeights("tokenwise-offline-glove-100d"); // { keyword: 1, semantic: 0.5 }
 * defaultFusionWeights("text-embedding-3-small"); // { keyword: 1, semantic: 1 }
 * ```
 */
export function defaultFusionWeights(model: string): FusionWeights {
  return { keyword: 1, semantic: model === OFFLINE_EMBEDDING_MODEL ? OFFLINE_SEMANTIC_WEIGHT : 1 };
}

/**
 * Fills in and checks weights a caller gave, naming the field that is wrong.
 *
 * @example
 * ```ts
 * resolveFusionWeights({ semantic: 0.3 }, "text-embedding-3-small"); // { keyword: 1, semantic: 0.3 }
 * ```
 */
export function resolveFusionWeights(
  given: Partial<FusionWeights> | undefined,
  model: string,
): FusionWeights {
  const weights = { ...defaultFusionWeights(model), ...given };
  for (const key of ["keyword", "semantic"] as const) {
    const weight = weights[key];
    if (typeof weight !== "number" || !Number.isFinite(weight) || weight < 0) {
      throw invalidInput(
        `weights.${key}`,
        `must be a finite number >= 0 (1 counts fully, 0 only breaks ties), got ${String(weight)}`,
      );
    }
  }
  if (weights.keyword === 0 && weights.semantic === 0) {
    throw invalidInput("weights", "must give at least one ranking a weight above 0");
  }
  return weights;
}
