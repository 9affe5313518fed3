import { describe, expect, it } from "vitest";
import { makeSnippet } from "./snippet.js";

describe("makeSnippet", () => {
  it("starts at the line with most query words, joining lines up to the limit", () => {
    expect(makeSnippet("intro\n\nThe cache stores vectors.\nMore.", "vector cache", 40)).toEqual({
      text: "The cache stores vectors. More.",
      lineOffset: 2,
    });
  });

  it("ignores common words when choosing the line", () => {
    const text = "you do not have to do it\nthe violation must be fixed";
    expect(makeSnippet(text, "how do I fix a violation", 30)).toEqual({
      text: "the violation must be fixed",
      lineOffset: 1,
    });
  });

  it("starts at the first non-blank line when no word matches", () => {
    expect(makeSnippet("\n\n  first   words\nsecond", "zebra")).toEqual({
      text: "first words second",
      lineOffset: 2,
    });
  });

  it("cuts long text at a word boundary with an ellipsis", () => {
    const { text } = makeSnippet("alpha beta gamma delta epsilon zeta eta theta", "beta", 20);
    expect(text).toBe("alpha beta gamma…");
  });
});
