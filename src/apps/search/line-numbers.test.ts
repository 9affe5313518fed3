import { describe, expect, it } from "vitest";
import { lineAt, lineRange, lineStarts } from "./line-numbers.js";

describe("line numbers", () => {
  const text = "one\ntwo\r\nthree\n\nfive";
  const starts = lineStarts(text);

  it("finds where each line starts", () => {
    expect(starts).toEqual([0, 4, 9, 15, 16]);
  });

  it("maps offsets to 1-based lines", () => {
    expect([0, 3, 4, 8, 9, 15, 16, 19].map((offset) => lineAt(starts, offset))).toEqual([
      1, 1, 2, 2, 3, 4, 5, 5,
    ]);
  });

  it("ends a range that stops after a line break on that line", () => {
    expect(lineRange(starts, 4, 15)).toEqual({ startLine: 2, endLine: 3 });
    expect(lineRange(starts, 5, 6)).toEqual({ startLine: 2, endLine: 2 });
    expect(lineRange(starts, 0, text.length)).toEqual({ startLine: 1, endLine: 5 });
  });
});
