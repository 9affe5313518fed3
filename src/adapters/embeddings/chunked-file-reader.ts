/**
 * A growable window over a file read in large chunks, for parsers that walk bytes in place and
 * ask for more only when an element runs past the end of what has been read.
 */
import { type FileHandle, open } from "node:fs/promises";

export class ChunkedFileReader {
  /** Bytes read so far; only `[position, end)` is still unparsed. */
  buffer: Buffer;
  position = 0;
  end = 0;
  readonly totalBytes: number;
  readonly #handle: FileHandle;
  #fileOffset = 0;
  #finished = false;

  private constructor(handle: FileHandle, totalBytes: number, bufferBytes: number) {
    this.#handle = handle;
    this.totalBytes = totalBytes;
    this.buffer = Buffer.allocUnsafe(bufferBytes);
  }

  /**
   * @example
   * ```ts
   * const reader = await ChunkedFileReader.open("big.json", 4 << 20);
   * while (await reader.readMore()) reader.position = reader.end;
   * await reader.close();
   * ```
   */
  static async open(path: string, bufferBytes: number): Promise<ChunkedFileReader> {
    const handle = await open(path, "r");
    try {
      const { size } = await handle.stat();
      return new ChunkedFileReader(handle, size, Math.max(16, bufferBytes));
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** True once the whole file has been read into the window. */
  get finished(): boolean {
    return this.#finished;
  }

  /** Bytes of the file parsed so far. */
  get consumedBytes(): number {
    return this.#fileOffset - (this.end - this.position);
  }

  /**
   * Keeps the unparsed bytes, moves them to the front (doubling the buffer when they already
   * fill it) and reads more after them. False at the end of the file.
   */
  async readMore(): Promise<boolean> {
    if (this.#finished) return false;
    const pending = this.end - this.position;
    if (pending === this.buffer.length) {
      const larger = Buffer.allocUnsafe(this.buffer.length * 2);
      this.buffer.copy(larger, 0, this.position, this.end);
      this.buffer = larger;
    } else if (this.position > 0) {
      this.buffer.copy(this.buffer, 0, this.position, this.end);
    }
    this.position = 0;
    this.end = pending;
    const { bytesRead } = await this.#handle.read(
      this.buffer,
      this.end,
      this.buffer.length - this.end,
      this.#fileOffset,
    );
    this.#fileOffset += bytesRead;
    this.end += bytesRead;
    if (bytesRead === 0) this.#finished = true;
    return bytesRead > 0;
  }

  async close(): Promise<void> {
    await this.#handle.close();
  }
}
