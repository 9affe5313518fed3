import { describe, expect, it } from "vitest";
import { reciprocalRankFusion } from "./reciprocal-rank-fusion.js";

describe("reciprocalRankFusion", () => {
  it("sums 1 / (k + rank) over the rankings (k = 60 by default)", () => {
    const fused = reciprocalRankFusion([
      ["a", "b", "c"],
      ["c", "a"],
    ]);
    expect(fused.map((entry) => entry.item)).toEqual(["a", "c", "b"]);
    expect(fused[0]).toEqual({ item: "a", score: 1 / 61 + 1 / 62, ranks: [1, 2] });
    expect(fused[1]).toEqual({ item: "c", score: 1 / 63 + 1 / 61, ranks: [3, 1] });
    expect(fused[2]).toEqual({ item: "b", score: 1 / 62, ranks: [2, undefined] });
  });

  it("lets a small k favour the top ranks", () => {
    const rankings = [["x", "y", "z"], ["w", "v", "z"], ["z"]];
    expect(reciprocalRankFusion(rankings, { k: 0 })[0]?.item).toBe("z");
    // x, y: 1; z: 1/3 + 1/3; a, b: 1/2.
    expect(
      reciprocalRankFusion(
        [
          ["x", "a", "z"],
          ["y", "b", "z"],
        ],
        { k: 0 },
      ).map((entry) => entry.item),
    ).toEqual(["x", "y", "z", "a", "b"]);
    expect(
      reciprocalRankFusion(
        [
          ["x", "a", "z"],
          ["y", "b", "z"],
        ],
        { k: 1000 },
      )[0]?.item,
    ).toBe("z");
  });

  it("counts an item repeated in one ranking once, at its best rank", () => {
    expect(reciprocalRankFusion([[7, 7, 8]])).toEqual([
      { item: 7, score: 1 / 61, ranks: [1] },
      { item: 8, score: 1 / 63, ranks: [3] },
    ]);
  });

  it("breaks ties by best rank, then first appearance", () => {
    expect(
      reciprocalRankFusion([
        ["a", "b"],
        ["b", "a"],
      ]).map((entry) => entry.item),
    ).toEqual(["a", "b"]);
  });

  it("weighs each ranking's contribution", () => {
    const fused = reciprocalRankFusion(
      [
        ["a", "b"],
        ["b", "c"],
      ],
      { weights: [1, 0.5] },
    );
    expect(fused).toEqual([
      { item: "b", score: 1 / 62 + 0.5 / 61, ranks: [2, 1] },
      { item: "a", score: 1 / 61, ranks: [1, undefined] },
      { item: "c", score: 0.5 / 62, ranks: [undefined, 2] },
    ]);
    // A weight of 0 keeps the ranking's items but only below every item the others ranked.
    expect(
      reciprocalRankFusion(
        [
          ["a", "b"],
          ["c", "b"],
        ],
        { weights: [1, 0] },
      ).map((entry) => entry.item),
    ).toEqual(["a", "b", "c"]);
  });

  it("rejects weights that do not fit the rankings", () => {
    expect(() => reciprocalRankFusion([["a"], ["b"]], { weights: [1] })).toThrow(
      "weights must be an array with one weight per ranking (2), got 1 weights",
    );
    expect(() => reciprocalRankFusion([["a"]], { weights: [Number.NaN] })).toThrow(
      "weights[0] must be a finite number >= 0, got NaN",
    );
  });

  it("handles empty input and rejects a bad k or a non-array ranking", () => {
    expect(reciprocalRankFusion([])).toEqual([]);
    expect(reciprocalRankFusion([[], []])).toEqual([]);
    expect(() => reciprocalRankFusion([["a"]], { k: -1 })).toThrow(
      "k must be a finite number >= 0 (60 is usual), got -1",
    );
    expect(() => reciprocalRankFusion(["ab" as unknown as string[]])).toThrow(
      /rankings must be an array of rankings/,
    );
  });
});
