// biome-ignore-all lint/style/noNonNullAssertion: tests index fixtures they just built.
import { describe, expect, it } from "vitest";
import {
  characterClasses,
  highClassOf,
  LETTER,
  LOWER_SET,
  NUMBER,
  UPPER_SET,
  WHITE_SPACE,
} from "./character-classes.js";

function classOf(codePoint: number): number {
  const classes = characterClasses();
  return codePoint < classes.flat.length
    ? classes.flat[codePoint]!
    : highClassOf(classes, codePoint);
}

describe("character classes (Unicode 16, as tiktoken's regex crate sees them)", () => {
  it("classes letters by case the way o200k_base needs", () => {
    expect(classOf(0x61)).toBe(LOWER_SET | LETTER); // a: Ll
    expect(classOf(0x41)).toBe(UPPER_SET | LETTER); // A: Lu
    expect(classOf(0x1c5)).toBe(UPPER_SET | LETTER); // ǅ: Lt
    expect(classOf(0x2b0)).toBe(UPPER_SET | LOWER_SET | LETTER); // ʰ: Lm
    expect(classOf(0x4e2d)).toBe(UPPER_SET | LOWER_SET | LETTER); // 中: Lo
    expect(classOf(0x301)).toBe(UPPER_SET | LOWER_SET); // combining acute: Mn, not a letter
    expect(classOf(0x10428)).toBe(LOWER_SET | LETTER); // Deseret small letter: Ll, astral
  });

  it("uses the Rust meaning of \\s: U+0085 is white space, U+FEFF is not", () => {
    expect(classOf(0x85)).toBe(WHITE_SPACE);
    expect(classOf(0xfeff)).toBe(0);
    for (const space of [
      0x9, 0xa, 0xb, 0xc, 0xd, 0x20, 0xa0, 0x1680, 0x2009, 0x2028, 0x202f, 0x3000,
    ]) {
      expect(classOf(space)).toBe(WHITE_SPACE);
    }
    expect(classOf(0x200b)).toBe(0); // zero-width space is a format character
  });

  it("classes numbers of every kind", () => {
    expect(classOf(0x35)).toBe(NUMBER);
    expect(classOf(0xb2)).toBe(NUMBER); // ²: No
    expect(classOf(0x216b)).toBe(NUMBER); // Ⅻ: Nl
    expect(classOf(0x1d7cf)).toBe(NUMBER); // 𝟏: Nd, astral
  });

  it("keeps Unicode 16's view where Unicode 17 changed it", () => {
    expect(classOf(0x295)).toBe(LOWER_SET | LETTER); // ʕ: Ll until Unicode 17 made it Lo
    expect(classOf(0x323b0)).toBe(0); // CJK Extension J: unassigned before Unicode 17
  });

  it("covers planes above the flat table", () => {
    expect(classOf(0xe0100)).toBe(UPPER_SET | LOWER_SET); // variation selector 17: Mn
    expect(classOf(0xe0001)).toBe(0); // language tag: Cf
    expect(classOf(0x10fffd)).toBe(0); // private use
  });
});
