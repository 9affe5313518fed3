import { describe, expect, it } from "vitest";
import { LONGEST_CACHED_PIECE_BYTES, PieceCache } from "./piece-cache.js";
import { hashBytes } from "./vocabulary.js";

const encoder = new TextEncoder();

function add(cache: PieceCache, text: string, ids: number[]): void {
  const bytes = encoder.encode(text);
  cache.add(
    bytes,
    bytes.length,
    hashBytes(bytes, 0, bytes.length),
    Int32Array.from(ids),
    ids.length,
  );
}

function find(cache: PieceCache, text: string): number[] | undefined {
  const bytes = encoder.encode(text);
  const entry = cache.find(bytes, bytes.length, hashBytes(bytes, 0, bytes.length));
  if (entry === -1) return undefined;
  return Array.from(cache.tokens.subarray(cache.tokenStart(entry), cache.tokenEnd(entry)));
}

describe("PieceCache", () => {
  it("returns the ids stored for a piece, by bytes or by ASCII text", () => {
    const cache = new PieceCache();
    add(cache, "tokenizer", [5963, 6003]);
    add(cache, "héllo", [1, 2, 3]);
    expect(find(cache, "tokenizer")).toEqual([5963, 6003]);
    expect(find(cache, "héllo")).toEqual([1, 2, 3]);
    expect(find(cache, "tokenize")).toBeUndefined();
    const text = "xx tokenizer";
    const bytes = encoder.encode("tokenizer");
    const entry = cache.findAscii(text, 3, 9, hashBytes(bytes, 0, bytes.length));
    expect(cache.tokenEnd(entry) - cache.tokenStart(entry)).toBe(2);
  });

  it("skips pieces too long to be worth caching", () => {
    const cache = new PieceCache();
    const long = "x".repeat(LONGEST_CACHED_PIECE_BYTES + 1);
    add(cache, long, [1]);
    expect(find(cache, long)).toBeUndefined();
  });

  it("grows to its maximums, then starts over instead of growing further", () => {
    const cache = new PieceCache();
    for (let index = 0; index < 140_000; index += 1)
      add(cache, `piece${index}`, [index, index + 1]);
    expect(find(cache, "piece139999")).toEqual([139_999, 140_000]);
    expect(find(cache, "piece0")).toBeUndefined();
    expect(cache.tokens.length).toBeLessThanOrEqual(1 << 20);
    for (let index = 0; index < 300_000; index += 1) add(cache, `p${index}`, [index]);
    expect(cache.tokens.length).toBeLessThanOrEqual(1 << 20);
    expect(find(cache, "p299999")).toEqual([299_999]);
  });
});
