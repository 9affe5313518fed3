/**
 * A search index in the tokenwise SQLite file: index files once, then search them by keyword
 * (BM25), by meaning (vectors) or both (score fusion, with a third late-interaction ranking of
 * the candidates when the embedder offers one). Chunks with identical text are one result that
 * lists every place the text occurs.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
// Internal: the embeddings index loads the API providers, a third of a fresh search's start.
import { type Embedder, embedChecked } from "../../adapters/embeddings/embedder.js";
// Internal: the stores index also loads the Redis and PostgreSQL stores and migrations.
import { DATABASE_FILE } from "../../adapters/stores/data-dir.js";
// Internal: as above, only the SQLite connection is needed.
import {
  openSqliteConnection,
  type SqliteDatabase,
} from "../../adapters/stores/sqlite-database.js";
import { invalidInput, TokenwiseError } from "../../core/errors/index.js";
import { topKSimilar } from "../../core/vectors/index.js";
import { toFtsPhrases, toFtsQuery } from "./fts-query.js";
import { type FusionWeights, resolveFusionWeights } from "./fusion-weights.js";
import {
  type ChunkRecord,
  type IndexCounts,
  IndexDatabase,
  type IndexSettings,
} from "./index-database.js";
import type { IndexPathsOptions, IndexReport } from "./index-paths.js";
import { KeywordIndex } from "./keyword-index.js";
import { mixedEmbeddingsError } from "./mixed-embeddings-error.js";
import { DEFAULT_RRF_K, reciprocalRankFusion } from "./reciprocal-rank-fusion.js";
import { fuseByScore } from "./score-fusion.js";
import { makeSnippet } from "./snippet.js";

export type SearchMode = "keyword" | "semantic" | "hybrid";

export type FusionMethod = "score" | "rrf";

export const FUSION_METHODS: readonly FusionMethod[] = ["score", "rrf"];

export const SEARCH_MODES: readonly SearchMode[] = ["hybrid", "keyword", "semantic"];

/**
 * How many of each ranking's first results hybrid search also ranks by late interaction. On
 * the calibration sets (bench/search/rerank-lab.mjs) 15, 20, 30 and 40 gave the same recall@5
 * as all 50 candidates of each (10 did not); 15 is the least work, which a fresh process pays
 * in full (the rows of every word of every candidate read from the word-vectors file).
 */
export const LATE_INTERACTION_CANDIDATES = 15;

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
  /**
   * How hybrid mode merges the rankings: "score" (default) sums each ranking's weighted score
   * over its best score ({@link fuseByScore}); "rrf" sums weighted reciprocal ranks.
   */
  fusion?: FusionMethod;
  /** Reciprocal rank fusion constant for `fusion: "rrf"` (default 60). */
  rrfK?: number;
  /** How much each ranking counts in hybrid mode (default 1 each, see fusion-weights.ts). */
  weights?: Partial<FusionWeights>;
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
   * Every file holding this exact chunk text, this hit's own path first: copies of a file
   * (grep, egrep and fgrep's identical pages, hard links) are one result, not several.
   */
  paths: string[];
  /** The other places with the same text (empty when the text is unique). */
  copies: Array<{ path: string; startLine: number; endLine: number }>;
  /**
   * Ranking score, higher is better: BM25 (keyword), cosine similarity (semantic) or the
   * fused score (hybrid); only comparable within one mode.
   */
  score: number;
  /**
   * Rank (from 1) of the chunk in the keyword, semantic and (hybrid mode, embedders that offer
   * it) late-interaction rankings, where it appeared.
   */
  ranks: { keyword?: number; semantic?: number; lateInteraction?: number };
  scores: { keyword?: number; semantic?: number; lateInteraction?: number };
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
  hashes: string[];
  data: Float32Array;
}

interface Match {
  id: number;
  score: number;
  contentHash: string;
}

export class SearchIndex {
  readonly #index: IndexDatabase;
  readonly #owned: boolean;
  #vectors: LoadedVectors | undefined;
  #keywordSearches = 0;
  #keywordIndex: { version: string; index: KeywordIndex } | undefined;
  #rows: { version: string; byHash: Map<string, Uint32Array | null> } | undefined;

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
    // Loaded on first use: searching needs none of the chunking, tokenizer or cache code.
    const { indexPaths } = await import("./index-paths.js");
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
    const { mode, topK, rrfK, candidates, fusion } = readSearchOptions(query, options);
    const notes: string[] = [];
    const settings = this.#index.settings();
    if (settings === undefined) {
      notes.push('the index is empty: run "tokenwise index <paths>" first');
      return { query, mode, results: [], notes };
    }
    const weights = mode === "hybrid" ? resolveFusionWeights(options.weights) : undefined;
    const pool = mode === "hybrid" ? candidates : topK;
    const keyword = mode === "semantic" ? undefined : this.#keyword(query, pool, notes);
    const semantic =
      mode === "keyword"
        ? undefined
        : await this.#semantic(query, pool, settings, options.embedder, notes);

    let ranked: Match[];
    let late: Match[] | undefined;
    if (mode === "keyword") ranked = keyword ?? [];
    else if (mode === "semantic") ranked = semantic ?? [];
    else {
      late =
        fusion === "score" && (weights as FusionWeights).lateInteraction > 0
          ? await this.#lateInteraction(query, keyword ?? [], semantic ?? [], options.embedder)
          : undefined;
      ranked = fuse(keyword ?? [], semantic ?? [], late ?? [], {
        fusion,
        k: rrfK,
        weights: weights as FusionWeights,
      });
    }
    ranked = ranked.slice(0, topK);
    const keywordRank = rankLookup(keyword);
    const semanticRank = rankLookup(semantic);
    const lateRank = rankLookup(late);
    const records = new Map(
      this.#index.chunks(ranked.map((match) => match.id)).map((record) => [record.id, record]),
    );
    const copies = this.#index.copies(ranked.map((match) => match.contentHash));
    const results = ranked.flatMap((match) => {
      const record = records.get(match.id);
      if (record === undefined) return [];
      return [
        toHit({
          record,
          query,
          score: match.score,
          keywordRank,
          semanticRank,
          lateRank,
          copies: copies.get(match.contentHash) ?? [],
        }),
      ];
    });
    return { query, mode, results, notes };
  }

  /** Closes the database if this index opened it. */
  close(): void {
    this.#vectors = undefined;
    this.#keywordIndex = undefined;
    this.#rows = undefined;
    if (this.#owned) this.#index.database.close();
  }

  /**
   * BM25 matches: from FTS5 for the first keyword search of this index, from postings kept in
   * memory (keyword-index.ts, the same ranking) from the second on, so a one-query process
   * reads nothing it will not use and a long-lived one skips FTS5's per-row scoring.
   */
  #keyword(query: string, limit: number, notes: string[]): Match[] {
    const phrases = toFtsPhrases(query);
    if (phrases.length === 0) {
      notes.push("keyword search skipped: the query has no words, only punctuation");
      return [];
    }
    this.#keywordSearches++;
    if (this.#keywordSearches >= 2) {
      const version = this.#index.version();
      if (this.#keywordIndex?.version !== version) {
        this.#keywordIndex = { version, index: KeywordIndex.load(this.#index.database) };
      }
      const resident = this.#keywordIndex.index.matches(phrases, limit);
      if (resident !== undefined) return resident;
    }
    return this.#index.keywordMatches(toFtsQuery(query) as string, limit);
  }

  /**
   * The late-interaction ranking of the keyword and semantic rankings' first
   * {@link LATE_INTERACTION_CANDIDATES} (each text once),
   * scored by the embedder over the query's words that keyword search keeps (stop words out);
   * undefined when the embedder has no `lateInteraction` or there are no candidates.
   */
  async #lateInteraction(
    query: string,
    keyword: Match[],
    semantic: Match[],
    embedder: Embedder | undefined,
  ): Promise<Match[] | undefined> {
    if (embedder?.lateInteraction === undefined) return undefined;
    const candidates = new Map<string, Match>();
    const top = LATE_INTERACTION_CANDIDATES;
    for (const match of [...keyword.slice(0, top), ...semantic.slice(0, top)]) {
      if (!candidates.has(match.contentHash)) candidates.set(match.contentHash, match);
    }
    if (candidates.size === 0) return undefined;
    const pool = [...candidates.values()];
    // Stored word rows where indexing wrote them; the text (split at query time) elsewhere.
    const stored = this.#wordRows(pool.map((match) => match.contentHash));
    const missing = pool.filter((match) => !stored.has(match.contentHash));
    const texts = new Map(
      this.#index
        .chunks(missing.map((match) => match.id))
        .map((record) => [record.id, record.text]),
    );
    const words = toFtsPhrases(query)
      .map((phrase) => phrase.text)
      .join(" ");
    const scores = await embedder.lateInteraction(
      words,
      pool.map((match) => stored.get(match.contentHash) ?? texts.get(match.id) ?? ""),
    );
    if (!Array.isArray(scores) || scores.length !== pool.length) {
      throw new TokenwiseError(
        "provider_error",
        `embedding model ${embedder.model} returned ${Array.isArray(scores) ? scores.length : "no"} late-interaction scores for ${pool.length} texts`,
        { details: { model: embedder.model, retryable: false } },
      );
    }
    return pool
      .map((match, position) => ({ ...match, score: scores[position] as number }))
      .sort((a, b) => b.score - a.score);
  }

  async #semantic(
    query: string,
    limit: number,
    settings: IndexSettings,
    embedder: Embedder | undefined,
    notes: string[],
  ): Promise<Match[]> {
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
    ).map((match) => ({
      id: loaded.ids[match.index] as number,
      score: match.score,
      contentHash: loaded.hashes[match.index] as string,
    }));
  }

  /** Stored word rows of these chunk texts, remembered until the index changes. */
  #wordRows(hashes: readonly string[]): Map<string, Uint32Array> {
    const version = this.#index.version();
    if (this.#rows?.version !== version) this.#rows = { version, byHash: new Map() };
    const { byHash } = this.#rows;
    const unknown = hashes.filter((hash) => !byHash.has(hash));
    const read = this.#index.wordRows(unknown);
    // null: the index holds none for that text (written before word rows were stored).
    for (const hash of unknown) byHash.set(hash, read.get(hash) ?? null);
    const found = new Map<string, Uint32Array>();
    for (const hash of hashes) {
      const rows = byHash.get(hash);
      if (rows) found.set(hash, rows);
    }
    return found;
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
  const fusion = options.fusion ?? "score";
  if (!FUSION_METHODS.includes(fusion)) {
    throw invalidInput("fusion", `must be "score" or "rrf", got ${JSON.stringify(fusion)}`);
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
  return { mode, topK, rrfK, candidates, fusion };
}

/**
 * Fuses the rankings by chunk text, weighted; `late` (the late-interaction ranking of the same
 * candidates) counts in score fusion only.
 */
function fuse(
  keyword: Match[],
  semantic: Match[],
  late: Match[],
  options: { fusion: FusionMethod; k: number; weights: FusionWeights },
): Match[] {
  const byHash = new Map<string, Match>();
  for (const match of [...keyword, ...semantic]) {
    if (!byHash.has(match.contentHash)) byHash.set(match.contentHash, match);
  }
  const { weights } = options;
  const fused =
    options.fusion === "rrf"
      ? reciprocalRankFusion(
          [keyword.map((match) => match.contentHash), semantic.map((match) => match.contentHash)],
          { k: options.k, weights: [weights.keyword, weights.semantic] },
        )
      : fuseByScore([
          { items: keyword.map(scoredHash), weight: weights.keyword },
          { items: semantic.map(scoredHash), weight: weights.semantic },
          { items: late.map(scoredHash), weight: weights.lateInteraction },
        ]);
  return fused.map((entry) => ({ ...(byHash.get(entry.item) as Match), score: entry.score }));
}

function scoredHash(match: Match): { item: string; score: number } {
  return { item: match.contentHash, score: match.score };
}

function rankLookup(matches: Match[] | undefined): Map<string, { rank: number; score: number }> {
  return new Map(
    (matches ?? []).map((match, index) => [
      match.contentHash,
      { rank: index + 1, score: match.score },
    ]),
  );
}

function toHit(options: {
  record: ChunkRecord;
  query: string;
  score: number;
  keywordRank: Map<string, { rank: number; score: number }>;
  semanticRank: Map<string, { rank: number; score: number }>;
  lateRank: Map<string, { rank: number; score: number }>;
  copies: Array<{ id: number; path: string; startLine: number; endLine: number }>;
}): SearchHit {
  const { record, query, score } = options;
  const snippet = makeSnippet(record.text, query);
  const keyword = options.keywordRank.get(record.contentHash);
  const semantic = options.semanticRank.get(record.contentHash);
  const late = options.lateRank.get(record.contentHash);
  const copies = options.copies
    .filter((copy) => copy.id !== record.id)
    .map(({ path, startLine, endLine }) => ({ path, startLine, endLine }));
  return {
    chunkId: record.id,
    path: record.path,
    startLine: record.startLine,
    endLine: record.endLine,
    snippetLine: record.startLine + snippet.lineOffset,
    snippet: snippet.text,
    text: record.text,
    paths: [
      record.path,
      ...new Set(copies.map((copy) => copy.path).filter((path) => path !== record.path)),
    ],
    copies,
    score,
    ranks: { keyword: keyword?.rank, semantic: semantic?.rank, lateInteraction: late?.rank },
    scores: { keyword: keyword?.score, semantic: semantic?.score, lateInteraction: late?.score },
  };
}
