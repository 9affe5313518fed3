/**
 * How much each ranking counts in hybrid search, and why the default is what it is.
 *
 * Equal-weight reciprocal rank fusion, the first hybrid default, treats rank 1 of a weak
 * ranking like rank 1 of a strong one; with the offline embedder it made hybrid worse than
 * keyword alone (recall@5 0.883 against 0.932 on the labelled fixture, 0.48 against 0.52 on the
 * held-out man-page questions). Hybrid now adds scores divided by each ranking's best score
 * ({@link fuseByScore}): a keyword match far ahead of the others keeps its lead, and the
 * semantic ranking decides only between keyword scores that are close.
 *
 * Calibration (bench/search/calibrate-fusion.mjs, on the "calibration" half of
 * bench/search/man-queries.json over 600 man pages and on the labelled fixture): of the 80
 * settings tried (rank fusion with k ∈ {0, 5, 20, 60} and semantic weights 0.2-1; score
 * fusion with best-score, min-max and z-score normalisation and semantic weights 0.2-1), best
 * score with equal weights was one of three never below keyword on either set (0.72 against
 * 0.60 on the man pages, 0.959 against 0.959 on the fixture), and the simplest. The "report"
 * half and the package-documentation corpus in test/ were not used; BENCHMARKS.md reports them.
 *
 * Late interaction (third ranking, embedders with `lateInteraction`, i.e. the offline one):
 * each candidate of the two lists is also scored by how well each query word finds a close
 * word in it (see Embedder.lateInteraction), and that ranking is fused the same way. Chosen
 * with bench/search/rerank-lab.mjs on the same two calibration sets: of 160 three-way settings
 * (semantic weight 0.5 or 1, late-interaction weight 0.2-1, cosine floor 0-0.7, best-score or
 * min-max normalisation, candidates from both lists or keyword's top 10), 130 were never below
 * keyword, none passed 0.76 on the man pages, and 24 reached 0.76 there and 0.986 on the
 * fixture (two-way: 0.76 and 0.959); equal weights with no floor and best-score normalisation
 * is the simplest of those 24. Re-ranking keyword's top N, late interaction in place of the semantic
 * ranking, and pseudo-relevance feedback (Rocchio or keyword expansion) did no better there.
 */
import { invalidInput } from "../../core/errors/index.js";

export interface FusionWeights {
  keyword: number;
  semantic: number;
  /** The late-interaction ranking, used only with an embedder that has `lateInteraction`. */
  lateInteraction: number;
}

/** The calibrated default (see the module comment). */
export const DEFAULT_FUSION_WEIGHTS: Readonly<FusionWeights> = Object.freeze({
  keyword: 1,
  semantic: 1,
  lateInteraction: 1,
});

/**
 * Fills in and checks weights a caller gave, naming the field that is wrong.
 *
 * @example
 * ```ts
 * resolveFusionWeights({ semantic: 0.3 }); // { keyword: 1, semantic: 0.3, lateInteraction: 1 }
 * ```
 */
export function resolveFusionWeights(given: Partial<FusionWeights> | undefined): FusionWeights {
  const weights = { ...DEFAULT_FUSION_WEIGHTS, ...given };
  for (const key of ["keyword", "semantic", "lateInteraction"] as const) {
    const weight = weights[key];
    if (typeof weight !== "number" || !Number.isFinite(weight) || weight < 0) {
      throw invalidInput(
        `weights.${key}`,
        `must be a finite number >= 0 (1 counts fully, 0 only breaks ties), got ${String(weight)}`,
      );
    }
  }
  if (weights.keyword === 0 && weights.semantic === 0 && weights.lateInteraction === 0) {
    throw invalidInput("weights", "must give at least one ranking a weight above 0");
  }
  return weights;
}
