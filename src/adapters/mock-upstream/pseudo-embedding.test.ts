import { describe, expect, it } from "vitest";
import { pseudoEmbedding } from "./pseudo-embedding.js";

describe("pseudoEmbedding", () => {
  it("is deterministic, sized as asked and of unit length", () => {
    const vector = pseudoEmbedding("hello", 16);
    expect(vector).toHaveLength(16);
    expect(pseudoEmbedding("hello", 16)).toEqual(vector);
    const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
    expect(norm).toBeCloseTo(1, 5);
  });

  it("gives different texts different vectors", () => {
    expect(pseudoEmbedding("hello", 8)).not.toEqual(pseudoEmbedding("world", 8));
  });
});
