import { invalidInput, TokenwiseError } from "../errors/index.js";

/** A dense vector: a plain array or a typed array (embeddings are usually Float32Array). */
export type Vector = readonly number[] | Float32Array | Float64Array;

/**
 * The dot product `Σ a[i]·b[i]`, accumulated in double precision.
 *
 * @example
 * ```ts
 * dot([1, 2, 3], new Float32Array([4, 5, 6])); // 32
 * ```
 */
export function dot(a: Vector, b: Vector): number {
  checkSameLength(a, b);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  if (!Number.isFinite(sum)) checkFinite({ a, b });
  return sum;
}

/**
 * The Euclidean (L2) length `√Σ a[i]²`.
 *
 * @example
 * ```ts
 * norm([3, 4]); // 5
 * ```
 */
export function norm(a: Vector): number {
  let sumOfSquares = 0;
  for (let i = 0; i < a.length; i++) sumOfSquares += (a[i] as number) ** 2;
  if (!Number.isFinite(sumOfSquares)) {
    checkFinite({ vector: a });
    return largeNorm(a);
  }
  return Math.sqrt(sumOfSquares);
}

/**
 * A unit-length copy of `a` (same direction, norm 1) as a Float32Array, the usual storage
 * for embeddings. Throws for a zero vector, which has no direction.
 *
 * @example
 * ```ts
 * normalize([3, 4]); // Float32Array [0.6, 0.8]
 * ```
 */
export function normalize(a: Vector): Float32Array {
  const length = norm(a);
  if (length === 0) {
    throw new TokenwiseError(
      "invalid_input",
      "cannot normalize a zero vector: every component is 0, so it has no direction; drop it or re-embed its text",
      { details: { field: "vector" } },
    );
  }
  const unit = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) unit[i] = (a[i] as number) / length;
  return unit;
}

/**
 * The cosine of the angle between `a` and `b`: 1 for the same direction, 0 for orthogonal,
 * -1 for opposite. The result is clamped to [-1, 1] against rounding, and is never NaN: a zero
 * vector (whose angle is undefined) throws instead.
 *
 * @example
 * ```ts
 * cosineSimilarity([1, 0], [1, 1]); // 0.7071067811865475 (1/√2)
 * ```
 */
export function cosineSimilarity(a: Vector, b: Vector): number {
  checkSameLength(a, b);
  let product = 0;
  let sumOfSquaresA = 0;
  let sumOfSquaresB = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    product += x * y;
    sumOfSquaresA += x * x;
    sumOfSquaresB += y * y;
  }
  if (!Number.isFinite(product + sumOfSquaresA + sumOfSquaresB)) {
    checkFinite({ a, b });
    // Finite components whose squares overflow: cosine ignores scale, so shrink and retry.
    return cosineSimilarity(scaledDown(a), scaledDown(b));
  }
  if (sumOfSquaresA === 0 || sumOfSquaresB === 0) {
    const zero = sumOfSquaresA === 0 ? "a" : "b";
    throw invalidInput(
      zero,
      `is a zero vector (every component is 0), so its cosine similarity is undefined; drop it or re-embed its text`,
    );
  }
  return clampToUnit(product / (Math.sqrt(sumOfSquaresA) * Math.sqrt(sumOfSquaresB)));
}

/** Clamps a cosine to [-1, 1], where rounding can push it a few ulps past. */
export function clampToUnit(value: number): number {
  return Math.min(1, Math.max(-1, value));
}

function checkSameLength(a: Vector, b: Vector): void {
  if (a.length !== b.length) {
    throw invalidInput(
      "b",
      `must have the same length as a: a has ${a.length} dimensions, b has ${b.length}; compare embeddings from the same model`,
    );
  }
}

function checkFinite(vectors: Record<string, Vector>): void {
  for (const [name, vector] of Object.entries(vectors)) {
    for (let i = 0; i < vector.length; i++) {
      const value = vector[i] as number;
      if (!Number.isFinite(value)) {
        throw invalidInput(`${name}[${i}]`, `must be a finite number, got ${String(value)}`);
      }
    }
  }
}

function maxAbs(a: Vector): number {
  let largest = 0;
  for (let i = 0; i < a.length; i++) largest = Math.max(largest, Math.abs(a[i] as number));
  return largest;
}

function scaledDown(a: Vector): Float64Array {
  const largest = maxAbs(a) || 1;
  return Float64Array.from(a, (value) => value / largest);
}

function largeNorm(a: Vector): number {
  const largest = maxAbs(a);
  return largest * norm(scaledDown(a));
}
