import { describe, expect, it } from "vitest";
import { countTextTokens } from "./count-text-tokens.js";
import { getTokenizer, TOKENIZER_NAMES } from "./registry.js";
import { isSafeCut, lastSafeCut } from "./safe-cut.js";
import { createStreamingTokenCounter } from "./streaming-token-counter.js";
import { randomText, seededRandom } from "./test-support/random-text.js";
import type { EncodingName } from "./tokenizer.js";

const ENCODINGS: EncodingName[] = ["o200k_base", "cl100k_base", "p50k_base", "r50k_base"];

/** Random text with long white-space runs, digit runs and contractions mixed in. */
function trickyText(random: () => number): string {
  const extras = [
    "      ",
    "\n\n\n  \n",
    " \t \r\n ",
    "123456789",
    "don't",
    "'S",
    "x  ",
    "\u3000\u3000",
  ];
  let text = "";
  for (let index = 0; index < 12; index += 1) {
    text +=
      random() < 0.4 ? (extras[Math.floor(random() * extras.length)] ?? "") : randomText(random, 6);
  }
  return text;
}

/** `text` cut into parts at random code units (a surrogate pair may be split). */
function randomParts(text: string, random: () => number): string[] {
  const parts: string[] = [];
  let start = 0;
  while (start < text.length) {
    const end = Math.min(text.length, start + 1 + Math.floor(random() * 40));
    parts.push(text.slice(start, end));
    start = end;
  }
  return parts;
}

describe("isSafeCut", () => {
  it("never changes a count: prefix plus rest equals the whole, for every encoding", () => {
    const random = seededRandom(14);
    let cuts = 0;
    for (let sample = 0; sample < 300; sample += 1) {
      const text = trickyText(random);
      const whole = ENCODINGS.map((encoding) => getTokenizer(encoding).count(text));
      for (let index = 1; index < text.length; index += 1) {
        if (!isSafeCut(text, index)) continue;
        cuts += 1;
        const head = text.slice(0, index);
        const tail = text.slice(index);
        ENCODINGS.forEach((encoding, position) => {
          const tokenizer = getTokenizer(encoding);
          expect(tokenizer.count(head) + tokenizer.count(tail), `${encoding} at ${index}`).toBe(
            whole[position],
          );
        });
      }
    }
    expect(cuts).toBeGreaterThan(5000);
  });

  it("refuses cuts inside white-space runs, digit runs, contractions and characters", () => {
    expect(isSafeCut("a   b", 2)).toBe(false);
    expect(isSafeCut("a\n\nb", 2)).toBe(false);
    expect(isSafeCut("12345", 2)).toBe(false);
    expect(isSafeCut("don't", 3)).toBe(false);
    expect(isSafeCut("a🤖b", 2)).toBe(false);
    expect(isSafeCut("e\u0301", 1)).toBe(false);
    // A cut like this changes the tokens, which is why it is refused.
    const o200k = getTokenizer("o200k_base");
    expect([...o200k.encode("12"), ...o200k.encode("345")]).not.toEqual(o200k.encode("12345"));
  });

  it("finds the last safe cut", () => {
    expect(lastSafeCut("Hello world and", 0)).toBe(11);
    expect(lastSafeCut("      ", 0)).toBe(-1);
  });
});

describe("createStreamingTokenCounter", () => {
  it("gives the whole-text counts and ids however the text is cut into parts", () => {
    const random = seededRandom(2026);
    for (let sample = 0; sample < 200; sample += 1) {
      const text = trickyText(random);
      const counter = createStreamingTokenCounter({
        tokenizers: TOKENIZER_NAMES,
        ids: ["o200k_base", "cl100k_base"],
        chunkCodeUnits: 1 + Math.floor(random() * 64),
      });
      for (const part of randomParts(text, random)) counter.write(part);
      const result = counter.end();
      expect(result.counts).toEqual(TOKENIZER_NAMES.map((name) => countTextTokens(text, name)));
      expect(result.characters).toBe([...text].length);
      expect(result.ids.get("o200k_base")).toEqual(getTokenizer("o200k_base").encode(text));
      expect(result.ids.get("cl100k_base")).toEqual(getTokenizer("cl100k_base").encode(text));
    }
  });

  it("is tested on cuts that break naive counting (each part counted alone)", () => {
    const random = seededRandom(2026);
    const o200k = getTokenizer("o200k_base");
    let naiveWrong = 0;
    for (let sample = 0; sample < 200; sample += 1) {
      const text = trickyText(random);
      const naive = randomParts(text, random).reduce((sum, part) => sum + o200k.count(part), 0);
      if (naive !== o200k.count(text)) naiveWrong += 1;
    }
    expect(naiveWrong).toBeGreaterThan(150);
  });

  it("holds text without a safe cut until one comes, then counts it the same", () => {
    const counter = createStreamingTokenCounter({ tokenizers: ["o200k_base"], chunkCodeUnits: 4 });
    const text = `${" ".repeat(50)}x${"\n".repeat(30)}end`;
    for (const character of text) counter.write(character);
    expect(counter.end().counts[0]?.tokens).toBe(getTokenizer("o200k_base").count(text));
  });

  it("counts nothing as zero and refuses use after end", () => {
    const counter = createStreamingTokenCounter({ tokenizers: ["claude", "gemini"] });
    expect(counter.end()).toMatchObject({ characters: 0, counts: [{ tokens: 0 }, { tokens: 0 }] });
    expect(() => counter.write("more")).toThrow(/after end/);
  });

  it("names a bad tokenizer", () => {
    expect(() => createStreamingTokenCounter({ tokenizers: ["gpt-4o" as "o200k_base"] })).toThrow(
      /tokenizers\[0\]/,
    );
  });
});
