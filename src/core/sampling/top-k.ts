import { invalidInput } from "../errors/index.js";
import { checkProbabilities, indicesByProbability, keepOnly } from "./probabilities.js";

/**
 * Top-k filtering: keeps the `k` most probable tokens, zeroes the rest and rescales the kept
 * ones to sum to 1. Exactly `k` tokens are kept: among equal probabilities at the cut-off the
 * lower indices win, so the result is deterministic. `k` ≥ the number of tokens keeps all.
 *
 * @param probabilities Non-negative weights (e.g. from {@link softmax}); need not sum to 1.
 * @param k A positive integer.
 * @example
 * ```ts
 * applyTopK([0.5, 0.3, 0.2], 2); // Float64Array [0.625, 0.375, 0]
 * ```
 */
export function applyTopK(probabilities: ArrayLike<number>, k: number): Float64Array {
  checkProbabilities(probabilities, "probabilities");
  checkTopK(k);
  const kept = indicesByProbability(probabilities).slice(0, k);
  return keepOnly(probabilities, kept);
}

/** Throws unless `k` is a positive integer. */
export function checkTopK(k: number, field = "topK"): void {
  if (!Number.isInteger(k) || k < 1) {
    throw invalidInput(
      field,
      `must be a positive integer (how many of the most likely tokens to keep), got ${String(k)}; omit it to keep every token`,
    );
  }
}
