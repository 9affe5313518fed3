/**
 * Turns text into rows of a word-vector vocabulary the way GloVe's training text was split:
 * lowercase words, hyphenated compounds kept whole when the vocabulary has them. Source code
 * identifiers are split into their words (`createEmbeddingCache` → create, embedding, cache),
 * so code and prose meet in the same space.
 */
import type { Vocabulary } from "./vocabulary.js";

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)?(?:-[\p{L}\p{N}]+(?:['’][\p{L}]+)?)*/gu;
const IDENTIFIER_PARTS =
  /(?<=\p{Ll})(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll})|(?<=\p{L})(?=\p{N})|(?<=\p{N})(?=\p{L})/u;
const CONTRACTION_NOT = /^(.+)n['’]t$/;
const CLITIC = /^(.+)['’](?:s|re|ve|ll|d|m)$/;
const DIACRITICS = /\p{M}+/gu;

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
    for (const match of text.matchAll(WORD)) {
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
    const word = token.normalize("NFKD").replace(DIACRITICS, "").toLowerCase();
    const row = this.#vocabulary.rowOf(word);
    if (row !== -1) return [row];
    const negated = CONTRACTION_NOT.exec(word);
    if (negated !== null) return [...this.#resolve(negated[1] as string), ...this.#resolve("not")];
    const clitic = CLITIC.exec(word);
    if (clitic !== null) return this.#resolve(clitic[1] as string);
    if (token.includes("-")) return token.split("-").flatMap((part) => this.#resolve(part));
    const parts = token.split(IDENTIFIER_PARTS);
    if (parts.length === 1) return [];
    return parts.flatMap((part) => {
      const partRow = this.#vocabulary.rowOf(
        part.normalize("NFKD").replace(DIACRITICS, "").toLowerCase(),
      );
      return partRow === -1 ? [] : [partRow];
    });
  }
}
