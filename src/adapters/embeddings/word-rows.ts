/**
 * Turns text into rows of a word-vector vocabulary the way GloVe's training text was split:
 * lowercase words, hyphenated compounds kept whole when the vocabulary has them. Source code
 * identifiers are split into their words (`createEmbeddingCache` → create, embedding, cache),
 * so code and prose meet in the same space.
 */
import type { Vocabulary } from "./vocabulary.js";

/**
 * The word patterns in two versions: with `\p{…}` classes, built from strings on first use,
 * and ASCII-only, used for ASCII text, where both match exactly the same (word-rows.test.ts).
 * Building a `\p{…}` class costs V8 10-35M instructions the first time, more than embedding a
 * query; a query is nearly always ASCII.
 */
const ASCII_WORD = /[A-Za-z0-9]+(?:'[A-Za-z]+)?(?:-[A-Za-z0-9]+(?:'[A-Za-z]+)?)*/g;
const ASCII_IDENTIFIER_PARTS =
  /(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=[0-9])|(?<=[0-9])(?=[A-Za-z])/;
const UNICODE_WORD = "[\\p{L}\\p{N}]+(?:['’][\\p{L}]+)?(?:-[\\p{L}\\p{N}]+(?:['’][\\p{L}]+)?)*";
const UNICODE_IDENTIFIER_PARTS =
  "(?<=\\p{Ll})(?=\\p{Lu})|(?<=\\p{Lu})(?=\\p{Lu}\\p{Ll})|(?<=\\p{L})(?=\\p{N})|(?<=\\p{N})(?=\\p{L})";
const NON_ASCII = /[\u0080-\uffff]/;
const CONTRACTION_NOT = /^(.+)n['’]t$/;
const CLITIC = /^(.+)['’](?:s|re|ve|ll|d|m)$/;

let unicodePatterns: { word: RegExp; identifierParts: RegExp; diacritics: RegExp } | undefined;

/** The patterns for `text`: ASCII ones (and no diacritics to strip) when it is ASCII. */
export function wordPatterns(text: string): {
  word: RegExp;
  identifierParts: RegExp;
  diacritics: RegExp | undefined;
} {
  if (!NON_ASCII.test(text)) {
    return { word: ASCII_WORD, identifierParts: ASCII_IDENTIFIER_PARTS, diacritics: undefined };
  }
  unicodePatterns ??= {
    word: new RegExp(UNICODE_WORD, "gu"),
    identifierParts: new RegExp(UNICODE_IDENTIFIER_PARTS, "u"),
    diacritics: /\p{M}+/gu,
  };
  return unicodePatterns;
}

/** Lowercase, with compatibility forms and diacritics folded (é → e, ﬁ → fi). */
function fold(text: string): string {
  const { diacritics } = wordPatterns(text);
  if (diacritics === undefined) return text.toLowerCase();
  return text.normalize("NFKD").replace(diacritics, "").toLowerCase();
}

/** Remembers the rows of words already seen; a vocabulary-sized map at most. */
export class WordRowLookup {
  readonly #vocabulary: Vocabulary;
  readonly #known = new Map<string, readonly number[]>();
  readonly #maxRemembered: number;

  constructor(vocabulary: Vocabulary, maxRemembered = 200_000) {
    this.#vocabulary = vocabulary;
    this.#maxRemembered = maxRemembered;
  }

  /**
   * Vocabulary rows of the words in `text`, in order, repeated words repeated. Words the
   * vocabulary lacks (numbers, rare names, most non-English words) are left out.
   *
   * @example
   * ```ts
   * lookup.rowsOf("The parseJSON helper").map((row) => vocabulary.wordAt(row));
   * // ["the", "parse", "json", "helper"]
   * ```
   */
  rowsOf(text: string): number[] {
    const rows: number[] = [];
    for (const match of text.matchAll(wordPatterns(text).word)) {
      for (const row of this.#rowsOfToken(match[0])) rows.push(row);
    }
    return rows;
  }

  #rowsOfToken(token: string): readonly number[] {
    const known = this.#known.get(token);
    if (known !== undefined) return known;
    const rows = this.#resolve(token);
    if (this.#known.size >= this.#maxRemembered) this.#known.clear();
    this.#known.set(token, rows);
    return rows;
  }

  #resolve(token: string): number[] {
    const word = fold(token);
    const row = this.#vocabulary.rowOf(word);
    if (row !== -1) return [row];
    const negated = CONTRACTION_NOT.exec(word);
    if (negated !== null) return [...this.#resolve(negated[1] as string), ...this.#resolve("not")];
    const clitic = CLITIC.exec(word);
    if (clitic !== null) return this.#resolve(clitic[1] as string);
    if (token.includes("-")) return token.split("-").flatMap((part) => this.#resolve(part));
    const parts = token.split(wordPatterns(token).identifierParts);
    if (parts.length === 1) return [];
    return parts.flatMap((part) => {
      const partRow = this.#vocabulary.rowOf(fold(part));
      return partRow === -1 ? [] : [partRow];
    });
  }
}
