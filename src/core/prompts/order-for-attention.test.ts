import { describe, expect, it } from "vitest";
import { orderForAttention, structureForAttention } from "./index.js";

const ranks = (n: number): string[] => Array.from({ length: n }, (_, i) => `r${i + 1}`);

/** The tutorial's interleaving, kept here only to show how ours differs. */
function tutorialInterleave<T>(ranked: T[]): T[] {
  const reordered: T[] = [];
  ranked.forEach((item, i) => {
    if (i % 2 === 0) reordered.unshift(item);
    else reordered.push(item);
  });
  return reordered;
}

describe("orderForAttention", () => {
  it("puts rank 1 first, rank 2 last, rank 3 second, rank 4 second to last (n = 0..6)", () => {
    expect(orderForAttention(ranks(0))).toEqual([]);
    expect(orderForAttention(ranks(1))).toEqual(["r1"]);
    expect(orderForAttention(ranks(2))).toEqual(["r1", "r2"]);
    expect(orderForAttention(ranks(3))).toEqual(["r1", "r3", "r2"]);
    expect(orderForAttention(ranks(4))).toEqual(["r1", "r3", "r4", "r2"]);
    expect(orderForAttention(ranks(5))).toEqual(["r1", "r3", "r5", "r4", "r2"]);
    expect(orderForAttention(ranks(6))).toEqual(["r1", "r3", "r5", "r6", "r4", "r2"]);
  });

  it("fixes the tutorial's interleaving, which buries rank 1 and ends on the least relevant", () => {
    expect(tutorialInterleave(ranks(4))).toEqual(["r3", "r1", "r2", "r4"]);
    for (const n of [2, 3, 4, 5, 6, 10]) {
      const ordered = orderForAttention(ranks(n));
      expect(ordered[0]).toBe("r1");
      expect(ordered[n - 1]).toBe("r2");
    }
  });

  it("ranks by score, highest first, when scores are given", () => {
    const docs = ["d0", "d1", "d2", "d3", "d4"];
    const scores = [0.1, 0.9, 0.5, 0.7, 0.3]; // ranking: d1, d3, d2, d4, d0
    expect(orderForAttention(docs, scores)).toEqual(["d1", "d2", "d0", "d4", "d3"]);
    expect(orderForAttention(docs, new Float32Array(scores))).toEqual([
      "d1",
      "d2",
      "d0",
      "d4",
      "d3",
    ]);
    const byLength = orderForAttention(["aaa", "a", "aaaaa", "aa"], (item) => item.length);
    expect(byLength).toEqual(["aaaaa", "aa", "a", "aaa"]);
  });

  it("keeps input order among tied scores and accepts infinite scores", () => {
    expect(orderForAttention(["a", "b", "c", "d"], [1, 1, 1, 1])).toEqual(["a", "c", "d", "b"]);
    expect(
      orderForAttention(["a", "b", "c"], [Number.NEGATIVE_INFINITY, 2, Number.POSITIVE_INFINITY]),
    ).toEqual(["c", "a", "b"]);
  });

  it("does not modify its input", () => {
    const items = ranks(5);
    const scores = [5, 4, 3, 2, 1];
    orderForAttention(items, scores);
    expect(items).toEqual(ranks(5));
    expect(scores).toEqual([5, 4, 3, 2, 1]);
  });

  it("rejects scores that do not match the items", () => {
    expect(() => orderForAttention(["a", "b"], [1])).toThrowError(
      "scores must hold one number per item (2), got 1 scores",
    );
    expect(() => orderForAttention(["a", "b"], [1, Number.NaN])).toThrowError(
      "scores[1] must be a number, got NaN",
    );
    expect(() => orderForAttention(["a"], () => Number.NaN)).toThrowError(
      /scores\(items\[0\]\) must be a number/,
    );
    expect(() => orderForAttention("abc" as unknown as string[])).toThrowError(
      "items must be an array",
    );
  });
});

describe("structureForAttention", () => {
  it("joins the reordered documents with a blank line by default", () => {
    expect(structureForAttention({ documents: ["a", "b", "c"], scores: [0.2, 0.9, 0.5] })).toBe(
      "b\n\na\n\nc",
    );
    expect(structureForAttention({ documents: ["x", "y", "z"], separator: "\n---\n" })).toBe(
      "x\n---\nz\n---\ny",
    );
    expect(structureForAttention({ documents: [] })).toBe("");
  });

  it("rejects documents that are not strings", () => {
    expect(() => structureForAttention({ documents: ["a", 2 as unknown as string] })).toThrowError(
      "documents[1] must be a string, got number",
    );
    expect(() => structureForAttention({ documents: ["a", "b"], scores: [1, 2, 3] })).toThrowError(
      /scores/,
    );
  });
});
