/**
 * Keyword ranking from postings held in memory, for an index that answers many queries
 * (`tokenwise search --serve`, a SearchIndex kept open). FTS5's bm25() calls back into its
 * auxiliary-function API once per matching chunk (instances, then the chunk's size from the
 * docsize table): a question with a common word ("file", "name") makes it score thousands of
 * chunks, 2-3 ms of CPU a query on 6,000 chunks. Here the same numbers come from arrays.
 *
 * The ranking is FTS5's, to the bit: Okapi BM25 with k1 = 1.2 and b = 0.75, term frequency
 * weighted per column (the title {@link TITLE_WEIGHT} times the text), document length and
 * average from FTS5's own docsize and averages records, IDF = ln((N - n + 0.5) / (n + 0.5))
 * (1e-6 when not positive) computed by SQLite's ln() so it is the C library's value, and each
 * chunk's score summed phrase by phrase in query order, ties broken by rowid. The query's words
 * are tokenized by FTS5 itself (a temporary table with the same tokenizer), and postings are
 * read from FTS5's index (fts5vocab), so stemming and folding cannot drift from the table's.
 * keyword-index.test.ts checks equality with FTS5 on a fixture corpus.
 *
 * Prefix queries (`word*`) are left to FTS5 ({@link KeywordIndex.matches} returns undefined).
 */
import type { Statement } from "better-sqlite3";
import type { SqliteDatabase } from "../../adapters/stores/index.js";
import { TopKHeap } from "../../core/vectors/index.js";
import { TITLE_WEIGHT } from "./chunk-title.js";
import type { FtsPhrase } from "./fts-query.js";

const K1 = 1.2;
const B = 0.75;

/** FTS5's tokenizer for search_fts (index-database.ts); query words must be split the same way. */
export const FTS_TOKENIZE = "porter unicode61 remove_diacritics 2";

/** Postings instances kept across queries (9 bytes each: about 36 MB). */
const MAX_CACHED_INSTANCES = 4_000_000;
const MAX_CACHED_PHRASES = 10_000;

/**
 * Positions per column in a packed (chunk, column, position) number: a chunk of up to 16M tokens,
 * rowids up to 2^28 stay exact in a double.
 */
const POSITION_SPAN = 2 ** 24;

/** Every occurrence of one term, ordered by chunk, column, position. */
interface Postings {
  /** Dense chunk index (see {@link KeywordIndex}), not rowid. */
  docs: Int32Array;
  /** 1 for the title column, 0 for the text. */
  titles: Uint8Array;
  offsets: Int32Array;
}

export interface KeywordMatch {
  id: number;
  score: number;
  contentHash: string;
}

/**
 * Chunk sizes, content hashes and the postings of terms queried so far. Build it with
 * {@link KeywordIndex.load}; it describes the index as it was then, so drop it when the
 * database changes.
 */
export class KeywordIndex {
  readonly #rowids: Int32Array;
  readonly #indexOf: Map<number, number>;
  readonly #lengths: Float64Array;
  readonly #hashes: Array<string | undefined>;
  readonly #rowCount: number;
  readonly #averageLength: number;
  readonly #scores: Float64Array;
  readonly #frequencies: Float64Array;
  readonly #postings = new Map<string, Postings>();
  #cachedInstances = 0;
  readonly #phraseTokens = new Map<string, string[]>();
  readonly #statements: {
    postings: Statement<[string], string | null>;
    insertQuery: Statement<[number, string]>;
    queryTokens: Statement<[], [string, number, number]>;
    clearQuery: Statement<[]>;
    ln: Statement<[number], [number]> | undefined;
  };
  readonly #database: SqliteDatabase;

  private constructor(database: SqliteDatabase) {
    this.#database = database;
    database.exec(`
      CREATE VIRTUAL TABLE IF NOT EXISTS temp.tokenwise_search_postings
        USING fts5vocab(main, search_fts, instance);
      CREATE VIRTUAL TABLE IF NOT EXISTS temp.tokenwise_query_words
        USING fts5(words, content = '', tokenize = '${FTS_TOKENIZE}');
      CREATE VIRTUAL TABLE IF NOT EXISTS temp.tokenwise_query_tokens
        USING fts5vocab(temp, tokenwise_query_words, instance);
    `);
    let ln: Statement<[number], [number]> | undefined;
    try {
      ln = database.prepare<[number], [number]>("SELECT ln(?)").raw(true);
    } catch {
      // SQLite built without its math functions: Math.log differs in the last bit at most.
    }
    this.#statements = {
      // One string of numbers for the whole list: returning a row per occurrence through
      // better-sqlite3 took 3x as long ("file": 11,555 occurrences, 10 ms).
      postings: database
        .prepare<[string], string | null>(
          `SELECT group_concat((doc * 2 + (col = 'title')) * ${POSITION_SPAN} + offset)
           FROM temp.tokenwise_search_postings WHERE term = ?`,
        )
        .pluck(true),
      insertQuery: database.prepare<[number, string]>(
        "INSERT INTO temp.tokenwise_query_words (rowid, words) VALUES (?, ?)",
      ),
      queryTokens: database
        .prepare<[], [string, number, number]>(
          "SELECT term, doc, offset FROM temp.tokenwise_query_tokens",
        )
        .raw(true),
      clearQuery: database.prepare(
        "INSERT INTO temp.tokenwise_query_words (tokenwise_query_words) VALUES ('delete-all')",
      ),
      ln,
    };

    const sizes = database
      .prepare<[], [number, Buffer]>("SELECT id, sz FROM search_fts_docsize ORDER BY id")
      .raw(true)
      .all();
    this.#rowids = new Int32Array(sizes.length);
    this.#lengths = new Float64Array(sizes.length);
    this.#indexOf = new Map();
    sizes.forEach(([rowid, size], index) => {
      this.#rowids[index] = rowid;
      this.#lengths[index] = sumOfVarints(size);
      this.#indexOf.set(rowid, index);
    });
    this.#hashes = new Array(sizes.length).fill(undefined);
    for (const [id, hash] of database
      .prepare<[], [number, string]>("SELECT id, content_hash FROM search_chunks")
      .raw(true)
      .iterate()) {
      const index = this.#indexOf.get(id);
      if (index !== undefined) this.#hashes[index] = hash;
    }
    // FTS5's averages record: the row count, then each column's total tokens.
    const averages = database
      .prepare<[], { block: Buffer }>("SELECT block FROM search_fts_data WHERE id = 1")
      .get();
    const counts = averages === undefined ? [0] : varints(averages.block);
    this.#rowCount = counts[0] ?? 0;
    const totalTokens = counts.slice(1).reduce((sum, count) => sum + count, 0);
    this.#averageLength = totalTokens / this.#rowCount;
    this.#scores = new Float64Array(sizes.length);
    this.#frequencies = new Float64Array(sizes.length);
  }

  /** Reads the chunk sizes and hashes (a few ms for 6,000 chunks). */
  static load(database: SqliteDatabase): KeywordIndex {
    return new KeywordIndex(database);
  }

  /**
   * The best `limit` distinct chunk texts for these phrases (ORed, as toFtsQuery joins them),
   * exactly as {@link IndexDatabase.keywordMatches} ranks them; undefined for a query this
   * class leaves to FTS5 (a prefix, or a phrase FTS5 splits into no token).
   */
  matches(phrases: readonly FtsPhrase[], limit: number): KeywordMatch[] | undefined {
    if (phrases.some((phrase) => phrase.prefix)) return undefined;
    const tokens = this.#tokenize(phrases.map((phrase) => phrase.text));
    if (tokens.some((phraseTokens) => phraseTokens.length === 0)) return undefined;
    if (this.#rowCount === 0) return [];
    const touched: number[] = [];
    const scores = this.#scores;
    try {
      for (const phraseTokens of tokens) this.#addPhrase(phraseTokens, touched);
      return this.#best(touched, limit);
    } finally {
      for (const doc of touched) scores[doc] = 0;
    }
  }

  /** Adds one phrase's BM25 term to the score of every chunk holding it. */
  #addPhrase(tokens: readonly string[], touched: number[]): void {
    const frequencies = this.#frequencies;
    const holding: number[] = [];
    const postings = tokens.map((token) => this.#postingsOf(token));
    const first = postings[0] as Postings;
    if (tokens.length === 1) {
      for (let i = 0; i < first.docs.length; i++) {
        const doc = first.docs[i] as number;
        if (frequencies[doc] === 0) holding.push(doc);
        frequencies[doc] = (frequencies[doc] as number) + (first.titles[i] ? TITLE_WEIGHT : 1);
      }
    } else {
      // A phrase: token j at the first token's position + j, in the same column.
      const positions = postings.slice(1).map((list) => {
        const keys = new Set<number>();
        for (let i = 0; i < list.docs.length; i++) {
          keys.add(
            positionKey(
              list.docs[i] as number,
              list.titles[i] as number,
              list.offsets[i] as number,
            ),
          );
        }
        return keys;
      });
      for (let i = 0; i < first.docs.length; i++) {
        const doc = first.docs[i] as number;
        const title = first.titles[i] as number;
        const offset = first.offsets[i] as number;
        if (!positions.every((keys, j) => keys.has(positionKey(doc, title, offset + j + 1)))) {
          continue;
        }
        if (frequencies[doc] === 0) holding.push(doc);
        frequencies[doc] = (frequencies[doc] as number) + (title ? TITLE_WEIGHT : 1);
      }
    }
    const hits = holding.length;
    let idf = this.#ln((this.#rowCount - hits + 0.5) / (hits + 0.5));
    if (idf <= 0) idf = 1e-6;
    const scores = this.#scores;
    const lengths = this.#lengths;
    const averageLength = this.#averageLength;
    for (const doc of holding) {
      const frequency = frequencies[doc] as number;
      const length = lengths[doc] as number;
      if (scores[doc] === 0) touched.push(doc);
      // fts5Bm25Function, term for term.
      scores[doc] =
        (scores[doc] as number) +
        idf *
          ((frequency * (K1 + 1.0)) / (frequency + K1 * (1 - B + (B * length) / averageLength)));
      frequencies[doc] = 0;
    }
  }

  /** Best first (score descending, rowid ascending), one chunk per distinct text. */
  #best(touched: readonly number[], limit: number): KeywordMatch[] {
    const scores = this.#scores;
    // Copies rank side by side (equal scores), so twice the limit nearly always suffices.
    for (let fetch = limit * 2; ; fetch *= 4) {
      const heap = new TopKHeap(Math.min(fetch, touched.length));
      for (const doc of touched) heap.offer(scores[doc] as number, doc);
      const matches: KeywordMatch[] = [];
      const seen = new Set<string>();
      for (const { index } of heap.sorted()) {
        const contentHash = this.#hashes[index];
        if (contentHash === undefined || seen.has(contentHash)) continue;
        seen.add(contentHash);
        matches.push({
          id: this.#rowids[index] as number,
          score: scores[index] as number,
          contentHash,
        });
        if (matches.length >= limit) return matches;
      }
      if (fetch >= touched.length) return matches;
    }
  }

  #ln(value: number): number {
    const ln = this.#statements.ln;
    return ln === undefined ? Math.log(value) : (ln.get(value) as [number])[0];
  }

  /** FTS5's tokens for each phrase text, in order (remembered). */
  #tokenize(texts: readonly string[]): string[][] {
    const missing = [...new Set(texts.filter((text) => !this.#phraseTokens.has(text)))];
    if (missing.length > 0) {
      const { insertQuery, queryTokens, clearQuery } = this.#statements;
      const rows = this.#database.transaction(() => {
        missing.forEach((text, index) => {
          insertQuery.run(index + 1, text);
        });
        const found = queryTokens.all();
        clearQuery.run();
        return found;
      })();
      const byText = missing.map(() => [] as Array<[number, string]>);
      for (const [term, doc, offset] of rows) byText[doc - 1]?.push([offset, term]);
      if (this.#phraseTokens.size + missing.length > MAX_CACHED_PHRASES) this.#phraseTokens.clear();
      missing.forEach((text, index) => {
        const found = (byText[index] as Array<[number, string]>).sort((a, b) => a[0] - b[0]);
        this.#phraseTokens.set(
          text,
          found.map(([, term]) => term),
        );
      });
    }
    return texts.map((text) => this.#phraseTokens.get(text) as string[]);
  }

  /** Every occurrence of `term`, from FTS5's index (cached, least recently used dropped). */
  #postingsOf(term: string): Postings {
    const cached = this.#postings.get(term);
    if (cached !== undefined) {
      this.#postings.delete(term);
      this.#postings.set(term, cached);
      return cached;
    }
    const keys = this.#statements.postings.get(term)?.split(",") ?? [];
    const docs = new Int32Array(keys.length);
    const titles = new Uint8Array(keys.length);
    const offsets = new Int32Array(keys.length);
    let count = 0;
    for (const text of keys) {
      const key = Number(text);
      const offset = key % POSITION_SPAN;
      const column = (key - offset) / POSITION_SPAN;
      const doc = this.#indexOf.get(Math.floor(column / 2));
      if (doc === undefined) continue;
      docs[count] = doc;
      titles[count] = column % 2;
      offsets[count] = offset;
      count++;
    }
    const postings = {
      docs: docs.subarray(0, count),
      titles: titles.subarray(0, count),
      offsets: offsets.subarray(0, count),
    };
    this.#postings.set(term, postings);
    this.#cachedInstances += count;
    for (const [oldest, list] of this.#postings) {
      if (this.#cachedInstances <= MAX_CACHED_INSTANCES || oldest === term) break;
      this.#postings.delete(oldest);
      this.#cachedInstances -= list.docs.length;
    }
    return postings;
  }
}

function positionKey(doc: number, title: number, offset: number): number {
  return (doc * 2 + title) * POSITION_SPAN + offset;
}

/** SQLite varints (big-endian 7-bit groups; a ninth byte carries 8 bits), as FTS5 writes them. */
function varints(bytes: Uint8Array): number[] {
  const values: number[] = [];
  let at = 0;
  while (at < bytes.length) {
    let value = 0;
    for (let byte = 0; ; byte++) {
      const next = bytes[at++] as number;
      if (byte === 8) {
        value = value * 256 + next;
        break;
      }
      value = value * 128 + (next & 0x7f);
      if ((next & 0x80) === 0) break;
    }
    values.push(value);
  }
  return values;
}

function sumOfVarints(bytes: Uint8Array): number {
  return varints(bytes).reduce((sum, value) => sum + value, 0);
}
