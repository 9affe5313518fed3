/**
 * Deterministic stand-in embeddings: the same text always gives the same unit vector, different
 * texts give unrelated ones, and the size is whatever was asked for.
 */
import { createHash } from "node:crypto";
import { createSeededRandom } from "./seeded-random.js";

/**
 * @example
 * ```ts
 * pseudoEmbedding("hello", 8).length; // 8, with Euclidean norm 1
 * ```
 */
export function pseudoEmbedding(text: string, dimensions: number): number[] {
  const seed = createHash("sha256").update(text).digest().readUInt32LE(0);
  const random = createSeededRandom(seed);
  const values = Array.from({ length: dimensions }, () => random() * 2 - 1);
  const norm = Math.sqrt(values.reduce((sum, value) => sum + value * value, 0)) || 1;
  return values.map((value) => Math.fround(value / norm));
}
