import { describe, expect, it } from "vitest";
import { NOT_CACHED, ShortPieceCache } from "./short-piece-cache.js";

describe("ShortPieceCache", () => {
  it("returns what was stored under a key, and NOT_CACHED for other keys", () => {
    const cache = new ShortPieceCache();
    cache.set(0x6c6c6568, (5 << 24) | 0x6f, 24_912);
    cache.set(0x64726f77, 4 << 24, -2);
    expect(cache.get(0x6c6c6568, (5 << 24) | 0x6f)).toBe(24_912);
    expect(cache.get(0x64726f77, 4 << 24)).toBe(-2);
    expect(cache.get(0x6c6c6568, (4 << 24) | 0x6f)).toBe(NOT_CACHED);
    expect(cache.get(0, 1 << 24)).toBe(NOT_CACHED);
  });

  it("keeps a fixed size: new keys evict old ones that share their slot", () => {
    const cache = new ShortPieceCache();
    for (let key = 0; key < 100_000; key += 1) cache.set(key, 1 << 24, key);
    let kept = 0;
    for (let key = 0; key < 100_000; key += 1) if (cache.get(key, 1 << 24) === key) kept += 1;
    expect(kept).toBeLessThanOrEqual(1 << 14);
    expect(cache.get(99_999, 1 << 24)).toBe(99_999);
  });
});
