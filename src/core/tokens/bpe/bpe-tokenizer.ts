// biome-ignore-all lint/style/noNonNullAssertion: typed-array reads in hot loops stay within bounds the loops check; noUncheckedIndexedAccess still types them as possibly undefined, and a runtime fallback would cost time on every read.
import { describeValue, invalidInput } from "../../errors/index.js";
import type { Tokenizer } from "../tokenizer.js";
import { assertString, assertTokenLimit } from "../validation.js";
import { BytePairMerger } from "./byte-pair-merge.js";
import { PieceCache } from "./piece-cache.js";
import { cl100kPieceEnd, o200kPieceEnd } from "./piece-splitters.js";
import { NOT_CACHED, ShortPieceCache } from "./short-piece-cache.js";
import { EIGHT_ASCII_FLAG, HASH_BASE, LONGEST_TOKEN_BYTES, type Vocabulary } from "./vocabulary.js";

export type BpeEncodingName = "o200k_base" | "cl100k_base";

/** Pieces longer than this many UTF-16 code units release their scratch space afterwards. */
const LARGE_PIECE_CODE_UNITS = 16_384;

/** Everything one tokenizer needs from its encoding: shared, immutable, loaded once. */
export interface BpeEncoding {
  readonly name: BpeEncodingName;
  readonly vocabulary: Vocabulary;
  /** UTF-8 bytes of the special tokens, by id, for decoding. */
  readonly specialBytes: ReadonlyMap<number, Uint8Array>;
}

/**
 * A tokenizer for one encoding. Text is cut into pieces by the encoding's splitter (the
 * pre-tokenization pattern, without a regex), then each piece goes down the cheapest path that
 * answers it:
 *
 * 1. a single ASCII character is its byte's token;
 * 2. an ASCII piece of up to 8 characters is its own packed key: first in this tokenizer's
 *    direct-mapped cache (hot in the CPU's cache), then in the vocabulary's short-token table;
 * 3. any other piece (and a short one of several tokens) is hashed from its code units and
 *    looked up in the bounded piece cache, which keeps the tokens of every piece that came
 *    this way, so a repeated piece costs one hash and one probe;
 * 4. a new piece is looked up whole in the vocabulary (from the text itself when ASCII, else
 *    from its UTF-8 bytes), or merged with tiktoken's algorithm on integer ranks, and cached.
 *
 * The encoding's tables are shared; the scratch space and the caches (fixed maximum sizes) are
 * this tokenizer's own.
 */
export class BpeTokenizer implements Tokenizer {
  readonly encoding: BpeEncodingName;
  private readonly vocabulary: Vocabulary;
  /** Which splitter to call: two direct calls the JIT can inline, rather than a function value. */
  private readonly isO200k: boolean;
  private readonly merger: BytePairMerger;
  private readonly cache = new PieceCache();
  private readonly shortPieces = new ShortPieceCache();
  /** Where `tokenizePiece` left the ids of the last piece. */
  private pieceIds: Int32Array;
  private pieceIdsStart = 0;
  private readonly singleId = new Int32Array(1);
  /** Low half of the key `asciiKey` computed last. */
  private keyLow = 0;
  private buffer = new Uint8Array(1024);
  /** Hash of the bytes `pieceBytes` wrote last. */
  private pieceHash = 0;
  /** Replaces each cut through a character with U+FFFD, and keeps a leading U+FEFF. */
  private readonly decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  /** Reused for decoding up to a megabyte; a larger output gets a buffer that is not kept. */
  private decodeBuffer = new Uint8Array(1024);
  private decodeView = new DataView(this.decodeBuffer.buffer);
  private readonly specialBytes: ReadonlyMap<number, Uint8Array>;

  constructor(encoding: BpeEncoding) {
    this.encoding = encoding.name;
    this.vocabulary = encoding.vocabulary;
    this.isO200k = encoding.name === "o200k_base";
    this.merger = new BytePairMerger(encoding.vocabulary);
    this.pieceIds = this.singleId;
    this.specialBytes = encoding.specialBytes;
  }

  encode(text: string): number[] {
    assertString("text", text);
    const tokens: number[] = [];
    const length = text.length;
    const isO200k = this.isO200k;
    for (let start = 0; start < length; ) {
      const end = isO200k ? o200kPieceEnd(text, start) : cl100kPieceEnd(text, start);
      this.encodePiece(text, start, end, tokens);
      start = end;
    }
    return tokens;
  }

  count(text: string): number {
    assertString("text", text);
    let total = 0;
    const length = text.length;
    const isO200k = this.isO200k;
    for (let start = 0; start < length; ) {
      const end = isO200k ? o200kPieceEnd(text, start) : cl100kPieceEnd(text, start);
      total += this.countPiece(text, start, end);
      start = end;
    }
    return total;
  }

  countUpTo(text: string, limit: number): number {
    assertString("text", text);
    assertTokenLimit(limit);
    // A token is at most 128 bytes, and a text has at least as many UTF-8 bytes as UTF-16 code
    // units: a text over 128 code units per allowed token is over the limit without counting.
    if (text.length > LONGEST_TOKEN_BYTES * limit) return Math.floor(limit) + 1;
    let total = 0;
    const length = text.length;
    const isO200k = this.isO200k;
    for (let start = 0; start < length; ) {
      const end = isO200k ? o200kPieceEnd(text, start) : cl100kPieceEnd(text, start);
      total += this.countPiece(text, start, end);
      if (total > limit) return total;
      start = end;
    }
    return total;
  }

  decode(tokens: readonly number[]): string {
    if (!Array.isArray(tokens) && !ArrayBuffer.isView(tokens)) {
      throw invalidInput("tokens", `must be an array of token ids, got ${describeValue(tokens)}`);
    }
    const vocabulary = this.vocabulary;
    const rankCount = vocabulary.rankCount;
    const offsets = vocabulary.tokenOffsets();
    const bytes = vocabulary.tokenBytes;
    const source = vocabulary.tokenBytesView;
    let output = this.decodeBuffer;
    let target = this.decodeView;
    let written = 0;
    for (let index = 0; index < tokens.length; index += 1) {
      const token = tokens[index]!;
      // `>>> 0` keeps a non-negative integer as it is and changes anything else.
      const special =
        token >>> 0 === token && token < rankCount ? undefined : this.specialBytes.get(token);
      const length = special === undefined ? bytes[offsets[token]! - 1] : special.length;
      if (length === undefined) throw this.unknownToken(token, index);
      // Four spare bytes: tokens are copied four bytes at a time, the last copy overshooting.
      if (written + length + 4 > output.length) {
        const grown = new Uint8Array(Math.max(2 * output.length, written + length + 4));
        grown.set(output.subarray(0, written));
        output = grown;
        target = new DataView(grown.buffer);
        if (grown.length <= 1 << 20) {
          this.decodeBuffer = grown;
          this.decodeView = target;
        }
      }
      if (special === undefined) {
        const start = offsets[token]!;
        for (let copied = 0; copied < length; copied += 4) {
          target.setInt32(written + copied, source.getInt32(start + copied));
        }
      } else {
        output.set(special, written);
      }
      written += length;
    }
    return this.decoder.decode(output.subarray(0, written));
  }

  private unknownToken(token: unknown, index: number) {
    return invalidInput(
      "tokens",
      `contains ${describeValue(token)} at index ${index}, which is not a token id of ` +
        `${this.encoding}; decode only ids produced by the same encoding`,
    );
  }

  private countPiece(text: string, start: number, end: number): number {
    const length = end - start;
    if (length <= 8) {
      if (length === 1 && text.charCodeAt(start) < 128) return 1;
      const high = this.asciiKey(text, start, length);
      if (high !== 0) {
        const low = this.keyLow;
        const cached = this.shortPieces.get(low, high);
        if (cached !== NOT_CACHED) return cached >= 0 ? 1 : -cached;
        const id = this.vocabulary.shortToken(low, high);
        if (id !== -1) {
          this.shortPieces.set(low, high, id);
          return 1;
        }
        const count = this.tokenizeNewPiece(text, start, end);
        this.shortPieces.set(low, high, -count);
        return count;
      }
    }
    return this.tokenizePiece(text, start, end);
  }

  private encodePiece(text: string, start: number, end: number, tokens: number[]): void {
    const length = end - start;
    let low = 0;
    let high = 0;
    if (length <= 8) {
      const first = text.charCodeAt(start);
      if (length === 1 && first < 128) {
        tokens.push(this.vocabulary.byteTokens[first]!);
        return;
      }
      high = this.asciiKey(text, start, length);
      if (high !== 0) {
        low = this.keyLow;
        const cached = this.shortPieces.get(low, high);
        if (cached >= 0 && cached !== NOT_CACHED) {
          tokens.push(cached);
          return;
        }
        const id = cached === NOT_CACHED ? this.vocabulary.shortToken(low, high) : -1;
        if (id !== -1) {
          this.shortPieces.set(low, high, id);
          tokens.push(id);
          return;
        }
      }
    }
    const count =
      high === 0 ? this.tokenizePiece(text, start, end) : this.tokenizeNewPiece(text, start, end);
    const ids = this.pieceIds;
    const idsStart = this.pieceIdsStart;
    for (let index = 0; index < count; index += 1) tokens.push(ids[idsStart + index]!);
    if (high !== 0) this.shortPieces.set(low, high, -count);
  }

  /**
   * The short key (see vocabulary.ts) of the ASCII piece `text[start..start+length)`, 1 to 8
   * characters: returns its high half and leaves the low half in `keyLow`, or returns 0 when the
   * piece is not ASCII.
   */
  private asciiKey(text: string, start: number, length: number): number {
    let low = 0;
    let high: number;
    if (length <= 7) {
      high = length << 24;
      for (let index = 0; index < length; index += 1) {
        const code = text.charCodeAt(start + index);
        if (code >= 128) return 0;
        if (index < 4) low |= code << (index << 3);
        else high |= code << ((index - 4) << 3);
      }
    } else {
      high = EIGHT_ASCII_FLAG;
      for (let index = 0; index < 8; index += 1) {
        const code = text.charCodeAt(start + index);
        if (code >= 128) return 0;
        if (index < 4) low |= code << (7 * index);
        else high |= code << (7 * (index - 4));
      }
    }
    this.keyLow = low;
    return high;
  }

  /**
   * Finds the tokens of `text[start..end)` without the short-piece cache: returns how many there
   * are and leaves them in `pieceIds` from `pieceIdsStart`. A piece seen before comes from the
   * piece cache, found by its code units; a new one is looked up whole in the vocabulary (from
   * the text itself when ASCII, else from its UTF-8 bytes) or merged, then cached.
   */
  private tokenizePiece(text: string, start: number, end: number): number {
    const length = end - start;
    let hash = 0;
    let allBits = 0;
    for (let index = start; index < end; index += 1) {
      const code = text.charCodeAt(index);
      allBits |= code;
      hash = (Math.imul(hash, HASH_BASE) + code) | 0;
    }
    const entry = this.cache.find(text, start, length, hash);
    if (entry !== -1) return this.cachedTokens(entry);
    let count: number;
    if (allBits < 128) {
      let id = -1;
      if (length <= 8) {
        const high = this.asciiKey(text, start, length);
        id = this.vocabulary.shortToken(this.keyLow, high);
      } else if (length <= LONGEST_TOKEN_BYTES) {
        id = this.vocabulary.longAsciiToken(text, start, length, hash);
      }
      count = id === -1 ? this.mergeBytes(this.asciiBytes(text, start, end)) : this.singleToken(id);
    } else {
      const byteLength = this.pieceBytes(text, start, end);
      const id =
        byteLength <= LONGEST_TOKEN_BYTES
          ? this.vocabulary.token(this.buffer, 0, byteLength, this.pieceHash)
          : -1;
      count = id === -1 ? this.mergeBytes(byteLength) : this.singleToken(id);
    }
    this.cache.add(text, start, length, hash, this.pieceIds, this.pieceIdsStart, count);
    if (length > LARGE_PIECE_CODE_UNITS) this.releaseScratch();
    return count;
  }

  /** {@link tokenizePiece} for an ASCII piece of up to 8 characters known not to be one token. */
  private tokenizeNewPiece(text: string, start: number, end: number): number {
    let hash = 0;
    for (let index = start; index < end; index += 1) {
      hash = (Math.imul(hash, HASH_BASE) + text.charCodeAt(index)) | 0;
    }
    const entry = this.cache.find(text, start, end - start, hash);
    if (entry !== -1) return this.cachedTokens(entry);
    const count = this.mergeBytes(this.asciiBytes(text, start, end));
    this.cache.add(text, start, end - start, hash, this.pieceIds, 0, count);
    return count;
  }

  /** Merges the piece whose bytes are in the buffer and returns its token count. */
  private mergeBytes(byteLength: number): number {
    const count = this.merger.merge(this.buffer, byteLength);
    this.pieceIds = this.merger.ids;
    this.pieceIdsStart = 0;
    return count;
  }

  private singleToken(id: number): number {
    this.singleId[0] = id;
    this.pieceIds = this.singleId;
    this.pieceIdsStart = 0;
    return 1;
  }

  private cachedTokens(entry: number): number {
    this.pieceIds = this.cache.tokens;
    this.pieceIdsStart = this.cache.tokenStart(entry);
    return this.cache.tokenEnd(entry) - this.pieceIdsStart;
  }

  /** Copies the ASCII text `text[start..end)` to the buffer as bytes; returns its length. */
  private asciiBytes(text: string, start: number, end: number): number {
    if (this.buffer.length < end - start) this.buffer = new Uint8Array(end - start);
    const buffer = this.buffer;
    for (let index = start; index < end; index += 1) buffer[index - start] = text.charCodeAt(index);
    return end - start;
  }

  /**
   * Writes the UTF-8 bytes of `text[start..end)` to the buffer and their hash to `pieceHash`,
   * and returns how many bytes that is. Lone surrogates become U+FFFD, as TextEncoder (and so
   * tiktoken's bindings) encode them.
   */
  private pieceBytes(text: string, start: number, end: number): number {
    if (this.buffer.length < (end - start) * 3) {
      this.buffer = new Uint8Array((end - start) * 3);
    }
    const buffer = this.buffer;
    let length = 0;
    let hash = 0;
    for (let index = start; index < end; index += 1) {
      let code = text.charCodeAt(index);
      if (code < 0x80) {
        buffer[length] = code;
        length += 1;
        hash = (Math.imul(hash, HASH_BASE) + code) | 0;
        continue;
      }
      if (code < 0x800) {
        const lead = 0xc0 | (code >> 6);
        const trail = 0x80 | (code & 0x3f);
        buffer[length] = lead;
        buffer[length + 1] = trail;
        length += 2;
        hash = (Math.imul(Math.imul(hash, HASH_BASE) + lead, HASH_BASE) + trail) | 0;
        continue;
      }
      if ((code & 0xf800) === 0xd800) {
        const low = index + 1 < end ? text.charCodeAt(index + 1) : 0;
        if (code <= 0xdbff && (low & 0xfc00) === 0xdc00) {
          const codePoint = ((code - 0xd800) << 10) + (low - 0xdc00) + 0x10000;
          index += 1;
          const byte0 = 0xf0 | (codePoint >> 18);
          const byte1 = 0x80 | ((codePoint >> 12) & 0x3f);
          const byte2 = 0x80 | ((codePoint >> 6) & 0x3f);
          const byte3 = 0x80 | (codePoint & 0x3f);
          buffer[length] = byte0;
          buffer[length + 1] = byte1;
          buffer[length + 2] = byte2;
          buffer[length + 3] = byte3;
          length += 4;
          hash = (Math.imul(hash, HASH_BASE) + byte0) | 0;
          hash = (Math.imul(hash, HASH_BASE) + byte1) | 0;
          hash = (Math.imul(hash, HASH_BASE) + byte2) | 0;
          hash = (Math.imul(hash, HASH_BASE) + byte3) | 0;
          continue;
        }
        code = 0xfffd;
      }
      const byte0 = 0xe0 | (code >> 12);
      const byte1 = 0x80 | ((code >> 6) & 0x3f);
      const byte2 = 0x80 | (code & 0x3f);
      buffer[length] = byte0;
      buffer[length + 1] = byte1;
      buffer[length + 2] = byte2;
      length += 3;
      hash = (Math.imul(hash, HASH_BASE) + byte0) | 0;
      hash = (Math.imul(hash, HASH_BASE) + byte1) | 0;
      hash = (Math.imul(hash, HASH_BASE) + byte2) | 0;
    }
    this.pieceHash = hash;
    return length;
  }

  private releaseScratch(): void {
    this.buffer = new Uint8Array(1024);
    this.merger.shrink();
  }
}
