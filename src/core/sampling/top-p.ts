import { invalidInput } from "../errors/index.js";
import { checkProbabilities, indicesByProbability, keepOnly } from "./probabilities.js";

/**
 * Absorbs float rounding in running sums (0.1 + 0.2 + 0.4 lands just under 0.7), so a set
 * whose true total equals `p` counts as reaching it.
 */
const CUMULATIVE_TOLERANCE = 1e-12;

/**
 * Top-p (nucleus) filtering: keeps the smallest set of most probable tokens whose cumulative
 * probability is at least `p`, zeroes the rest and rescales the kept ones to sum to 1. At
 * least one token is always kept (so `p = 0` keeps only the most likely); `p = 1` keeps all.
 * Ties keep the lower index first.
 *
 * @param probabilities Non-negative weights (e.g. from {@link softmax}); need not sum to 1.
 * @param p The cumulative probability to reach, in [0, 1].
 * @example
 * ```ts
 * applyTopP([0.5, 0.3, 0.2], 0.8); // Float64Array [0.625, 0.375, 0]
 * applyTopP([0.5, 0.3, 0.2], 0.81); // Float64Array [0.5, 0.3, 0.2]
 * ```
 */
export function applyTopP(probabilities: ArrayLike<number>, p: number): Float64Array {
  const total = checkProbabilities(probabilities, "probabilities");
  checkTopP(p);
  const target = p * total - CUMULATIVE_TOLERANCE * total;
  const kept: number[] = [];
  let cumulative = 0;
  for (const index of indicesByProbability(probabilities)) {
    kept.push(index);
    cumulative += probabilities[index] as number;
    if (cumulative >= target) break;
  }
  return keepOnly(probabilities, kept);
}

/** Throws unless `p` is a number in [0, 1]. */
export function checkTopP(p: number, field = "topP"): void {
  if (typeof p !== "number" || !(p >= 0 && p <= 1)) {
    throw invalidInput(
      field,
      `must be a number from 0 to 1 (the cumulative probability to keep), got ${String(p)}; omit it or use 1 to keep every token`,
    );
  }
}
