// biome-ignore-all lint/style/noNonNullAssertion: typed-array reads in hot loops stay within bounds the loops check; noUncheckedIndexedAccess still types them as possibly undefined, and a runtime fallback would cost time on every read.
import { decodeBase64 } from "./base64.js";

/** Multiplier of the polynomial byte hash: hash(bytes + [b]) = hash(bytes) * HASH_BASE + b. */
export const HASH_BASE = 0x01000193;
/** The longest token of o200k_base and cl100k_base, in bytes. */
export const LONGEST_TOKEN_BYTES = 128;

/** HASH_BASE ** length (mod 2^32), so the hash of a span follows from two prefix hashes. */
export const hashPowers = new Int32Array(LONGEST_TOKEN_BYTES + 1);
hashPowers[0] = 1;
for (let length = 1; length <= LONGEST_TOKEN_BYTES; length += 1) {
  hashPowers[length] = Math.imul(hashPowers[length - 1]!, HASH_BASE);
}

/**
 * Short keys: a byte string of 1 to 7 bytes, or of 8 ASCII bytes, is its own key, packed into
 * two integers. Bytes 0-3 go to `low` and bytes 4-6 to `high` (8 bits each, first byte lowest),
 * with the length in bits 24-26 of `high`; eight ASCII bytes are packed 7 bits each, with bit 31
 * of `high` set. Every key has a non-zero `high`, so 0 marks an empty slot.
 */
export const EIGHT_ASCII_FLAG = 1 << 31;

/**
 * Both tables are cut into 2^9 partitions by the top bits of a key's mixed hash, and the data
 * lists the ranks partition by partition (scripts/build-bpe-data.mjs computes the same mix), so
 * a partition is filled the first time a lookup lands in it rather than all before the first
 * count. Probing wraps around inside a partition.
 */
const PARTITION_BITS = 9;
const PARTITIONS = 1 << PARTITION_BITS;

/** Hash of `bytes[start..end)`: the polynomial hash of {@link HASH_BASE}. */
export function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let hash = 0;
  for (let index = start; index < end; index += 1) {
    hash = (Math.imul(hash, HASH_BASE) + bytes[index]!) | 0;
  }
  return hash;
}

/** The mixed hash of a short key; its top bits pick the slot. */
function mixShortKey(low: number, high: number): number {
  return Math.imul(low ^ Math.imul(high, 0x85ebca6b), 0x9e3779b1);
}

/** The generated data of one encoding (see data-files.ts). */
export interface PackedRanks {
  readonly rankCount: number;
  readonly shortCount: number;
  readonly longCount: number;
  /** Base64; layout in scripts/build-bpe-data.mjs, encodeRanks. */
  readonly ranks: string;
}

/**
 * The mergeable ranks of one encoding, laid out for lookups without strings: an open-addressing
 * table keyed by the packed bytes of short tokens (one memory access and no byte comparison, for
 * two thirds of the vocabulary and most lookups), and one keyed by a byte hash for the others.
 * Loading it only decodes the data; each table partition is filled on first use.
 *
 * @example
 * ```ts
 * const vocabulary = new Vocabulary(readPackedRanks("o200k_base"));
 * vocabulary.token(bytes, 0, bytes.length, hashBytes(bytes, 0, bytes.length)); // id, or -1
 * ```
 */
export class Vocabulary {
  /** Number of mergeable ranks; special tokens come after. */
  readonly rankCount: number;
  /** Token id of each single byte. */
  readonly byteTokens = new Int32Array(256);
  /** The decoded data: header, then records (rank, length, bytes) partition by partition. */
  private readonly records: Uint8Array;
  private readonly recordView: DataView;
  private readonly partitionStarts = new Int32Array(PARTITIONS + 1);
  private readonly filledPartitions = new Uint8Array(PARTITIONS);
  /** Triples (low key, high key, id); a high key of 0 marks an empty slot. */
  private readonly shortTable: Int32Array;
  private readonly shortShift: number;
  private readonly shortPartitionMask: number;
  /** Triples (hash, id + 1, record offset); an id + 1 of 0 marks an empty slot. */
  private readonly longTable: Int32Array;
  private readonly longShift: number;
  private readonly longPartitionMask: number;
  /** Id of each two-byte token at (first byte << 8 | second byte), -1 for none, -2 unknown yet. */
  private readonly pairTokens = new Int32Array(65_536).fill(-2);
  /** Offset of each token's bytes, by id; built on the first decode. */
  private offsetsByRank: Int32Array | undefined;

  constructor(packed: PackedRanks) {
    const data = decodeBase64(packed.ranks);
    this.rankCount = packed.rankCount;
    for (let byte = 0; byte < 256; byte += 1) {
      this.byteTokens[byte] =
        data[byte * 3]! | (data[byte * 3 + 1]! << 8) | (data[byte * 3 + 2]! << 16);
    }
    const offsets = new DataView(data.buffer, data.byteOffset + 256 * 3, (PARTITIONS + 1) * 4);
    for (let partition = 0; partition <= PARTITIONS; partition += 1) {
      this.partitionStarts[partition] = offsets.getUint32(partition * 4, true);
    }
    this.records = data;
    this.recordView = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const shortBits = Math.max(PARTITION_BITS + 4, Math.ceil(Math.log2(packed.shortCount * 1.7)));
    const longBits = Math.max(PARTITION_BITS + 4, Math.ceil(Math.log2(packed.longCount * 2)));
    this.shortTable = new Int32Array(3 << shortBits);
    this.shortShift = 32 - shortBits;
    this.shortPartitionMask = (1 << (shortBits - PARTITION_BITS)) - 1;
    this.longTable = new Int32Array(3 << longBits);
    this.longShift = 32 - longBits;
    this.longPartitionMask = (1 << (longBits - PARTITION_BITS)) - 1;
  }

  /** Token id of the short key (low, high), or -1. */
  shortToken(low: number, high: number): number {
    const mixed = mixShortKey(low, high);
    const partition = mixed >>> (32 - PARTITION_BITS);
    if (this.filledPartitions[partition] === 0) this.fillPartition(partition);
    const table = this.shortTable;
    const mask = this.shortPartitionMask;
    let slot = mixed >>> this.shortShift;
    for (;;) {
      const at = slot * 3;
      const slotHigh = table[at + 1]!;
      if (slotHigh === 0) return -1;
      if (slotHigh === high && table[at] === low) return table[at + 2]!;
      slot = (slot & ~mask) | ((slot + 1) & mask);
    }
  }

  /**
   * Token id of `bytes[start..end)` whose hash is `hash`, or -1, among the long tokens (more
   * than 7 bytes, or 8 bytes that are not all ASCII).
   */
  longToken(bytes: Uint8Array, start: number, end: number, hash: number): number {
    const mixed = Math.imul(hash, 0x9e3779b1);
    const partition = mixed >>> (32 - PARTITION_BITS);
    if (this.filledPartitions[partition] === 0) this.fillPartition(partition);
    const { longTable: table, records } = this;
    const mask = this.longPartitionMask;
    const length = end - start;
    let slot = mixed >>> this.longShift;
    for (;;) {
      const at = slot * 3;
      const idPlusOne = table[at + 1]!;
      if (idPlusOne === 0) return -1;
      if (table[at] === hash) {
        const record = table[at + 2]!;
        if (records[record + 3] === length) {
          let index = 0;
          while (index < length && records[record + 4 + index] === bytes[start + index]) index += 1;
          if (index === length) return idPlusOne - 1;
        }
      }
      slot = (slot & ~mask) | ((slot + 1) & mask);
    }
  }

  /** {@link longToken} for an ASCII piece, comparing against the text's code units. */
  longAsciiToken(text: string, start: number, length: number, hash: number): number {
    const mixed = Math.imul(hash, 0x9e3779b1);
    const partition = mixed >>> (32 - PARTITION_BITS);
    if (this.filledPartitions[partition] === 0) this.fillPartition(partition);
    const { longTable: table, records } = this;
    const mask = this.longPartitionMask;
    let slot = mixed >>> this.longShift;
    for (;;) {
      const at = slot * 3;
      const idPlusOne = table[at + 1]!;
      if (idPlusOne === 0) return -1;
      if (table[at] === hash) {
        const record = table[at + 2]!;
        if (records[record + 3] === length) {
          let index = 0;
          while (index < length && records[record + 4 + index] === text.charCodeAt(start + index)) {
            index += 1;
          }
          if (index === length) return idPlusOne - 1;
        }
      }
      slot = (slot & ~mask) | ((slot + 1) & mask);
    }
  }

  /**
   * Token id of any `bytes[start..end)` (1 to 128 bytes): through its short key when it has one,
   * else through `hash`, its hash (see {@link HASH_BASE}; unused for spans under 8 bytes).
   */
  token(bytes: Uint8Array, start: number, end: number, hash: number): number {
    const length = end - start;
    if (length <= 7) {
      let low = 0;
      let high = length << 24;
      for (let index = 0; index < length; index += 1) {
        if (index < 4) low |= bytes[start + index]! << (index << 3);
        else high |= bytes[start + index]! << ((index - 4) << 3);
      }
      return this.shortToken(low, high);
    }
    if (length === 8) {
      let low = 0;
      let high = EIGHT_ASCII_FLAG;
      let index = 0;
      for (; index < 8; index += 1) {
        const byte = bytes[start + index]!;
        if (byte >= 128) break;
        if (index < 4) low |= byte << (7 * index);
        else high |= byte << (7 * (index - 4));
      }
      if (index === 8) return this.shortToken(low, high);
    }
    return this.longToken(bytes, start, end, hash);
  }

  /** Token id of the two bytes `first`, `second` as one token, or -1. */
  pairToken(first: number, second: number): number {
    const index = (first << 8) | second;
    let id = this.pairTokens[index]!;
    if (id === -2) {
      id = this.shortToken(first | (second << 8), 2 << 24);
      this.pairTokens[index] = id;
    }
    return id;
  }

  /**
   * Where each token's bytes are in {@link tokenBytes}, by id: token `id` is the
   * `tokenBytes[offsets[id] - 1]` bytes from `offsets[id]`. Built on first use (the first decode).
   */
  tokenOffsets(): Int32Array {
    this.offsetsByRank ??= this.indexRecords();
    return this.offsetsByRank;
  }

  /** The decoded data, in which {@link tokenOffsets} finds each token's bytes. */
  get tokenBytes(): Uint8Array {
    return this.records;
  }

  /** {@link tokenBytes} as a DataView, to copy tokens four bytes at a time (it ends in 8 spare bytes). */
  get tokenBytesView(): DataView {
    return this.recordView;
  }

  private indexRecords(): Int32Array {
    const offsets = new Int32Array(this.rankCount);
    const records = this.records;
    const end = this.partitionStarts[PARTITIONS]!;
    for (let record = this.partitionStarts[0]!; record < end; record += 4 + records[record + 3]!) {
      offsets[records[record]! | (records[record + 1]! << 8) | (records[record + 2]! << 16)] =
        record + 4;
    }
    return offsets;
  }

  /** Puts every token of one partition in its table. */
  private fillPartition(partition: number): void {
    const { records, recordView: view, shortTable, longTable } = this;
    const shortMask = this.shortPartitionMask;
    const longMask = this.longPartitionMask;
    const end = this.partitionStarts[partition + 1]!;
    for (let record = this.partitionStarts[partition]!; record < end; ) {
      const rank = records[record]! | (records[record + 1]! << 8) | (records[record + 2]! << 16);
      const length = records[record + 3]!;
      const start = record + 4;
      let low = 0;
      let high = 0;
      if (length <= 4) {
        low = view.getInt32(start, true) & lowBytesMasks[length]!;
        high = length << 24;
      } else if (length <= 7) {
        low = view.getInt32(start, true);
        high = (view.getInt32(start + 4, true) & lowBytesMasks[length - 4]!) | (length << 24);
      } else if (length === 8) {
        const first = view.getInt32(start, true);
        const second = view.getInt32(start + 4, true);
        if (((first | second) & 0x80808080) === 0) {
          low = packSevenBits(first);
          high = packSevenBits(second) | EIGHT_ASCII_FLAG;
        }
      }
      if (high !== 0) {
        let slot = mixShortKey(low, high) >>> this.shortShift;
        while (shortTable[slot * 3 + 1] !== 0)
          slot = (slot & ~shortMask) | ((slot + 1) & shortMask);
        shortTable[slot * 3] = low;
        shortTable[slot * 3 + 1] = high;
        shortTable[slot * 3 + 2] = rank;
      } else {
        const hash = hashBytes(records, start, start + length);
        let slot = Math.imul(hash, 0x9e3779b1) >>> this.longShift;
        while (longTable[slot * 3 + 1] !== 0) slot = (slot & ~longMask) | ((slot + 1) & longMask);
        longTable[slot * 3] = hash;
        longTable[slot * 3 + 1] = rank + 1;
        longTable[slot * 3 + 2] = record;
      }
      record = start + length;
    }
    this.filledPartitions[partition] = 1;
  }
}

const lowBytesMasks = [0, 0xff, 0xffff, 0xffffff, -1] as const;

/** Four ASCII bytes (little-endian in `word`) packed 7 bits each, first byte lowest. */
function packSevenBits(word: number): number {
  return (
    (word & 0x7f) | ((word >>> 1) & 0x3f80) | ((word >>> 2) & 0x1fc000) | ((word >>> 3) & 0xfe00000)
  );
}
