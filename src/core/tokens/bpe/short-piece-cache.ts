// biome-ignore-all lint/style/noNonNullAssertion: typed-array reads in hot loops stay within bounds the loops check; noUncheckedIndexedAccess still types them as possibly undefined, and a runtime fallback would cost time on every read.
/** log2 of the slot count: 16,384 slots of 12 bytes, small enough to stay in the CPU's L2. */
const SLOT_BITS = 14;
export const NOT_CACHED = 0x7fffffff;

/**
 * A direct-mapped cache of short ASCII pieces (up to eight characters), the bulk of most text,
 * keyed by their short keys (see vocabulary.ts): the key is the piece itself, so a lookup is one
 * probe in a table small enough to stay in cache, with no hashing or byte comparison. A value is
 * the piece's token id when it is one token, or minus its token count. A new piece evicts the one
 * in its slot, so the size never changes.
 */
export class ShortPieceCache {
  private readonly keys = new Int32Array(2 << SLOT_BITS);
  private readonly values = new Int32Array(1 << SLOT_BITS);

  /** The value stored for the packed key, or NOT_CACHED. */
  get(low: number, high: number): number {
    const slot = slotOf(low, high);
    return this.keys[slot << 1] === low && this.keys[(slot << 1) + 1] === high
      ? this.values[slot]!
      : NOT_CACHED;
  }

  set(low: number, high: number, value: number): void {
    const slot = slotOf(low, high);
    this.keys[slot << 1] = low;
    this.keys[(slot << 1) + 1] = high;
    this.values[slot] = value;
  }
}

function slotOf(low: number, high: number): number {
  return Math.imul(low ^ Math.imul(high, 0x85ebca6b), 0x9e3779b1) >>> (32 - SLOT_BITS);
}
