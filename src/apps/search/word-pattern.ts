/**
 * A word-matching regular expression in two versions, Unicode (`\p{L}` and friends) and
 * ASCII, picked per text. The first use of a `\p{…}` class costs V8 10-35M instructions (ICU
 * sets, range canonicalisation, native code for hundreds of ranges): more than the whole rest
 * of a keyword search in a fresh process. Queries and most lines are ASCII, where both versions
 * match exactly the same (`\p{L}` is A-Z and a-z there, `\p{N}` is 0-9, `\p{M}` and `\p{Co}`
 * are empty), so the Unicode version is built, from a string so that even parsing this module
 * does not check it, only when a text needs it.
 */

const NON_ASCII = /[\u0080-\uffff]/;

/** True when every UTF-16 unit of `text` is below 0x80. */
export function isAscii(text: string): boolean {
  return !NON_ASCII.test(text);
}

export class WordPattern {
  readonly #unicodeSource: string;
  readonly #flags: string;
  readonly ascii: RegExp;
  #unicode: RegExp | undefined;

  /**
   * @param unicodeSource The pattern with `\p{…}` classes (compiled with the `u` flag).
   * @param asciiSource The same pattern restricted to ASCII; it must match exactly what the
   *   Unicode one matches on ASCII text (word-pattern.test.ts checks the ones in use).
   * @param flags Other flags for both, such as "g".
   */
  constructor(unicodeSource: string, asciiSource: string, flags = "") {
    this.#unicodeSource = unicodeSource;
    this.#flags = flags;
    this.ascii = new RegExp(asciiSource, flags);
  }

  /** The Unicode version (built on first use). */
  get unicode(): RegExp {
    this.#unicode ??= new RegExp(this.#unicodeSource, `${this.#flags}u`);
    return this.#unicode;
  }

  /**
   * The version for `text`: ASCII when `text` is.
   *
   * @example
   * ```ts
   * const word = new WordPattern("[\\p{L}\\p{N}]+", "[A-Za-z0-9]+", "g");
   * "retry limits".match(word.for("retry limits")); // ["retry", "limits"]
   * ```
   */
  for(text: string): RegExp {
    return isAscii(text) ? this.ascii : this.unicode;
  }
}
