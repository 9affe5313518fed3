/**
 * The title field of keyword search. A file's name and its opening lines say what the whole
 * file is about (a man page's NAME line, "sort - sort lines of text files"; a README's title and
 * tagline), so the first chunk of every file carries them in a second full-text column that
 * BM25 weighs {@link TITLE_WEIGHT} times the body (BM25F-style field weighting).
 *
 * Measured with bench/search/quality-lab.mjs, chosen on the man-page "calibration" questions
 * and the licence/README fixture only: keyword recall@5 0.52 → 0.64 on the calibration
 * questions (hybrid 0.72 → 0.76), fixture unchanged (0.959). Opening lengths of 200, 300 and
 * 400 characters and weights 0.5-4 were tried; giving every chunk of a file the title instead
 * of only the first one made the passage-labelled fixture worse.
 */

/** How much of the file's opening the title holds. */
export const TITLE_OPENING_CHARS = 300;

/** BM25 weight of the title column against 1 for the chunk text. */
export const TITLE_WEIGHT = 2;

/**
 * The title of a chunk: for the first chunk of a file (ordinal 0), the file's name in words
 * plus the file's first {@link TITLE_OPENING_CHARS} characters; empty for every other chunk.
 *
 * @example
 * ```ts
 * chunkTitle("/usr/share/man/sort.txt", 0, "SORT(1) ...\nNAME\n  sort - sort lines of text files");
 * // "sort SORT(1) ...\nNAME\n  sort - sort lines of text files"
 * chunkTitle("/docs/my_notes.md", 3, "..."); // ""
 * ```
 */
export function chunkTitle(path: string, ordinal: number, text: string): string {
  if (ordinal !== 0) return "";
  const name = path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1);
  const dot = name.lastIndexOf(".");
  const stem = dot > 0 ? name.slice(0, dot) : name;
  return `${stem.replace(/[-_.]+/g, " ").trim()} ${text.slice(0, TITLE_OPENING_CHARS)}`;
}
