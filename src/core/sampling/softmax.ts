import { invalidInput } from "../errors/index.js";

/**
 * Turns logits (raw scores) into probabilities, dividing by `temperature` first.
 *
 * Numerically stable: the largest logit is subtracted before `exp`, so huge logits never
 * overflow. A logit of `-Infinity` marks a masked token and gets probability exactly 0.
 * Temperature 0 is the limit of ever-colder sampling: all probability on the highest logit
 * (the lowest index among ties), computed without dividing by zero.
 *
 * @param logits At least one number; each finite or `-Infinity`, and not all `-Infinity`.
 * @param temperature A finite number ≥ 0; below 1 sharpens, above 1 flattens. Default 1.
 * @example
 * ```ts
 * softmax([2, 1, 0]);          // Float64Array [0.6652, 0.2447, 0.0900] (rounded)
 * softmax([2, 1, 0], 0);       // Float64Array [1, 0, 0]
 * softmax([0, -Infinity], 2);  // Float64Array [1, 0]
 * ```
 */
export function softmax(logits: ArrayLike<number>, temperature = 1): Float64Array {
  checkTemperature(temperature);
  const best = indexOfMaxLogit(logits);
  const maxLogit = logits[best] as number;
  const probabilities = new Float64Array(logits.length);
  if (temperature === 0) {
    probabilities[best] = 1;
    return probabilities;
  }
  let total = 0;
  for (let i = 0; i < logits.length; i++) {
    // (logit - max) is ≤ 0 and never NaN, so dividing by even a tiny temperature only
    // drives it towards -Infinity, where exp gives 0.
    const weight = Math.exp(((logits[i] as number) - maxLogit) / temperature);
    probabilities[i] = weight;
    total += weight;
  }
  // total ≥ 1 because the max logit contributes exp(0) = 1.
  for (let i = 0; i < probabilities.length; i++) {
    probabilities[i] = (probabilities[i] as number) / total;
  }
  return probabilities;
}

/** Throws unless `temperature` is a finite number ≥ 0. */
export function checkTemperature(temperature: number, field = "temperature"): void {
  if (typeof temperature !== "number" || !Number.isFinite(temperature) || temperature < 0) {
    throw invalidInput(
      field,
      `must be a finite number >= 0 (0 = always the most likely token), got ${String(temperature)}`,
    );
  }
}

/**
 * Validates `logits` and returns the index of the largest (lowest index among ties).
 * Throws when a logit is NaN, +Infinity or not a number, or when every logit is masked.
 */
export function indexOfMaxLogit(logits: ArrayLike<number>): number {
  if (logits === null || typeof logits !== "object" || typeof logits.length !== "number") {
    throw invalidInput("logits", "must be an array or typed array of numbers");
  }
  if (logits.length === 0) {
    throw invalidInput("logits", "must contain at least one logit, got an empty array");
  }
  let best = -1;
  let bestValue = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < logits.length; i++) {
    const value = logits[i];
    if (typeof value !== "number" || Number.isNaN(value) || value === Number.POSITIVE_INFINITY) {
      throw invalidInput(
        `logits[${i}]`,
        `must be a finite number or -Infinity (a masked token), got ${String(value)}`,
      );
    }
    if (value > bestValue) {
      best = i;
      bestValue = value;
    }
  }
  if (best === -1) {
    throw invalidInput(
      "logits",
      "are all -Infinity (every token masked); leave at least one token possible",
    );
  }
  return best;
}
