// biome-ignore-all lint/style/noNonNullAssertion: typed-array reads in hot loops stay within bounds the loops check; noUncheckedIndexedAccess still types them as possibly undefined, and a runtime fallback would cost time on every read.
import { HASH_BASE } from "./vocabulary.js";

/**
 * Upper bounds that keep the cache's memory fixed whatever the input: about 15 MB at most
 * (4 MB of slots, 3 MB of entry offsets and hashes, 4 MB of code units, 4 MB of token ids),
 * whichever bound a text reaches first. 10.7 MB of the benchmark's mixed text has 149,500
 * distinct pieces this cache holds with cl100k_base (its smaller vocabulary splits more words
 * into several tokens) and 139,000 with o200k_base, in 1.3 MB of code units and 555,000 token
 * ids: a quarter of a million entries keep every piece of a text that size, where 2^17 made the
 * cache start over once per pass through it. gpt-tokenizer keeps 100,000 in its cache.
 */
const MAXIMUM_ENTRIES = 1 << 18;
const MAXIMUM_CODE_UNITS = 1 << 21;
const MAXIMUM_TOKENS = 1 << 20;
/** First sizes: a tokenizer that counts a little allocates a little. */
const FIRST_ENTRIES = 1 << 10;
const FIRST_CODE_UNITS = 1 << 13;
const FIRST_TOKENS = 1 << 12;
/** Pieces longer than this are tokenized every time: caching them would crowd out many short ones. */
export const LONGEST_CACHED_PIECE_CODE_UNITS = 1024;

/**
 * A bounded cache from a piece of text to its token ids, for every piece the tokenizer cannot
 * answer from its short-piece cache. Keys are the piece's UTF-16 code units plus their hash
 * ({@link hashCodeUnits}), compared against the text itself, so a repeated piece costs one hash
 * and one probe: no UTF-8 encoding, no vocabulary lookup and no merging. Its arenas double as
 * they fill, up to fixed maximums; when one is full at its maximum the cache starts over, so
 * memory stays bounded on adversarial input and the frequent pieces of the current text come
 * back within a few hundred pieces.
 */
export class PieceCache {
  /** Open addressing: pairs of (hash, entry + 1), at most half full. */
  private slots = new Int32Array(4 * FIRST_ENTRIES);
  private slotShift = 32 - Math.log2(2 * FIRST_ENTRIES);
  private unitStarts = new Int32Array(FIRST_ENTRIES + 1);
  private tokenStarts = new Int32Array(FIRST_ENTRIES + 1);
  private hashes = new Int32Array(FIRST_ENTRIES);
  private units = new Uint16Array(FIRST_CODE_UNITS);
  /** Token ids of every entry; entry `e` owns `tokens[tokenStart(e)..tokenEnd(e))`. */
  tokens = new Int32Array(FIRST_TOKENS);
  private entries = 0;

  /** Entry of the piece `text[start..start+length)` whose hash is `hash`, or -1. */
  find(text: string, start: number, length: number, hash: number): number {
    const slots = this.slots;
    const mask = slots.length - 1;
    let slot = (Math.imul(hash, 0x9e3779b1) >>> this.slotShift) << 1;
    for (;;) {
      const entryPlusOne = slots[slot + 1]!;
      if (entryPlusOne === 0) return -1;
      if (slots[slot] === hash) {
        const entry = entryPlusOne - 1;
        const cachedStart = this.unitStarts[entry]!;
        if (this.unitStarts[entry + 1]! - cachedStart === length) {
          const units = this.units;
          let index = 0;
          while (index < length && units[cachedStart + index] === text.charCodeAt(start + index)) {
            index += 1;
          }
          if (index === length) return entry;
        }
      }
      slot = (slot + 2) & mask;
    }
  }

  tokenStart(entry: number): number {
    return this.tokenStarts[entry]!;
  }

  tokenEnd(entry: number): number {
    return this.tokenStarts[entry + 1]!;
  }

  /**
   * Remembers that `text[start..start+length)` (hash `hash`) is the tokens
   * `ids[idsStart..idsStart+count)`.
   */
  add(
    text: string,
    start: number,
    length: number,
    hash: number,
    ids: Int32Array,
    idsStart: number,
    count: number,
  ): void {
    if (length > LONGEST_CACHED_PIECE_CODE_UNITS) return;
    if (!this.makeRoom(length, count)) {
      this.slots.fill(0);
      this.entries = 0;
    }
    const entry = this.entries;
    const unitStart = this.unitStarts[entry]!;
    const units = this.units;
    for (let index = 0; index < length; index += 1) {
      units[unitStart + index] = text.charCodeAt(start + index);
    }
    this.unitStarts[entry + 1] = unitStart + length;
    const tokenStart = this.tokenStarts[entry]!;
    const tokens = this.tokens;
    for (let index = 0; index < count; index += 1)
      tokens[tokenStart + index] = ids[idsStart + index]!;
    this.tokenStarts[entry + 1] = tokenStart + count;
    this.hashes[entry] = hash;
    this.entries = entry + 1;
    this.insert(hash, entry);
  }

  private insert(hash: number, entry: number): void {
    const slots = this.slots;
    const mask = slots.length - 1;
    let slot = (Math.imul(hash, 0x9e3779b1) >>> this.slotShift) << 1;
    while (slots[slot + 1] !== 0) slot = (slot + 2) & mask;
    slots[slot] = hash;
    slots[slot + 1] = entry + 1;
  }

  /** Grows whatever is too small for one more entry; false when a maximum is in the way. */
  private makeRoom(length: number, count: number): boolean {
    const entry = this.entries;
    const unitsNeeded = this.unitStarts[entry]! + length;
    const tokensNeeded = this.tokenStarts[entry]! + count;
    if (
      entry === MAXIMUM_ENTRIES ||
      unitsNeeded > MAXIMUM_CODE_UNITS ||
      tokensNeeded > MAXIMUM_TOKENS
    ) {
      return false;
    }
    if (unitsNeeded > this.units.length) {
      const units = new Uint16Array(Math.min(MAXIMUM_CODE_UNITS, this.units.length * 2));
      units.set(this.units);
      this.units = units;
    }
    if (tokensNeeded > this.tokens.length) {
      const tokens = new Int32Array(Math.min(MAXIMUM_TOKENS, this.tokens.length * 2));
      tokens.set(this.tokens);
      this.tokens = tokens;
    }
    if (entry === this.hashes.length) {
      const capacity = entry * 2;
      const unitStarts = new Int32Array(capacity + 1);
      unitStarts.set(this.unitStarts);
      this.unitStarts = unitStarts;
      const tokenStarts = new Int32Array(capacity + 1);
      tokenStarts.set(this.tokenStarts);
      this.tokenStarts = tokenStarts;
      const hashes = new Int32Array(capacity);
      hashes.set(this.hashes);
      this.hashes = hashes;
      this.slots = new Int32Array(4 * capacity);
      this.slotShift = 32 - Math.log2(2 * capacity);
      for (let existing = 0; existing < entry; existing += 1) {
        this.insert(this.hashes[existing]!, existing);
      }
    }
    return true;
  }
}

/**
 * The cache's key hash of `text[start..end)`: the polynomial hash of its UTF-16 code units, with
 * the vocabulary's {@link HASH_BASE}, so for an ASCII piece it equals the hash of its bytes.
 */
export function hashCodeUnits(text: string, start: number, end: number): number {
  let hash = 0;
  for (let index = start; index < end; index += 1) {
    hash = (Math.imul(hash, HASH_BASE) + text.charCodeAt(index)) | 0;
  }
  return hash;
}
