import { invalidInput } from "../errors/index.js";

/** Relevance of each item: one score per item, or a function computing it. Higher is more relevant. */
export type RelevanceScores<T> = ArrayLike<number> | ((item: T, index: number) => number);

/**
 * Reorders items so the most relevant sit at the start and end of a prompt and the least
 * relevant in the middle, where models recall worst ("lost in the middle", Liu et al., 2023).
 *
 * Items are first ranked: by score, highest first, when `scores` is given (ties keep their
 * input order); otherwise the input order is taken as the ranking. Then, for ranks 1..n,
 * odd ranks fill positions from the front and even ranks from the back:
 * rank 1 → first, rank 2 → last, rank 3 → second, rank 4 → second to last, and so on, so the
 * result is `[r1, r3, r5, …, r6, r4, r2]` and rank n lands in the middle.
 *
 * Returns a new array; the input is not modified.
 *
 * @example
 * ```ts
 * orderForAttention(["r1", "r2", "r3", "r4", "r5"]); // ["r1", "r3", "r5", "r4", "r2"]
 * orderForAttention(["low", "high", "mid"], [0.1, 0.9, 0.5]); // ["high", "low", "mid"]
 * ```
 */
export function orderForAttention<T>(items: readonly T[], scores?: RelevanceScores<T>): T[] {
  if (!Array.isArray(items)) {
    throw invalidInput("items", "must be an array");
  }
  const ranked = scores === undefined ? items : rankByScore(items, scores);
  const ordered = new Array<T>(ranked.length);
  let front = 0;
  let back = ranked.length - 1;
  ranked.forEach((item, rankIndex) => {
    if (rankIndex % 2 === 0) ordered[front++] = item;
    else ordered[back--] = item;
  });
  return ordered;
}

function rankByScore<T>(items: readonly T[], scores: RelevanceScores<T>): T[] {
  const scoreOf = scoreReader(items, scores);
  const scored = items.map((item, index) => ({ item, index, score: scoreOf(item, index) }));
  scored.sort((a, b) => (a.score === b.score ? a.index - b.index : a.score > b.score ? -1 : 1));
  return scored.map((entry) => entry.item);
}

function scoreReader<T>(
  items: readonly T[],
  scores: RelevanceScores<T>,
): (item: T, index: number) => number {
  if (typeof scores === "function") {
    return (item, index) => checkScore(scores(item, index), `scores(items[${index}])`);
  }
  if (scores === null || typeof scores !== "object" || scores.length !== items.length) {
    throw invalidInput(
      "scores",
      `must hold one number per item (${items.length}), got ${describeLength(scores)}`,
    );
  }
  return (_item, index) => checkScore(scores[index], `scores[${index}]`);
}

function checkScore(score: unknown, field: string): number {
  if (typeof score !== "number" || Number.isNaN(score)) {
    throw invalidInput(field, `must be a number, got ${String(score)}`);
  }
  return score;
}

function describeLength(scores: unknown): string {
  if (scores !== null && typeof scores === "object" && "length" in scores) {
    return `${String(scores.length)} scores`;
  }
  return scores === null ? "null" : typeof scores;
}
