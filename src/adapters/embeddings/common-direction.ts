/**
 * The direction every SIF sentence average shares (see word-vector-embedder.ts), estimated from
 * the vocabulary alone, and the SIF weights' harmonic number: both depend only on the vectors
 * and the smoothing, so a word-vectors file stores them for the default smoothing and a fresh
 * process reads them instead of recomputing (a million multiply-adds and 341K divisions, run
 * cold: ~70M instructions, a sixth of a fresh hybrid search).
 */
import { harmonicNumber, sifWeightOfRow } from "./sif-weights.js";
import type { WordVectors } from "./word-vectors-file.js";

/** Words whose weighted mean estimates the direction every sentence average shares. */
export const COMMON_DIRECTION_WORDS = 10_000;

/** What a file keeps so a start computes nothing over the vocabulary. */
export interface PrecomputedSif {
  /** The SIF smoothing these values are for. */
  smoothing: number;
  /** H(vocabulary size), as {@link harmonicNumber} computes it. */
  harmonicNumber: number;
  /** The unit common direction, or undefined when the vectors average to zero. */
  commonDirection: Float64Array | undefined;
}

/**
 * Unit vector along Σ p(w)·weight(w)·v(w) over the most frequent words (Zipf p(w) ∝ 1/rank).
 * Reads rows 0 to {@link COMMON_DIRECTION_WORDS} of `vectors.values`.
 */
export function commonDirection(
  vectors: WordVectors,
  weightOf: (row: number) => number,
): Float64Array | undefined {
  const { dimensions, scales, values } = vectors;
  const words = Math.min(COMMON_DIRECTION_WORDS, vectors.vocabulary.size);
  const direction = new Float64Array(dimensions);
  for (let row = 0; row < words; row++) {
    const factor = (weightOf(row) * (scales[row] as number)) / (row + 1);
    const offset = row * dimensions;
    for (let i = 0; i < dimensions; i++) {
      direction[i] = (direction[i] as number) + factor * (values[offset + i] as number);
    }
  }
  let sumOfSquares = 0;
  for (const value of direction) sumOfSquares += value * value;
  if (sumOfSquares === 0) return undefined;
  const length = Math.sqrt(sumOfSquares);
  return direction.map((value) => value / length);
}

/**
 * The values to store for `smoothing`, from vectors whose rows are all in memory.
 *
 * @example
 * ```ts
 * const precomputed = precomputeSif(vectors, 1e-4);
 * ```
 */
export function precomputeSif(vectors: WordVectors, smoothing: number): PrecomputedSif {
  const words = vectors.vocabulary.size;
  return {
    smoothing,
    harmonicNumber: harmonicNumber(words),
    commonDirection: commonDirection(vectors, sifWeightOfRow({ words, smoothing })),
  };
}
