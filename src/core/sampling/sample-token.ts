import { invalidInput } from "../errors/index.js";
import { createRandom, type RandomSource } from "./random.js";
import { softmax } from "./softmax.js";
import { applyTopK, checkTopK } from "./top-k.js";
import { applyTopP, checkTopP } from "./top-p.js";

/** How to turn logits into a distribution: temperature, then top-k, then top-p. */
export interface SamplingOptions {
  /** Finite, ≥ 0. Default 1. 0 puts all probability on the most likely token. */
  temperature?: number;
  /** Keep only the k most likely tokens (a positive integer). Default: keep all. */
  topK?: number;
  /** Keep the smallest most-likely set reaching this cumulative probability, in [0, 1]. */
  topP?: number;
}

export interface SampleTokenOptions extends SamplingOptions {
  /** Uniform floats in [0, 1). Use one {@link createRandom} generator for a reproducible run. */
  random?: RandomSource;
  /** Seeds a fresh generator for this one draw, so the same seed gives the same token. */
  seed?: number | string;
}

/**
 * The distribution a sampler draws from: softmax at `temperature`, then top-k, then top-p
 * (each renormalized), the order most inference engines apply them in.
 *
 * @example
 * ```ts
 * samplingDistribution([2, 1, 0, -1], { temperature: 0.7, topK: 3, topP: 0.9 });
 * // Float64Array: the 4th token is cut by top-k, the 3rd by top-p, the first two rescaled
 * ```
 */
export function samplingDistribution(
  logits: ArrayLike<number>,
  options: SamplingOptions = {},
): Float64Array {
  const { temperature = 1, topK, topP } = options;
  if (topK !== undefined) checkTopK(topK);
  if (topP !== undefined) checkTopP(topP);
  let probabilities = softmax(logits, temperature);
  if (topK !== undefined && topK < probabilities.length) {
    probabilities = applyTopK(probabilities, topK);
  }
  if (topP !== undefined && topP < 1) probabilities = applyTopP(probabilities, topP);
  return probabilities;
}

/**
 * Picks the next token's index from `logits` the way an LLM sampler does (see
 * {@link samplingDistribution}). Temperature 0 returns the most likely token (lowest index
 * among ties) without drawing a random number. A zero-probability token is never returned.
 *
 * Randomness comes from `random`, else a generator seeded with `seed`, else `Math.random`
 * (not reproducible).
 *
 * @example
 * ```ts
 * const random = createRandom(7);
 * const tokens = [0, 1, 2].map(() => sampleToken([2, 1, 0], { temperature: 0.8, random }));
 * sampleToken([2, 1, 0], { temperature: 0 }); // 0, always
 * ```
 */
export function sampleToken(logits: ArrayLike<number>, options: SampleTokenOptions = {}): number {
  const { random, seed, ...samplingOptions } = options;
  if (random !== undefined && seed !== undefined) {
    throw invalidInput(
      "seed",
      "cannot be combined with random; pass one generator (random) or a seed, not both",
    );
  }
  if (random !== undefined && typeof random !== "function") {
    throw invalidInput(
      "random",
      `must be a function returning a float in [0, 1), got ${typeof random}`,
    );
  }
  const probabilities = samplingDistribution(logits, samplingOptions);
  if (samplingOptions.temperature === 0) return probabilities.indexOf(1);

  const draw = random ?? (seed === undefined ? Math.random : createRandom(seed));
  const uniform = draw();
  if (typeof uniform !== "number" || !(uniform >= 0 && uniform < 1)) {
    throw invalidInput("random", `must return a float in [0, 1), returned ${String(uniform)}`);
  }
  return pickByCumulative(probabilities, uniform);
}

function pickByCumulative(probabilities: Float64Array, uniform: number): number {
  let cumulative = 0;
  let lastPossible = -1;
  for (let i = 0; i < probabilities.length; i++) {
    const probability = probabilities[i] as number;
    if (probability === 0) continue;
    cumulative += probability;
    lastPossible = i;
    if (uniform < cumulative) return i;
  }
  // Rounding can leave the running total a hair below 1 while `uniform` is above it.
  return lastPossible;
}
