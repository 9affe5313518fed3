/**
 * Score fusion (CombSUM over normalised scores, Fox and Shaw, TREC-2 1994): each ranking's
 * scores are divided by its best score, so the top match of each counts 1 and the others the
 * share of it they reach, and an item's fused score is Σ weight × normalised score over the
 * rankings that hold it (0 where it is absent). Unlike rank fusion this keeps how far apart
 * the scores are: a keyword match far ahead of the rest stays ahead even when a weak semantic
 * ranking disagrees, while close keyword scores let the semantic ranking decide.
 */
import { invalidInput } from "../../core/errors/index.js";

export interface ScoredRanking<T> {
  /** Best first, each with a score (higher is better); an item counts once, at its first entry. */
  items: ReadonlyArray<{ item: T; score: number }>;
  /** Finite and >= 0. */
  weight: number;
}

export interface ScoreFusedItem<T> {
  item: T;
  /** Σ weight × score / best score of that ranking (negative scores count 0). */
  score: number;
  /** The item's rank (from 1) in each input ranking, `undefined` where it is absent. */
  ranks: Array<number | undefined>;
}

/**
 * Fuses scored rankings into one, best first. Ties go to the item with the better rank in the
 * earlier ranking, then in the later ones.
 *
 * @example
 * ```ts
 * fuseByScore([
 *   { items: [{ item: "a", score: 9 }, { item: "b", score: 3 }], weight: 1 },
 *   { items: [{ item: "b", score: 0.8 }, { item: "a", score: 0.4 }], weight: 0.5 },
 * ]).map((fused) => fused.item);
 * // ["a", "b"]: a = 9/9 + 0.5 × 0.4/0.8 = 1.25, b = 3/9 + 0.5 × 0.8/0.8 ≈ 0.83
 * ```
 */
export function fuseByScore<T>(rankings: ReadonlyArray<ScoredRanking<T>>): ScoreFusedItem<T>[] {
  const fused = new Map<T, ScoreFusedItem<T>>();
  rankings.forEach((ranking, list) => {
    const { weight } = ranking;
    if (typeof weight !== "number" || !Number.isFinite(weight) || weight < 0) {
      throw invalidInput(
        `rankings[${list}].weight`,
        `must be a finite number >= 0, got ${String(weight)}`,
      );
    }
    const best = Math.max(0, ...ranking.items.map((entry) => entry.score));
    ranking.items.forEach(({ item, score }, position) => {
      if (!Number.isFinite(score)) {
        throw invalidInput(
          `rankings[${list}].items[${position}].score`,
          `must be a finite number, got ${String(score)}`,
        );
      }
      let entry = fused.get(item);
      if (entry === undefined) {
        entry = { item, score: 0, ranks: new Array<number | undefined>(rankings.length) };
        fused.set(item, entry);
      }
      if (entry.ranks[list] !== undefined) return;
      entry.ranks[list] = position + 1;
      if (best > 0) entry.score += (weight * Math.max(0, score)) / best;
    });
  });
  return [...fused.values()].sort((a, b) => b.score - a.score || compareRanks(a.ranks, b.ranks));
}

function compareRanks(a: Array<number | undefined>, b: Array<number | undefined>): number {
  for (let list = 0; list < a.length; list++) {
    const difference =
      (a[list] ?? Number.POSITIVE_INFINITY) - (b[list] ?? Number.POSITIVE_INFINITY);
    if (difference !== 0 && !Number.isNaN(difference)) return difference;
  }
  return 0;
}
