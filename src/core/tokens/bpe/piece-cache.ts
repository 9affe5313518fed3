// biome-ignore-all lint/style/noNonNullAssertion: typed-array reads in hot loops stay within bounds the loops check; noUncheckedIndexedAccess still types them as possibly undefined, and a runtime fallback would cost time on every read.
/**
 * Upper bounds that keep the cache's memory fixed whatever the input: about 11.5 MB at most,
 * reached only by text with some 100,000 distinct multi-token pieces (the multilingual part of
 * the benchmark corpus has 74,000 in 2.5 MB; gpt-tokenizer keeps 100,000 in its cache).
 */
const MAXIMUM_ENTRIES = 1 << 17;
const MAXIMUM_BYTES = 1 << 22;
const MAXIMUM_TOKENS = 1 << 20;
/** First sizes: a tokenizer that counts a little allocates a little. */
const FIRST_ENTRIES = 1 << 10;
const FIRST_BYTES = 1 << 14;
const FIRST_TOKENS = 1 << 12;
/** Pieces longer than this are merged every time: caching them would crowd out many short ones. */
export const LONGEST_CACHED_PIECE_BYTES = 1024;

/**
 * A bounded cache from piece bytes to the token ids they merge into, for pieces that are not a
 * single token. Keys are bytes plus their hash, so lookups need no strings. Its arenas double
 * as they fill, up to fixed maximums; when one is full at its maximum the cache starts over, so
 * memory stays bounded on adversarial input and the frequent pieces of the current text come
 * back within a few hundred pieces.
 */
export class PieceCache {
  /** Open addressing: pairs of (hash, entry + 1), at most half full. */
  private slots = new Int32Array(4 * FIRST_ENTRIES);
  private slotShift = 32 - Math.log2(2 * FIRST_ENTRIES);
  private byteStarts = new Int32Array(FIRST_ENTRIES + 1);
  private tokenStarts = new Int32Array(FIRST_ENTRIES + 1);
  private hashes = new Int32Array(FIRST_ENTRIES);
  private bytes = new Uint8Array(FIRST_BYTES);
  /** Token ids of every entry; entry `e` owns `tokens[tokenStart(e)..tokenEnd(e))`. */
  tokens = new Int32Array(FIRST_TOKENS);
  private entries = 0;

  /** Entry of the piece `bytes[0..length)` with hash `hash`, or -1. */
  find(bytes: Uint8Array, length: number, hash: number): number {
    const slots = this.slots;
    const mask = slots.length - 1;
    let slot = (Math.imul(hash, 0x9e3779b1) >>> this.slotShift) << 1;
    for (;;) {
      const entryPlusOne = slots[slot + 1]!;
      if (entryPlusOne === 0) return -1;
      if (slots[slot] === hash) {
        const entry = entryPlusOne - 1;
        const start = this.byteStarts[entry]!;
        if (this.byteStarts[entry + 1]! - start === length) {
          const cached = this.bytes;
          let index = 0;
          while (index < length && cached[start + index] === bytes[index]) index += 1;
          if (index === length) return entry;
        }
      }
      slot = (slot + 2) & mask;
    }
  }

  /** Entry of the ASCII piece `text[start..start+length)` with hash `hash`, or -1. */
  findAscii(text: string, start: number, length: number, hash: number): number {
    const slots = this.slots;
    const mask = slots.length - 1;
    let slot = (Math.imul(hash, 0x9e3779b1) >>> this.slotShift) << 1;
    for (;;) {
      const entryPlusOne = slots[slot + 1]!;
      if (entryPlusOne === 0) return -1;
      if (slots[slot] === hash) {
        const entry = entryPlusOne - 1;
        const cachedStart = this.byteStarts[entry]!;
        if (this.byteStarts[entry + 1]! - cachedStart === length) {
          const cached = this.bytes;
          let index = 0;
          while (index < length && cached[cachedStart + index] === text.charCodeAt(start + index)) {
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

  /** Remembers that `bytes[0..length)` (hash `hash`) merges into `ids[0..count)`. */
  add(bytes: Uint8Array, length: number, hash: number, ids: Int32Array, count: number): void {
    if (length > LONGEST_CACHED_PIECE_BYTES) return;
    if (!this.makeRoom(length, count)) {
      this.slots.fill(0);
      this.entries = 0;
    }
    const entry = this.entries;
    const byteStart = this.byteStarts[entry]!;
    const cachedBytes = this.bytes;
    for (let index = 0; index < length; index += 1) cachedBytes[byteStart + index] = bytes[index]!;
    this.byteStarts[entry + 1] = byteStart + length;
    const tokenStart = this.tokenStarts[entry]!;
    const tokens = this.tokens;
    for (let index = 0; index < count; index += 1) tokens[tokenStart + index] = ids[index]!;
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
    const bytesNeeded = this.byteStarts[entry]! + length;
    const tokensNeeded = this.tokenStarts[entry]! + count;
    if (entry === MAXIMUM_ENTRIES || bytesNeeded > MAXIMUM_BYTES || tokensNeeded > MAXIMUM_TOKENS) {
      return false;
    }
    if (bytesNeeded > this.bytes.length) {
      const bytes = new Uint8Array(Math.min(MAXIMUM_BYTES, this.bytes.length * 2));
      bytes.set(this.bytes);
      this.bytes = bytes;
    }
    if (tokensNeeded > this.tokens.length) {
      const tokens = new Int32Array(Math.min(MAXIMUM_TOKENS, this.tokens.length * 2));
      tokens.set(this.tokens);
      this.tokens = tokens;
    }
    if (entry === this.hashes.length) {
      const capacity = entry * 2;
      const byteStarts = new Int32Array(capacity + 1);
      byteStarts.set(this.byteStarts);
      this.byteStarts = byteStarts;
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
