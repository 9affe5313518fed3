import { describe, expect, it } from "vitest";
import { closestNames, editDistance } from "./edit-distance.js";

describe("editDistance", () => {
  it.each([
    ["", "", 0],
    ["", "abc", 3],
    ["gpt-4o", "gpt-4o", 0],
    ["gpt-4o-mnii", "gpt-4o-mini", 1],
    ["gpt4o", "gpt-4o", 1],
    ["claude-3-5-sonet", "claude-3-5-sonnet", 1],
    ["gpt-4o-mnii", "gpt-4.1-mini", 3],
    ["gpt-4o-mnii", "gpt-4o", 5],
    ["kitten", "sitting", 3],
  ])("from %j to %j is %i", (from, to, distance) => {
    expect(editDistance(from, to)).toBe(distance);
    expect(editDistance(to, from)).toBe(distance);
  });
});

describe("closestNames", () => {
  const names = ["gpt-4o", "gpt-4o-mini", "gpt-4.1-mini", "gpt-5-mini", "o1", "o3"];

  it("orders by distance, then by the longer shared start", () => {
    expect(closestNames("gpt-4o-mnii", names)).toEqual([
      "gpt-4o-mini",
      "gpt-4.1-mini",
      "gpt-5-mini",
    ]);
    expect(closestNames("o2", names, { limit: 2 })).toEqual(["o1", "o3"]);
  });

  it("counts each candidate once and returns fewer when there are fewer", () => {
    expect(closestNames("x", ["a", "a", "b"], { limit: 5 })).toEqual(["a", "b"]);
    expect(closestNames("x", [])).toEqual([]);
  });
});
