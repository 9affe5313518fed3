import { describe, expect, it } from "vitest";
import { Vocabulary } from "./vocabulary.js";

describe("Vocabulary", () => {
  const vocabulary = Vocabulary.fromWords([
    "the",
    "zebra",
    "apple",
    "café",
    "naïve",
    "the",
    "日本",
  ]);

  it("finds each word's row by binary search over bytes", () => {
    expect(vocabulary.size).toBe(7);
    expect(vocabulary.rowOf("zebra")).toBe(1);
    expect(vocabulary.rowOf("apple")).toBe(2);
    expect(vocabulary.rowOf("café")).toBe(3);
    expect(vocabulary.rowOf("日本")).toBe(6);
  });

  it("answers -1 for unknown words, prefixes and case variants", () => {
    expect(vocabulary.rowOf("appl")).toBe(-1);
    expect(vocabulary.rowOf("apples")).toBe(-1);
    expect(vocabulary.rowOf("Apple")).toBe(-1);
    expect(vocabulary.rowOf("")).toBe(-1);
  });

  it("gives the lowest row for a repeated word", () => {
    expect(vocabulary.rowOf("the")).toBe(0);
  });

  it("reads words back by row", () => {
    expect(vocabulary.wordAt(4)).toBe("naïve");
    expect(vocabulary.wordAt(6)).toBe("日本");
  });

  it("rebuilds from its parts", () => {
    const { blob, offsets, sortedRows } = vocabulary.parts;
    const copy = new Vocabulary(
      Buffer.from(blob),
      Uint32Array.from(offsets),
      Uint32Array.from(sortedRows),
    );
    expect(copy.rowOf("naïve")).toBe(4);
  });
});
