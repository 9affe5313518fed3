import { invalidInput } from "../errors/index.js";

/**
 * Validates weights that must be finite and non-negative with a positive total (a probability
 * distribution, normalized or not) and returns the total.
 */
export function checkProbabilities(probabilities: ArrayLike<number>, field: string): number {
  if (
    probabilities === null ||
    typeof probabilities !== "object" ||
    typeof probabilities.length !== "number"
  ) {
    throw invalidInput(field, "must be an array or typed array of probabilities");
  }
  let total = 0;
  for (let i = 0; i < probabilities.length; i++) {
    const value = probabilities[i];
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      throw invalidInput(
        `${field}[${i}]`,
        `must be a finite number >= 0, got ${String(value)}; pass probabilities, not logits (see softmax)`,
      );
    }
    total += value;
  }
  if (!(total > 0)) {
    throw invalidInput(field, "must contain at least one probability above 0");
  }
  return total;
}

/** Indices ordered from most to least probable; ties keep the lower index first. */
export function indicesByProbability(probabilities: ArrayLike<number>): number[] {
  const indices = Array.from({ length: probabilities.length }, (_, index) => index);
  return indices.sort(
    (a, b) => (probabilities[b] as number) - (probabilities[a] as number) || a - b,
  );
}

/** A copy of `probabilities` with only the `kept` indices, rescaled to sum to 1. */
export function keepOnly(probabilities: ArrayLike<number>, kept: readonly number[]): Float64Array {
  let keptTotal = 0;
  for (const index of kept) keptTotal += probabilities[index] as number;
  const result = new Float64Array(probabilities.length);
  for (const index of kept) result[index] = (probabilities[index] as number) / keptTotal;
  return result;
}
