import { describe, expect, it } from "vitest";
import { createRandom } from "../sampling/index.js";
import { cosineSimilarity, dot, normalize, topKSimilar } from "./index.js";

function randomRows(count: number, dimensions: number, seed: string): Float32Array[] {
  const random = createRandom(seed);
  return Array.from({ length: count }, () =>
    Float32Array.from({ length: dimensions }, () => random() * 2 - 1),
  );
}

function flatten(
  rows: Float32Array[],
  dimensions: number,
): { data: Float32Array; dimensions: number } {
  const data = new Float32Array(rows.length * dimensions);
  rows.forEach((row, index) => {
    data.set(row, index * dimensions);
  });
  return { data, dimensions };
}

function bruteForce(scores: number[], k: number): Array<{ index: number; score: number }> {
  return scores
    .map((score, index) => ({ index, score }))
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, k);
}

describe("topKSimilar", () => {
  const index = { data: new Float32Array([1, 0, 0, 1, 1, 1, -1, 0]), dimensions: 2 };

  it("ranks by cosine similarity with exact scores", () => {
    const matches = topKSimilar([1, 0], index, 3);
    expect(matches.map((match) => match.index)).toEqual([0, 2, 1]);
    expect(matches[0]?.score).toBe(1);
    expect(matches[1]?.score).toBeCloseTo(Math.SQRT1_2, 7);
    expect(matches[2]?.score).toBe(0);
  });

  it("returns every vector, worst last, when k exceeds their number", () => {
    const matches = topKSimilar([1, 0], index, 10);
    expect(matches.map((match) => match.index)).toEqual([0, 2, 1, 3]);
    expect(matches[3]?.score).toBe(-1);
  });

  it("equals a brute-force sort over a random matrix, for both storage forms", () => {
    const dimensions = 67; // not a multiple of 4, to exercise the loop tail
    const rows = randomRows(3000, dimensions, "matrix");
    const [query] = randomRows(1, dimensions, "query") as [Float32Array];
    const expected = bruteForce(
      rows.map((row) => cosineSimilarity(query, row)),
      25,
    );
    for (const vectors of [rows, flatten(rows, dimensions)]) {
      const matches = topKSimilar(query, vectors, 25);
      expect(matches.map((match) => match.index)).toEqual(expected.map((match) => match.index));
      matches.forEach((match, i) => {
        expect(match.score).toBeCloseTo(expected[i]?.score as number, 12);
      });
    }
  });

  it("ranks by raw dot product with metric dot", () => {
    const rows = randomRows(500, 16, "dot").map((row, i) => row.map((x) => x * (1 + (i % 7))));
    const query = randomRows(1, 16, "dot-query")[0] as Float32Array;
    const expected = bruteForce(
      rows.map((row) => dot(query, row)),
      10,
    );
    const matches = topKSimilar(query, rows, 10, { metric: "dot" });
    expect(matches.map((match) => match.index)).toEqual(expected.map((match) => match.index));
    expect(matches[0]?.score).toBeCloseTo(expected[0]?.score as number, 10);
  });

  it("with normalized rows skips their norms and still gives cosine", () => {
    const rows = randomRows(400, 32, "unit").map((row) => normalize(row));
    const query = [...(randomRows(1, 32, "unit-query")[0] as Float32Array)].map((x) => x * 9);
    const plain = topKSimilar(query, rows, 8);
    const fast = topKSimilar(query, rows, 8, { normalized: true });
    expect(fast.map((match) => match.index)).toEqual(plain.map((match) => match.index));
    fast.forEach((match, i) => {
      expect(match.score).toBeCloseTo(plain[i]?.score as number, 6);
    });
  });

  it("breaks ties by lower index", () => {
    const rows = [new Float32Array([0, 1]), new Float32Array([2, 2]), new Float32Array([1, 1])];
    expect(topKSimilar([1, 1], rows, 2).map((match) => match.index)).toEqual([1, 2]);
    expect(topKSimilar([1, 1], rows, 2, { metric: "dot" }).map((match) => match.index)).toEqual([
      1, 2,
    ]);
  });

  it("scores a stored zero vector 0 under cosine rather than failing", () => {
    const rows = [new Float32Array([0, 0]), new Float32Array([-1, 0])];
    expect(topKSimilar([1, 0], rows, 2)).toEqual([
      { index: 0, score: 0 },
      { index: 1, score: -1 },
    ]);
  });

  it("handles an empty index", () => {
    expect(topKSimilar([1, 0], [], 3)).toEqual([]);
    expect(topKSimilar([1, 0], { data: new Float32Array(0), dimensions: 2 }, 3)).toEqual([]);
  });

  it("rejects bad k, metric and query", () => {
    expect(() => topKSimilar([1, 0], index, 0)).toThrowError(/k must be a positive integer.*got 0/);
    expect(() => topKSimilar([1, 0], index, 2.5)).toThrowError(/k must be a positive integer/);
    expect(() => topKSimilar([1, 0], index, -1)).toThrowError(/^k /);
    expect(() =>
      topKSimilar([1, 0], index, 1, { metric: "euclid" as unknown as "dot" }),
    ).toThrowError('metric must be "cosine" or "dot", got "euclid"');
    expect(() => topKSimilar([0, 0], index, 1)).toThrowError(/^query is a zero vector/);
    expect(topKSimilar([0, 0], index, 1, { metric: "dot" })).toEqual([{ index: 0, score: 0 }]);
    expect(() => topKSimilar([Number.NaN, 0], index, 1)).toThrowError(
      /query\[0\] must be a finite number/,
    );
    expect(() => topKSimilar([], [], 1)).toThrowError(/query must have at least one dimension/);
  });

  it("rejects vectors of the wrong shape, naming the lengths", () => {
    expect(() => topKSimilar([1, 0, 0], index, 1)).toThrowError(
      "vectors.dimensions must equal the query's length: vectors have 2 dimensions, the query has 3",
    );
    expect(() => topKSimilar([1, 0], { data: new Float32Array(5), dimensions: 2 }, 1)).toThrowError(
      /vectors.data length 5 must be a positive multiple of dimensions \(2\)/,
    );
    expect(() => topKSimilar([1, 0], [new Float32Array(2), new Float32Array(3)], 1)).toThrowError(
      "vectors[1] must be a Float32Array with the query's 2 dimensions, got 3 dimensions",
    );
    expect(() => topKSimilar([1, 0], [[1, 0] as unknown as Float32Array], 1)).toThrowError(
      /vectors\[0\].*plain array \(convert it with Float32Array.from\)/,
    );
    expect(() => topKSimilar([1, 0], { rows: [] } as unknown as Float32Array[], 1)).toThrowError(
      /vectors must be an array of Float32Array rows or \{ data: Float32Array, dimensions: number \}/,
    );
  });

  it("names a stored vector that holds NaN", () => {
    const rows = [new Float32Array([1, 0]), new Float32Array([Number.NaN, 1])];
    expect(() => topKSimilar([1, 0], rows, 1)).toThrowError(
      /^vectors\[1\] contains a value that is not a finite number/,
    );
    expect(() => topKSimilar([1, 0], rows, 1, { metric: "dot" })).toThrowError(/^vectors\[1\]/);
  });
  it("scores four rows at a time exactly, with odd sizes and leftover rows", () => {
    for (const [count, dimensions] of [
      [7, 5],
      [9, 1],
      [4, 3],
      [13, 8],
    ] as const) {
      const data = Float32Array.from({ length: count * dimensions }, (_, i) =>
        Math.sin(i * 12.9898 + count),
      );
      const query = Array.from({ length: dimensions }, (_, i) => Math.cos(i + 0.5));
      const expected = Array.from({ length: count }, (_, row) => {
        let score = 0;
        for (let i = 0; i < dimensions; i++) {
          score += (query[i] as number) * (data[row * dimensions + i] as number);
        }
        return { index: row, score };
      }).sort((a, b) => b.score - a.score || a.index - b.index);
      const found = topKSimilar(query, { data, dimensions }, count, { metric: "dot" });
      expect(found.map((match) => match.index)).toEqual(expected.map((match) => match.index));
      found.forEach((match, position) => {
        expect(match.score).toBeCloseTo(expected[position]?.score as number, 12);
      });
    }
    const data = new Float32Array(8 * 2).fill(0.5);
    data[5] = Number.NaN;
    expect(() => topKSimilar([1, 0], { data, dimensions: 2 }, 1, { metric: "dot" })).toThrowError(
      /^vectors\[2\] contains a value that is not a finite number/,
    );
  });
});
