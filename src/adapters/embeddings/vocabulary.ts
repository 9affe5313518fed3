/**
 * Word → row lookup over UTF-8 bytes, with nothing to build at load time: the words sit in one
 * blob with their offsets, plus the rows sorted by their bytes for a binary search. Building a
 * `Map` of 341K words instead costs a second or more on every start.
 */

export class Vocabulary {
  readonly #blob: Buffer;
  readonly #offsets: Uint32Array;
  readonly #sortedRows: Uint32Array;

  /**
   * @param blob Every word's UTF-8 bytes, back to back, in row order.
   * @param offsets `size + 1` offsets into `blob`: row `r` is `blob[offsets[r] … offsets[r + 1])`.
   * @param sortedRows The rows ordered by their words' bytes.
   */
  constructor(blob: Buffer, offsets: Uint32Array, sortedRows: Uint32Array) {
    this.#blob = blob;
    this.#offsets = offsets;
    this.#sortedRows = sortedRows;
  }

  /**
   * A vocabulary of `words`, row `r` being `words[r]`.
   *
   * @example
   * ```ts
   * Vocabulary.fromWords(["the", "cat"]).rowOf("cat"); // 1
   * ```
   */
  static fromWords(words: readonly string[]): Vocabulary {
    const encoded = words.map((word) => Buffer.from(word, "utf8"));
    const offsets = new Uint32Array(words.length + 1);
    encoded.forEach((bytes, row) => {
      offsets[row + 1] = (offsets[row] as number) + bytes.length;
    });
    const rows = Array.from({ length: words.length }, (_, row) => row);
    rows.sort((a, b) => Buffer.compare(encoded[a] as Buffer, encoded[b] as Buffer) || a - b);
    return new Vocabulary(Buffer.concat(encoded), offsets, Uint32Array.from(rows));
  }

  /** Number of words. */
  get size(): number {
    return this.#offsets.length - 1;
  }

  /** The three arrays a file stores to rebuild this vocabulary. */
  get parts(): { blob: Buffer; offsets: Uint32Array; sortedRows: Uint32Array } {
    return { blob: this.#blob, offsets: this.#offsets, sortedRows: this.#sortedRows };
  }

  /** The word at `row`. */
  wordAt(row: number): string {
    return this.#blob.toString("utf8", this.#offsets[row], this.#offsets[row + 1]);
  }

  /**
   * The row of `word`, or -1 when it is not in the vocabulary. With duplicate words, the
   * lowest row wins.
   *
   * @example
   * ```ts
   * vocabulary.rowOf("king"); // 654 in the GloVe vocabulary
   * ```
   */
  rowOf(word: string): number {
    const query = Buffer.from(word, "utf8");
    const rows = this.#sortedRows;
    let low = 0;
    let high = rows.length - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const row = rows[middle] as number;
      const order = this.#blob.compare(
        query,
        0,
        query.length,
        this.#offsets[row],
        this.#offsets[row + 1],
      );
      if (order < 0) low = middle + 1;
      else if (order > 0) high = middle - 1;
      else {
        found = row;
        high = middle - 1;
      }
    }
    return found;
  }
}
