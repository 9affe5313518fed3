/**
 * Reciprocal rank fusion (Cormack, Clarke and Büttcher, SIGIR 2009): merges rankings whose
 * scores are not comparable (BM25 and cosine) using ranks alone. An item at rank r (from 1) in
 * a ranking adds w / (k + r), w being that ranking's weight (1 unless given); items ranked well
 * by several rankings rise to the top. Weights below 1 let a weak ranking break ties and rescue
 * items the strong one missed without overruling the strong one's top ranks.
 */
import { invalidInput } from "../../core/errors/index.js";

export interface ReciprocalRankFusionOptions {
  /** Damping constant (default 60, the paper's value); larger flattens the top ranks' lead. */
  k?: number;
  /** One weight per ranking, each finite and >= 0 (default: all 1). */
  weights?: readonly number[];
}

export interface FusedItem<T> {
  item: T;
  /** Σ weight / (k + rank) over the rankings that contain the item. */
  score: number;
  /** The item's rank (from 1) in each input ranking, `undefined` where it is absent. */
  ranks: Array<number | undefined>;
}

/** The paper's k, used when none is given. */
export const DEFAULT_RRF_K = 60;

/**
 * Fuses rankings (each best first) into one, best first. Items are compared with `===` (use
 * ids); an item repeated within one ranking counts at its best rank. Ties in score go to the
 * item with the better best rank, then to the one seen first.
 *
 * @example
 * ```ts
 * reciprocalRankFusion([["a", "b", "c"], ["c", "a"]], { k: 60 }).map((fused) => fused.item);
 * // ["a", "c", "b"]: a = 1/61 + 1/62, c = 1/63 + 1/61, b = 1/62
 * reciprocalRankFusion([["a", "b"], ["b", "a"]], { weights: [1, 0.5] })[0]?.item; // "a"
 * ```
 */
export function reciprocalRankFusion<T>(
  rankings: ReadonlyArray<readonly T[]>,
  options: ReciprocalRankFusionOptions = {},
): FusedItem<T>[] {
  const k = options.k ?? DEFAULT_RRF_K;
  if (typeof k !== "number" || !Number.isFinite(k) || k < 0) {
    throw invalidInput("k", `must be a finite number >= 0 (60 is usual), got ${String(k)}`);
  }
  const lists: unknown = rankings;
  if (!Array.isArray(lists) || lists.some((ranking) => !Array.isArray(ranking))) {
    throw invalidInput(
      "rankings",
      "must be an array of rankings, each an array of items best first",
    );
  }
  const weights = readWeights(options.weights, rankings.length);
  const fused = new Map<T, FusedItem<T> & { firstSeen: number; bestRank: number }>();
  rankings.forEach((ranking, list) => {
    ranking.forEach((item, position) => {
      const rank = position + 1;
      let entry = fused.get(item);
      if (entry === undefined) {
        entry = {
          item,
          score: 0,
          ranks: new Array<number | undefined>(rankings.length).fill(undefined),
          firstSeen: fused.size,
          bestRank: rank,
        };
        fused.set(item, entry);
      }
      if (entry.ranks[list] !== undefined) return;
      entry.ranks[list] = rank;
      entry.score += (weights[list] as number) / (k + rank);
      entry.bestRank = Math.min(entry.bestRank, rank);
    });
  });
  return [...fused.values()]
    .sort((a, b) => b.score - a.score || a.bestRank - b.bestRank || a.firstSeen - b.firstSeen)
    .map(({ item, score, ranks }) => ({ item, score, ranks }));
}

function readWeights(weights: readonly number[] | undefined, rankings: number): readonly number[] {
  if (weights === undefined) return new Array<number>(rankings).fill(1);
  if (!Array.isArray(weights) || weights.length !== rankings) {
    throw invalidInput(
      "weights",
      `must be an array with one weight per ranking (${rankings}), got ${Array.isArray(weights) ? `${weights.length} weights` : typeof weights}`,
    );
  }
  weights.forEach((weight, index) => {
    if (typeof weight !== "number" || !Number.isFinite(weight) || weight < 0) {
      throw invalidInput(
        `weights[${index}]`,
        `must be a finite number >= 0, got ${String(weight)}`,
      );
    }
  });
  return weights;
}
