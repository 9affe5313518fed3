// biome-ignore-all lint/style/noNonNullAssertion: typed-array reads in hot loops stay within bounds the loops check; noUncheckedIndexedAccess still types them as possibly undefined, and a runtime fallback would cost time on every read.
import { HASH_BASE, hashPowers, LONGEST_TOKEN_BYTES, type Vocabulary } from "./vocabulary.js";

const NO_RANK = 0x7fffffff;
/** Above this many bytes a piece merges through a heap (O(n log n)) instead of rescanning. */
const LONG_PIECE_BYTES = 64;

/**
 * Byte-pair merging exactly as tiktoken does it: repeatedly merge the adjacent pair of parts
 * whose concatenation is the lowest-ranked token, the leftmost one on ties. Works on integer
 * ranks and byte-hash lookups, with reusable typed-array scratch space.
 */
export class BytePairMerger {
  /** Token ids of the last merge, in order; valid up to the count `merge` returned. */
  ids = new Int32Array(256);
  private prefixHashes = new Int32Array(257);
  private partStarts = new Int32Array(257);
  private partRanks = new Int32Array(257);
  private nextPart = new Int32Array(0);
  private previousPart = new Int32Array(0);
  private heap = new Float64Array(0);

  constructor(private readonly vocabulary: Vocabulary) {}

  /** Merges `bytes[0..length)` (length at least 2) and returns how many tokens it became. */
  merge(bytes: Uint8Array, length: number): number {
    if (this.prefixHashes.length <= length) this.grow(length);
    const prefixHashes = this.prefixHashes;
    let hash = 0;
    for (let index = 0; index < length; index += 1) {
      hash = (Math.imul(hash, HASH_BASE) + bytes[index]!) | 0;
      prefixHashes[index + 1] = hash;
    }
    return length <= LONG_PIECE_BYTES
      ? this.mergeShort(bytes, length)
      : this.mergeLong(bytes, length);
  }

  /** Releases scratch space grown for a very long piece, so one call cannot pin memory. */
  shrink(): void {
    if (this.prefixHashes.length > 4096) {
      this.ids = new Int32Array(256);
      this.prefixHashes = new Int32Array(257);
      this.partStarts = new Int32Array(257);
      this.partRanks = new Int32Array(257);
      this.nextPart = new Int32Array(0);
      this.previousPart = new Int32Array(0);
      this.heap = new Float64Array(0);
    }
  }

  private grow(length: number): void {
    const capacity = Math.max(length + 1, this.prefixHashes.length * 2);
    this.ids = new Int32Array(capacity);
    this.prefixHashes = new Int32Array(capacity + 1);
    this.partStarts = new Int32Array(capacity + 1);
    this.partRanks = new Int32Array(capacity + 1);
  }

  /** Rank of the token spelled by `bytes[start..end)`, or NO_RANK. */
  private rankOf(bytes: Uint8Array, start: number, end: number): number {
    const length = end - start;
    if (length > LONGEST_TOKEN_BYTES) return NO_RANK;
    const hash =
      length < 8
        ? 0
        : (this.prefixHashes[end]! - Math.imul(this.prefixHashes[start]!, hashPowers[length]!)) | 0;
    const id = this.vocabulary.token(bytes, start, end, hash);
    return id === -1 ? NO_RANK : id;
  }

  /** tiktoken's own algorithm: a linear scan for the minimum, cheapest for short pieces. */
  private mergeShort(bytes: Uint8Array, length: number): number {
    const starts = this.partStarts;
    const ranks = this.partRanks;
    const ids = this.ids;
    const vocabulary = this.vocabulary;
    const byteTokens = vocabulary.byteTokens;
    for (let index = 0; index < length; index += 1) {
      starts[index] = index;
      ids[index] = byteTokens[bytes[index]!]!;
      ranks[index] = pairRank(vocabulary, bytes, index, length);
    }
    starts[length] = length;
    let parts = length;
    for (;;) {
      let lowest = NO_RANK;
      let at = -1;
      for (let index = 0; index < parts - 1; index += 1) {
        if (ranks[index]! < lowest) {
          lowest = ranks[index]!;
          at = index;
        }
      }
      if (at === -1) break;
      ids[at] = lowest;
      for (let index = at + 1; index < parts; index += 1) {
        starts[index] = starts[index + 1]!;
        ranks[index] = ranks[index + 1]!;
        ids[index] = ids[index + 1]!;
      }
      parts -= 1;
      ranks[at] = at + 2 <= parts ? this.rankOf(bytes, starts[at]!, starts[at + 2]!) : NO_RANK;
      if (at > 0) ranks[at - 1] = this.rankOf(bytes, starts[at - 1]!, starts[at + 1]!);
    }
    return parts;
  }

  /**
   * The same merges through a 4-ary min-heap of (rank, start) keys over a linked list of parts,
   * so a long piece with no split point costs O(n log n) instead of O(n^2). A key is
   * rank * 2^32 + start, one double that orders by rank, then leftmost. Stale keys are skipped
   * when popped: a key is live while its part exists and still has that rank.
   */
  private mergeLong(bytes: Uint8Array, length: number): number {
    if (this.nextPart.length <= length) {
      this.nextPart = new Int32Array(length + 1);
      this.previousPart = new Int32Array(length + 1);
      this.heap = new Float64Array(length * 3 + 4);
    }
    const next = this.nextPart;
    const previous = this.previousPart;
    const ranks = this.partRanks;
    const ids = this.ids;
    const heap = this.heap;
    const vocabulary = this.vocabulary;
    const byteTokens = vocabulary.byteTokens;
    // Parts are named by their start byte; `next` of the last part is `length`.
    let size = 0;
    for (let start = 0; start < length; start += 1) {
      next[start] = start + 1;
      previous[start] = start - 1;
      ids[start] = byteTokens[bytes[start]!]!;
      const rank = pairRank(vocabulary, bytes, start, length);
      ranks[start] = rank;
      if (rank !== NO_RANK) {
        heap[size] = rank * KEY_SCALE + start;
        size += 1;
      }
    }
    for (let parent = (size - 2) >> 2; parent >= 0; parent -= 1) {
      siftDown(heap, size, parent, heap[parent]!);
    }
    let parts = length;
    while (size > 0) {
      const key = heap[0]!;
      size -= 1;
      siftDown(heap, size, 0, heap[size]!);
      const start = key % KEY_SCALE;
      const rank = (key - start) / KEY_SCALE;
      if (ranks[start] !== rank) continue;
      const removed = next[start]!;
      const after = next[removed]!;
      ids[start] = rank;
      ranks[removed] = NO_RANK;
      next[start] = after;
      if (after < length) previous[after] = start;
      parts -= 1;
      const newRank = after < length ? this.rankOf(bytes, start, next[after]!) : NO_RANK;
      ranks[start] = newRank;
      if (newRank !== NO_RANK) {
        siftUp(heap, size, newRank * KEY_SCALE + start);
        size += 1;
      }
      const before = previous[start]!;
      if (before >= 0) {
        const beforeRank = this.rankOf(bytes, before, after);
        ranks[before] = beforeRank;
        if (beforeRank !== NO_RANK) {
          siftUp(heap, size, beforeRank * KEY_SCALE + before);
          size += 1;
        }
      }
    }
    let written = 0;
    for (let start = 0; start < length; start = next[start]!) {
      ids[written] = ids[start]!;
      written += 1;
    }
    return parts;
  }
}

/** Rank of the two bytes at `index` as one token, or NO_RANK (also past the end). */
function pairRank(vocabulary: Vocabulary, bytes: Uint8Array, index: number, length: number) {
  if (index + 2 > length) return NO_RANK;
  const id = vocabulary.pairToken(bytes[index]!, bytes[index + 1]!);
  return id === -1 ? NO_RANK : id;
}

/** Heap keys are rank * KEY_SCALE + start: exact doubles for any rank and start below 2^32. */
const KEY_SCALE = 4_294_967_296;

/** Places `key` at `hole` or below in a 4-ary min-heap of `size` keys. */
function siftDown(heap: Float64Array, size: number, hole: number, key: number): void {
  let parent = hole;
  for (;;) {
    const first = parent * 4 + 1;
    if (first >= size) break;
    let child = first;
    let smallest = heap[first]!;
    const last = Math.min(first + 4, size);
    for (let other = first + 1; other < last; other += 1) {
      if (heap[other]! < smallest) {
        smallest = heap[other]!;
        child = other;
      }
    }
    if (smallest >= key) break;
    heap[parent] = smallest;
    parent = child;
  }
  heap[parent] = key;
}

/** Adds `key` at position `size` of a 4-ary min-heap and moves it up into place. */
function siftUp(heap: Float64Array, size: number, key: number): void {
  let child = size;
  while (child > 0) {
    const parent = (child - 1) >> 2;
    if (heap[parent]! <= key) break;
    heap[child] = heap[parent]!;
    child = parent;
  }
  heap[child] = key;
}
