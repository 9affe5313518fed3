import { describe, expect, it } from "vitest";
import { createRandom } from "../sampling/index.js";
import { TopKHeap } from "./top-k-heap.js";

describe("TopKHeap", () => {
  it("keeps the best pairs, best first", () => {
    const heap = new TopKHeap(3);
    for (const [score, index] of [
      [0.1, 0],
      [0.9, 1],
      [0.5, 2],
      [0.7, 3],
      [0.2, 4],
    ] as const) {
      heap.offer(score, index);
    }
    expect(heap.size).toBe(3);
    expect(heap.sorted()).toEqual([
      { index: 1, score: 0.9 },
      { index: 3, score: 0.7 },
      { index: 2, score: 0.5 },
    ]);
  });

  it("prefers lower indices among equal scores, whatever the offer order", () => {
    const heap = new TopKHeap(2);
    for (const index of [5, 2, 9, 0, 7]) heap.offer(1, index);
    expect(heap.sorted()).toEqual([
      { index: 0, score: 1 },
      { index: 2, score: 1 },
    ]);
  });

  it("agrees with a full sort on random input with many ties", () => {
    const random = createRandom("heap");
    const pairs = Array.from({ length: 2000 }, (_, index) => ({
      index,
      score: Math.floor(random() * 50) / 10,
    }));
    const heap = new TopKHeap(37);
    for (const { score, index } of pairs) heap.offer(score, index);
    const expected = [...pairs].sort((a, b) => b.score - a.score || a.index - b.index).slice(0, 37);
    expect(heap.sorted()).toEqual(expected);
  });
});
