/**
 * Line numbers for character offsets, for reporting where a chunk sits in its file.
 */

/**
 * Offsets (UTF-16 code units) where each line of `text` starts; line 1 starts at 0. A line
 * ends at "\n" (so "\r\n" endings count once).
 *
 * @example
 * ```ts
 * lineStarts("a\nbc\n"); // [0, 2, 5]
 * ```
 */
export function lineStarts(text: string): number[] {
  const starts = [0];
  let at = text.indexOf("\n");
  while (at !== -1) {
    starts.push(at + 1);
    at = text.indexOf("\n", at + 1);
  }
  return starts;
}

/**
 * The 1-based line holding the character at `offset`.
 *
 * @example
 * ```ts
 * lineAt(lineStarts("a\nbc\n"), 3); // 2 ("c")
 * ```
 */
export function lineAt(starts: readonly number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >>> 1;
    if ((starts[middle] as number) <= offset) low = middle;
    else high = middle - 1;
  }
  return low + 1;
}

/**
 * First and last line of the text between `startChar` and `endChar` (exclusive); a chunk
 * ending with its line break ends on that line, not the next.
 *
 * @example
 * ```ts
 * lineRange(lineStarts("a\nbc\nd"), 2, 5); // { startLine: 2, endLine: 2 } ("bc\n")
 * ```
 */
export function lineRange(
  starts: readonly number[],
  startChar: number,
  endChar: number,
): { startLine: number; endLine: number } {
  const startLine = lineAt(starts, startChar);
  return {
    startLine,
    endLine: Math.max(startLine, lineAt(starts, Math.max(startChar, endChar - 1))),
  };
}
