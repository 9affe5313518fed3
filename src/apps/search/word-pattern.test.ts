import { describe, expect, it } from "vitest";
import { TERM, TOKEN } from "./fts-query.js";
import { WORD } from "./snippet.js";
import { isAscii, WordPattern } from "./word-pattern.js";

/** Seeded ASCII strings, heavy on the characters the patterns care about. */
function asciiSamples(count: number, seed = 7): string[] {
  let state = seed;
  const random = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
  const every = Array.from({ length: 128 }, (_, code) => String.fromCharCode(code)).join("");
  const alphabet = `${every}aZ09-_.'/:@+* "aZ09-_.'/:@+* "abcXYZ`;
  const samples = [every];
  for (let i = 0; i < count; i++) {
    const length = Math.floor(random() * 40);
    let text = "";
    for (let j = 0; j < length; j++) text += alphabet[Math.floor(random() * alphabet.length)];
    samples.push(text);
  }
  return samples;
}

function matches(pattern: RegExp, text: string): string[][] {
  return [...text.matchAll(pattern)].map((match) => [...match].map(String));
}

describe("WordPattern", () => {
  it("matches exactly what the Unicode version matches, on ASCII text", () => {
    for (const pattern of [TOKEN, TERM, WORD]) {
      for (const text of asciiSamples(3000)) {
        expect(matches(pattern.ascii, text), JSON.stringify(text)).toEqual(
          matches(pattern.unicode, text),
        );
      }
    }
  });

  it("uses the Unicode version for other text", () => {
    const word = new WordPattern("[\\p{L}\\p{N}]+", "[A-Za-z0-9]+", "g");
    expect("naïve café".match(word.for("naïve café"))).toEqual(["naïve", "café"]);
    expect("naive cafe".match(word.for("naive cafe"))).toEqual(["naive", "cafe"]);
    expect(word.for("x")).toBe(word.ascii);
    expect(word.for("x’")).toBe(word.unicode);
    expect(isAscii("\u007f")).toBe(true);
    expect(isAscii("\u0080")).toBe(false);
    expect(isAscii("\ud83d\ude00")).toBe(false);
  });
});
