import { get_encoding } from "tiktoken";
import { afterAll, describe, expect, it } from "vitest";
import {
  boundaryAtOrAfter,
  boundaryAtOrBefore,
  isCharacterBoundary,
} from "./character-boundaries.js";
import { getTokenizer } from "./registry.js";
import { randomText, seededRandom } from "./test-support/random-text.js";

const cl100k = getTokenizer("cl100k_base");
const oracle = get_encoding("cl100k_base");
afterAll(() => oracle.free());

/** Byte offset of a cut, from tiktoken's exact bytes of each token. */
function byteOffset(tokens: readonly number[], cut: number): number {
  let bytes = 0;
  for (const token of tokens.slice(0, cut)) {
    bytes += oracle.decode_single_token_bytes(token).length;
  }
  return bytes;
}

/** Byte offsets where a code point starts or the text ends. */
function codePointOffsets(text: string): Set<number> {
  const encoder = new TextEncoder();
  const offsets = new Set<number>([0]);
  let offset = 0;
  for (const character of text) {
    offset += encoder.encode(character).length;
    offsets.add(offset);
  }
  return offsets;
}

function expectMatchesBytes(text: string): void {
  const tokens = cl100k.encode(text);
  const boundaries = codePointOffsets(text);
  for (let cut = 0; cut <= tokens.length; cut++) {
    expect(isCharacterBoundary(cl100k, tokens, cut), `${JSON.stringify(text)} cut ${cut}`).toBe(
      boundaries.has(byteOffset(tokens, cut)),
    );
  }
}

describe("isCharacterBoundary", () => {
  it("finds the cuts inside an emoji and a CJK character", () => {
    const robot = cl100k.encode("🤖");
    expect(robot.length).toBe(3);
    expect([0, 1, 2, 3].map((cut) => isCharacterBoundary(cl100k, robot, cut))).toEqual([
      true,
      false,
      false,
      true,
    ]);
    const birthday = cl100k.encode("お誕生日おめでとう");
    // 誕 is split over tokens 1 and 2 ([0xe8 0xaa] [0x95]).
    expect(isCharacterBoundary(cl100k, birthday, 2)).toBe(false);
    expect(isCharacterBoundary(cl100k, birthday, 1)).toBe(true);
    expect(isCharacterBoundary(cl100k, birthday, 3)).toBe(true);
  });

  it("is not fooled by real U+FFFD characters in the text", () => {
    expectMatchesBytes("a\ufffd\ufffdb\ufffd🤖\ufffd");
    expectMatchesBytes("\ufffd".repeat(9));
  });

  it("agrees with a byte-level check on random text", () => {
    const random = seededRandom(99);
    for (let sample = 0; sample < 80; sample++) {
      expectMatchesBytes(randomText(random, 25));
    }
  });

  it("backs off to the nearest boundary in either direction", () => {
    const tokens = cl100k.encode("x🤖y");
    expect(tokens.length).toBe(5);
    expect(boundaryAtOrBefore(cl100k, tokens, 3)).toBe(1);
    expect(boundaryAtOrAfter(cl100k, tokens, 2)).toBe(4);
    expect(boundaryAtOrBefore(cl100k, tokens, 99)).toBe(5);
    expect(boundaryAtOrAfter(cl100k, tokens, -3)).toBe(0);
  });
});
