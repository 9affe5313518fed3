// biome-ignore-all lint/style/noNonNullAssertion: class-table reads index a Uint8Array with a code unit below its length.
import { characterClasses, LETTER, LOWER_SET, NUMBER, UPPER_SET } from "./bpe/character-classes.js";

const APOSTROPHE = 39;
const SPACE = 32;
/** Any character a word piece can continue with: letters and (in o200k_base) marks. */
const WORD_CONTINUES = LETTER | UPPER_SET | LOWER_SET;

/**
 * True when every encoding's pre-tokenizer puts a piece boundary between `text[index - 1]` and
 * `text[index]` whatever follows, so counting `text.slice(0, index)` and the rest apart gives
 * the same total as counting the whole. The pre-tokenization patterns of all four encodings
 * have no lookbehind, so the pieces after a boundary depend only on the text after it; what
 * makes a boundary certain is that the piece holding `text[index - 1]` cannot take in
 * `text[index]`:
 *
 * - a letter followed by a character that is no letter, mark or apostrophe (a word piece and
 *   its contraction suffix end there);
 * - a number followed by a non-number (a `\p{N}{1,3}` or ` ?\p{N}+` piece ends there);
 * - a printable ASCII character other than space followed by a space (a space only ever
 *   starts a piece, or belongs to a white-space run, and the run cannot start before it).
 *
 * Surrogates on either side are never a cut, so a cut cannot split a character.
 */
export function isSafeCut(text: string, index: number): boolean {
  if (index <= 0 || index >= text.length) return false;
  const before = text.charCodeAt(index - 1);
  const after = text.charCodeAt(index);
  if ((before & 0xf800) === 0xd800 || (after & 0xf800) === 0xd800) return false;
  if (after === SPACE && before > SPACE && before < 0x7f) return true;
  const flat = characterClasses().flat;
  const beforeClass = flat[before]!;
  const afterClass = flat[after]!;
  if (beforeClass & LETTER) return (afterClass & WORD_CONTINUES) === 0 && after !== APOSTROPHE;
  if (beforeClass & NUMBER) return (afterClass & NUMBER) === 0;
  return false;
}

/**
 * The last safe cut (see {@link isSafeCut}) in `text` at or after `from`, or -1 when there is
 * none. Searching backwards from the end usually stops within a few characters.
 *
 * @example
 * ```ts
 * lastSafeCut("Hello world and", 0); // 11: between "world" and " and"
 * ```
 */
export function lastSafeCut(text: string, from: number): number {
  for (let index = text.length - 1; index > from && index > 0; index -= 1) {
    if (isSafeCut(text, index)) return index;
  }
  return -1;
}
