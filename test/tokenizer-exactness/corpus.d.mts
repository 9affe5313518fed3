/** Types of corpus.mjs, which the benchmark also imports as plain JavaScript. */
export type CorpusCategory = "english" | "code" | "multilingual" | "json";

export interface CorpusDocument {
  category: CorpusCategory;
  path: string;
  text: string;
  /** UTF-8 length of `text`. */
  bytes: number;
}

export interface Corpus {
  documents: CorpusDocument[];
  bytesByCategory: Record<CorpusCategory, number>;
  totalBytes: number;
}

export declare const corpusCategories: readonly CorpusCategory[];

/** The translated strings (msgstr) of a GNU gettext .mo catalog, one per line. */
export declare function readMessageCatalog(bytes: Uint8Array): string | undefined;

/**
 * Reads documents per category until each reaches `bytesPerCategory` UTF-8 bytes, in a seeded
 * order so a sample spreads across packages and languages.
 */
export declare function gatherCorpus(options: { bytesPerCategory: number; seed?: number }): Corpus;
