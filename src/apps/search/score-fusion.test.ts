import { describe, expect, it } from "vitest";
import { fuseByScore } from "./score-fusion.js";

describe("fuseByScore", () => {
  it("sums each ranking's weight times the score over its best score", () => {
    const fused = fuseByScore([
      {
        items: [
          { item: "a", score: 9 },
          { item: "b", score: 3 },
        ],
        weight: 1,
      },
      {
        items: [
          { item: "b", score: 0.8 },
          { item: "c", score: 0.4 },
        ],
        weight: 0.5,
      },
    ]);
    expect(fused).toEqual([
      { item: "a", score: 1, ranks: [1, undefined] },
      { item: "b", score: 3 / 9 + 0.5, ranks: [2, 1] },
      { item: "c", score: 0.25, ranks: [undefined, 2] },
    ]);
  });

  it("keeps a clear leader ahead where rank fusion would let the other ranking overrule it", () => {
    // Keyword: a far ahead of b and c. Semantic: c, b, a, close together.
    const fused = fuseByScore([
      {
        items: [
          { item: "a", score: 20 },
          { item: "b", score: 4 },
          { item: "c", score: 3.9 },
        ],
        weight: 1,
      },
      {
        items: [
          { item: "c", score: 0.81 },
          { item: "b", score: 0.8 },
          { item: "a", score: 0.79 },
        ],
        weight: 1,
      },
    ]);
    expect(fused.map((entry) => entry.item)).toEqual(["a", "c", "b"]);
  });

  it("counts negative scores as 0, an item once, and breaks ties by rank", () => {
    const fused = fuseByScore([
      {
        items: [
          { item: "x", score: -1 },
          { item: "y", score: -2 },
          { item: "x", score: 5 },
        ],
        weight: 1,
      },
      { items: [{ item: "y", score: 0 }], weight: 1 },
    ]);
    expect(fused).toEqual([
      { item: "x", score: 0, ranks: [1, undefined] },
      { item: "y", score: 0, ranks: [2, 1] },
    ]);
  });

  it("rejects a bad weight or score, naming it", () => {
    expect(() => fuseByScore([{ items: [], weight: -1 }])).toThrow(
      "rankings[0].weight must be a finite number >= 0, got -1",
    );
    expect(() => fuseByScore([{ items: [{ item: 1, score: Number.NaN }], weight: 1 }])).toThrow(
      "rankings[0].items[0].score must be a finite number, got NaN",
    );
  });
});
