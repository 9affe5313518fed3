// biome-ignore-all lint/style/noNonNullAssertion: tests index fixtures they just built.
import { describe, expect, it } from "vitest";
import { BytePairMerger } from "./byte-pair-merge.js";
import { readPackedRanks } from "./data-files.js";
import { Vocabulary } from "./vocabulary.js";

const vocabulary = new Vocabulary(readPackedRanks("o200k_base"));

/** tiktoken's merge written as plainly as possible, over a Map of byte strings to ranks. */
function referenceMerge(ranks: Map<string, number>, bytes: Uint8Array): number[] {
  let parts = Array.from(bytes, (byte) => String.fromCharCode(byte));
  for (;;) {
    let lowest = Number.POSITIVE_INFINITY;
    let at = -1;
    for (let index = 0; index + 1 < parts.length; index += 1) {
      const rank = ranks.get(parts[index]! + parts[index + 1]!);
      if (rank !== undefined && rank < lowest) {
        lowest = rank;
        at = index;
      }
    }
    if (at === -1) break;
    parts = [...parts.slice(0, at), parts[at]! + parts[at + 1]!, ...parts.slice(at + 2)];
  }
  return parts.map((part) => ranks.get(part)!);
}

function rankMap(source: Vocabulary): Map<string, number> {
  const ranks = new Map<string, number>();
  for (let rank = 0; rank < source.rankCount; rank += 1) {
    const start = source.tokenOffsets()[rank]!;
    const bytes = source.tokenBytes.subarray(start, start + source.tokenBytes[start - 1]!);
    ranks.set(String.fromCharCode(...bytes), rank);
  }
  return ranks;
}

function* randomPieces(count: number): Generator<Uint8Array> {
  const encoder = new TextEncoder();
  const alphabets = [
    "abcdefghijklmnopqrstuvwxyz",
    "aab",
    "的一是不了人我在有他这中",
    "абвгдеёжзий",
    "0123456789",
    "!?.,;:",
  ];
  let state = 0x1234567;
  const next = (bound: number): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % bound;
  };
  for (let index = 0; index < count; index += 1) {
    const alphabet = [...alphabets[next(alphabets.length)]!];
    const length = 1 + next(index % 10 === 0 ? 400 : 40);
    let text = "";
    for (let position = 0; position < length; position += 1)
      text += alphabet[next(alphabet.length)];
    yield encoder.encode(text);
  }
}

describe("BytePairMerger", () => {
  const ranks = rankMap(vocabulary);

  it("merges like the plain algorithm, for short pieces (linear scan) and long ones (heap)", () => {
    const merger = new BytePairMerger(vocabulary);
    let long = 0;
    for (const bytes of randomPieces(3_000)) {
      if (bytes.length < 2) continue;
      if (bytes.length > 64) long += 1;
      const count = merger.merge(bytes, bytes.length);
      const actual = Array.from(merger.ids.subarray(0, count));
      const expected = referenceMerge(ranks, bytes);
      if (actual.join() !== expected.join()) {
        expect({ bytes, actual }).toEqual({ bytes, actual: expected });
      }
    }
    expect(long).toBeGreaterThan(100);
  });

  it("merges ties leftmost first", () => {
    const merger = new BytePairMerger(vocabulary);
    for (const text of ["aaa", "aaaaa", "a".repeat(65), "a".repeat(201)]) {
      const bytes = new TextEncoder().encode(text);
      const count = merger.merge(bytes, bytes.length);
      expect(Array.from(merger.ids.subarray(0, count))).toEqual(referenceMerge(ranks, bytes));
    }
  });

  it("gives back the scratch space a very long piece needed", () => {
    const merger = new BytePairMerger(vocabulary);
    const bytes = new TextEncoder().encode("ab".repeat(10_000));
    merger.merge(bytes, bytes.length);
    expect(merger.ids.length).toBeGreaterThan(20_000);
    merger.shrink();
    expect(merger.ids.length).toBe(256);
  });
});
