/**
 * A search index in the tokenwise SQLite file: index files once, then search them by keyword
 * (BM25), by meaning (vectors) or both (reciprocal rank fusion).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Embedder, embedChecked } from "../embeddings/embedder.js";
import { invalidInput, TokenwiseError } from "../errors/index.js";
import { DATABASE_FILE } from "../stores/data-dir.js";
import { openSqliteConnection, type SqliteDatabase } from "../stores/index.js";
import { topKSimilar } from "../vectors/index.js";
import { toFtsQuery } from "./fts-query.js";
import {
  type ChunkRecord,
  type IndexCounts,
  IndexDatabase,
  type IndexSettings,
} from "./index-database.js";
import { type IndexPathsOptions, type IndexReport, indexPaths } from "./index-paths.js";
import { mixedEmbeddingsError } from "./mixed-embeddings-error.js";
import { DEFAULT_RRF_K, reciprocalRankFusion } from "./reciprocal-rank-fusion.js";
import { makeSnippet } from "./snippet.js";

export type SearchMode = "keyword" | "semantic" | "hybrid";

export const SEARCH_MODES: readonly SearchMode[] = ["hybrid", "keyword", "semantic"];

export interface OpenSearchIndexOptions {
  /** Data directory holding tokenwise.db (created when missing). */
  dataDir?: string;
  /** Or the database file itself. */
  path?: string;
  /** Or an open connection (the caller closes it). */
  database?: SqliteDatabase;
}

export interface SearchOptions {
  /** Default "hybrid". */
  mode?: SearchMode;
  /** Results to return (default 10). */
  topK?: number;
  /** Embeds the query; must be the model the index was built with. Not needed for keyword mode. */
  embedder?: Embedder;
  /** Reciprocal rank fusion constant for hybrid mode (default 60). */
  rrfK?: number;
  /** Candidates each ranking contributes to hybrid fusion (default max(50, 5 × topK)). */
  candidates?: number;
}

export interface SearchHit {
  chunkId: number;
  /** Absolute path of the file. */
  path: string;
  /** Lines of the file the chunk spans, from 1. */
  startLine: number;
  endLine: number;
  /** Line of the snippet's start. */
  snippetLine: number;
  snippet: string;
  /** The chunk's full text. */
  text: string;
  /**
   * Ranking score, higher is better: BM25 (keyword), cosine similarity (semantic) or the RRF
   * sum (hybrid); only comparable within one mode.
   */
  score: number;
  /** Rank (from 1) of the chunk in the keyword and semantic rankings, where it appeared. */
  ranks: { keyword?: number; semantic?: number };
  scores: { keyword?: number; semantic?: number };
}

export interface SearchResponse {
  query: string;
  mode: SearchMode;
  results: SearchHit[];
  /** Why results may be fewer or one-sided (e.g. "the query has no word the offline model knows"). */
  notes: string[];
}

interface LoadedVectors {
  version: string;
  ids: Int32Array;
  data: Float32Array;
}

export class SearchIndex {
  readonly #index: IndexDatabase;
  readonly #owned: boolean;
  #vectors: LoadedVectors | undefined;

  constructor(database: SqliteDatabase, owned: boolean) {
    this.#index = new IndexDatabase(database);
    this.#owned = owned;
  }

  /** The SQLite connection (other tokenwise tables, such as the embedding cache, can share it). */
  get database(): SqliteDatabase {
    return this.#index.database;
  }

  /** Where the index lives. */
  get location(): string {
    return this.#index.database.name;
  }

  /** The model and chunking the index was built with; undefined before the first run. */
  settings(): IndexSettings | undefined {
    return this.#index.settings();
  }

  counts(): IndexCounts {
    return this.#index.counts();
  }

  /** Indexed file paths, sorted. */
  paths(): string[] {
    return this.#index.paths();
  }

  /**
   * Indexes files and directories (see {@link indexPaths}).
   *
   * @example
   * ```ts
   * await index.index(["docs"], { embedder: createOfflineEmbedder({ dataDir: ".tokenwise" }) });
   * ```
   */
  async index(paths: readonly string[], options: IndexPathsOptions): Promise<IndexReport> {
    return indexPaths(this.#index, paths, options);
  }

  /**
   * Searches the index.
   *
   * @example
   * ```ts
   * const { results } = await index.search("how do I reset a password", { embedder, topK: 5 });
   * for (const hit of results) console.log(hit.path, hit.startLine, hit.snippet);
   * ```
   */
  async search(query: string, options: SearchOptions = {}): Promise<SearchResponse> {
    const { mode, topK, rrfK, candidates } = readSearchOptions(query, options);
    const notes: string[] = [];
    const settings = this.#index.settings();
    if (settings === undefined) {
      notes.push('the index is empty: run "tokenwise index <paths>" first');
      return { query, mode, results: [], notes };
    }
    const pool = mode === "hybrid" ? candidates : topK;
    const keyword = mode === "semantic" ? undefined : this.#keyword(query, pool, notes);
    const semantic =
      mode === "keyword"
        ? undefined
        : await this.#semantic(query, pool, settings, options.embedder, notes);

    let ranked: Array<{ id: number; score: number }>;
    if (mode === "keyword") ranked = keyword ?? [];
    else if (mode === "semantic") ranked = semantic ?? [];
    else {
      ranked = reciprocalRankFusion(
        [(keyword ?? []).map((match) => match.id), (semantic ?? []).map((match) => match.id)],
        { k: rrfK },
      ).map((fused) => ({ id: fused.item, score: fused.score }));
    }
    ranked = ranked.slice(0, topK);
    const keywordRank = rankLookup(keyword);
    const semanticRank = rankLookup(semantic);
    const records = new Map(
      this.#index.chunks(ranked.map((match) => match.id)).map((record) => [record.id, record]),
    );
    const results = ranked.flatMap((match) => {
      const record = records.get(match.id);
      if (record === undefined) return [];
      return [toHit({ record, query, score: match.score, keywordRank, semanticRank })];
    });
    return { query, mode, results, notes };
  }

  /** Closes the database if this index opened it. */
  close(): void {
    this.#vectors = undefined;
    if (this.#owned) this.#index.database.close();
  }

  #keyword(query: string, limit: number, notes: string[]): Array<{ id: number; score: number }> {
    const ftsQuery = toFtsQuery(query);
    if (ftsQuery === undefined) {
      notes.push("keyword search skipped: the query has no words, only punctuation");
      return [];
    }
    return this.#index.keywordMatches(ftsQuery, limit);
  }

  async #semantic(
    query: string,
    limit: number,
    settings: IndexSettings,
    embedder: Embedder | undefined,
    notes: string[],
  ): Promise<Array<{ id: number; score: number }>> {
    if (embedder === undefined) {
      throw invalidInput(
        "embedder",
        `is required for semantic and hybrid search (this index uses ${settings.model}); pass one, or search with mode "keyword"`,
      );
    }
    if (embedder.model !== settings.model || embedder.dimensions !== settings.dimensions) {
      throw mixedEmbeddingsError({
        stored: settings,
        requested: embedder,
        location: this.location,
      });
    }
    const [vector] = await embedChecked(embedder, [query]);
    if (vector === undefined || vector.every((value) => value === 0)) {
      notes.push(
        `semantic search skipped: ${settings.model} gave the query no vector (it knows none of its words)`,
      );
      return [];
    }
    const loaded = this.#loadVectors(settings.dimensions);
    if (loaded.ids.length === 0) return [];
    return topKSimilar(
      vector,
      { data: loaded.data, dimensions: settings.dimensions },
      Math.min(limit, loaded.ids.length),
      {
        normalized: true,
      },
    ).map((match) => ({ id: loaded.ids[match.index] as number, score: match.score }));
  }

  #loadVectors(dimensions: number): LoadedVectors {
    const version = this.#index.version();
    if (this.#vectors?.version !== version) {
      this.#vectors = { version, ...this.#index.loadVectors(dimensions) };
    }
    return this.#vectors;
  }
}

/**
 * Opens (creating when missing) the search index in a data directory.
 *
 * @example
 * ```ts
 * const index = openSearchIndex({ dataDir: resolveDataDir() });
 * const { results } = await index.search("retry with backoff", { mode: "keyword" });
 * index.close();
 * ```
 */
export function openSearchIndex(options: OpenSearchIndexOptions): SearchIndex {
  if (options.database !== undefined) return new SearchIndex(options.database, false);
  let path = options.path;
  if (path === undefined) {
    if (options.dataDir === undefined) {
      throw invalidInput("dataDir", "or path or database is required to open a search index");
    }
    try {
      mkdirSync(options.dataDir, { recursive: true });
    } catch (cause) {
      throw new TokenwiseError(
        "store_error",
        `cannot create the data directory ${options.dataDir}: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}; pass a writable --data-dir`,
        { cause },
      );
    }
    path = join(options.dataDir, DATABASE_FILE);
  }
  const { database } = openSqliteConnection({ path });
  try {
    return new SearchIndex(database, true);
  } catch (error) {
    database.close();
    throw error;
  }
}

function readSearchOptions(query: string, options: SearchOptions) {
  if (typeof query !== "string" || query.trim() === "") {
    throw invalidInput("query", "must be non-empty text to search for");
  }
  const mode = options.mode ?? "hybrid";
  if (!SEARCH_MODES.includes(mode)) {
    throw invalidInput(
      "mode",
      `must be "hybrid", "keyword" or "semantic", got ${JSON.stringify(mode)}`,
    );
  }
  const topK = options.topK ?? 10;
  if (!Number.isSafeInteger(topK) || topK < 1 || topK > 1000) {
    throw invalidInput("topK", `must be an integer from 1 to 1000, got ${String(topK)}`);
  }
  const rrfK = options.rrfK ?? DEFAULT_RRF_K;
  if (typeof rrfK !== "number" || !Number.isFinite(rrfK) || rrfK < 0) {
    throw invalidInput("rrfK", `must be a number >= 0 (60 is usual), got ${String(rrfK)}`);
  }
  const candidates = options.candidates ?? Math.max(50, topK * 5);
  if (!Number.isSafeInteger(candidates) || candidates < topK) {
    throw invalidInput(
      "candidates",
      `must be an integer of at least topK (${topK}), got ${String(candidates)}`,
    );
  }
  return { mode, topK, rrfK, candidates };
}

function rankLookup(
  matches: Array<{ id: number; score: number }> | undefined,
): Map<number, { rank: number; score: number }> {
  return new Map(
    (matches ?? []).map((match, index) => [match.id, { rank: index + 1, score: match.score }]),
  );
}

function toHit(options: {
  record: ChunkRecord;
  query: string;
  score: number;
  keywordRank: Map<number, { rank: number; score: number }>;
  semanticRank: Map<number, { rank: number; score: number }>;
}): SearchHit {
  const { record, query, score } = options;
  const snippet = makeSnippet(record.text, query);
  const keyword = options.keywordRank.get(record.id);
  const semantic = options.semanticRank.get(record.id);
  return {
    chunkId: record.id,
    path: record.path,
    startLine: record.startLine,
    endLine: record.endLine,
    snippetLine: record.startLine + snippet.lineOffset,
    snippet: snippet.text,
    text: record.text,
    score,
    ranks: { keyword: keyword?.rank, semantic: semantic?.rank },
    scores: { keyword: keyword?.score, semantic: semantic?.score },
  };
}
