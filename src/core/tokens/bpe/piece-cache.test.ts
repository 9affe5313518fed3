import { describe, expect, it } from "vitest";
import { hashCodeUnits, LONGEST_CACHED_PIECE_CODE_UNITS, PieceCache } from "./piece-cache.js";
import { HASH_BASE, hashBytes } from "./vocabulary.js";

function add(cache: PieceCache, text: string, ids: number[], start = 0, end = text.length): void {
  const padded = Int32Array.from([-1, ...ids]);
  cache.add(text, start, end - start, hashCodeUnits(text, start, end), padded, 1, ids.length);
}

function find(cache: PieceCache, text: string, start = 0, end = text.length): number[] | undefined {
  const entry = cache.find(text, start, end - start, hashCodeUnits(text, start, end));
  if (entry === -1) return undefined;
  return Array.from(cache.tokens.subarray(cache.tokenStart(entry), cache.tokenEnd(entry)));
}

describe("PieceCache", () => {
  it("returns the ids stored for a piece, found by its code units anywhere in a text", () => {
    const cache = new PieceCache();
    add(cache, "tokenizer", [5963, 6003]);
    add(cache, "xx héllo", [1, 2, 3], 3);
    add(cache, "\u{1f600}\ud800", [7, 8]);
    expect(find(cache, "tokenizer")).toEqual([5963, 6003]);
    expect(find(cache, "héllo")).toEqual([1, 2, 3]);
    expect(find(cache, "a tokenizer b", 2, 11)).toEqual([5963, 6003]);
    expect(find(cache, "\u{1f600}\ud800")).toEqual([7, 8]);
    expect(find(cache, "tokenize")).toBeUndefined();
    expect(find(cache, "hello")).toBeUndefined();
    expect(find(cache, "\u{1f600}")).toBeUndefined();
  });

  it("hashes an ASCII piece as the vocabulary hashes its bytes", () => {
    const bytes = new TextEncoder().encode("additionalProperties");
    expect(hashCodeUnits("additionalProperties", 0, 20)).toBe(hashBytes(bytes, 0, bytes.length));
    expect(hashCodeUnits("ab", 0, 2)).toBe((Math.imul(97, HASH_BASE) + 98) | 0);
  });

  it("keeps pieces apart whose hashes collide", () => {
    // (7, -2826, 2015) is a difference of code units that the hash maps to 0 (mod 2^32).
    const first = String.fromCharCode(0x61, 0x3000, 0x100);
    const second = String.fromCharCode(0x61 + 7, 0x3000 - 2826, 0x100 + 2015);
    expect(hashCodeUnits(first, 0, first.length)).toBe(hashCodeUnits(second, 0, second.length));
    const cache = new PieceCache();
    add(cache, first, [1, 2]);
    expect(find(cache, second)).toBeUndefined();
    add(cache, second, [3, 4]);
    expect(find(cache, first)).toEqual([1, 2]);
    expect(find(cache, second)).toEqual([3, 4]);
  });

  it("skips pieces too long to be worth caching", () => {
    const cache = new PieceCache();
    const long = "x".repeat(LONGEST_CACHED_PIECE_CODE_UNITS + 1);
    add(cache, long, [1]);
    expect(find(cache, long)).toBeUndefined();
    const longest = "y".repeat(LONGEST_CACHED_PIECE_CODE_UNITS);
    add(cache, longest, [2]);
    expect(find(cache, longest)).toEqual([2]);
  });

  it("holds the 150,000 distinct pieces of 10 MB of mixed text", () => {
    const cache = new PieceCache();
    for (let index = 0; index < 200_000; index += 1) {
      add(cache, `piece${index}`, [index, index + 1, index + 2]);
    }
    for (let index = 0; index < 200_000; index += 1) {
      if (find(cache, `piece${index}`)?.[2] !== index + 2) expect.fail(`piece${index} is gone`);
    }
  });

  it("grows to its maximums, then starts over instead of growing further", () => {
    const cache = new PieceCache();
    for (let index = 0; index < 270_000; index += 1)
      add(cache, `piece${index}`, [index, index + 1]);
    expect(find(cache, "piece269999")).toEqual([269_999, 270_000]);
    expect(find(cache, "piece0")).toBeUndefined();
    expect(cache.tokens.length).toBeLessThanOrEqual(1 << 20);
    for (let index = 0; index < 600_000; index += 1) add(cache, `p${index}`, [index]);
    expect(cache.tokens.length).toBeLessThanOrEqual(1 << 20);
    expect(find(cache, "p599999")).toEqual([599_999]);
  });
});
