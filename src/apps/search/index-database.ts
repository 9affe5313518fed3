/**
 * The search index's tables in the tokenwise SQLite file: files, their chunks (with an FTS5
 * full-text index kept in step by triggers) and one vector per distinct chunk text.
 */
import { endianness } from "node:os";
import type { Statement } from "better-sqlite3";
import type { SqliteDatabase } from "../../adapters/stores/index.js";
import { TokenwiseError } from "../../core/errors/index.js";
import type { EncodingName } from "../../core/tokens/index.js";
import { chunkTitle, TITLE_WEIGHT } from "./chunk-title.js";
import { FTS_TOKENIZE } from "./keyword-index.js";

/** 2: chunks carry a title column (see chunk-title.ts); a version 1 index is upgraded in place. */
const SCHEMA_VERSION = "2";

const FTS_TABLE = `CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(
  text, title, content = 'search_chunks', content_rowid = 'id',
  tokenize = '${FTS_TOKENIZE}'
);
CREATE TRIGGER IF NOT EXISTS search_chunks_insert AFTER INSERT ON search_chunks BEGIN
  INSERT INTO search_fts (rowid, text, title) VALUES (new.id, new.text, new.title);
END;
CREATE TRIGGER IF NOT EXISTS search_chunks_delete AFTER DELETE ON search_chunks BEGIN
  INSERT INTO search_fts (search_fts, rowid, text, title) VALUES ('delete', old.id, old.text, old.title);
END;`;

/** What an index was built with; vectors from another model or size can never join it. */
export interface IndexSettings {
  model: string;
  dimensions: number;
  /** How the model was named when the index was built ("ollama/nomic-embed-text"), to find it again. */
  modelReference?: string;
  tokenizer: EncodingName;
  chunkTokens: number;
  overlapTokens: number;
}

export interface StoredFile {
  id: number;
  path: string;
  contentHash: string;
  /** The chunk settings the file was split with (see {@link chunkingSignature}). */
  chunking: string;
}

/** A chunk ready to store. */
export interface NewChunk {
  ordinal: number;
  startChar: number;
  endChar: number;
  startLine: number;
  endLine: number;
  tokens: number;
  text: string;
  contentHash: string;
}

export interface FileUpdate {
  path: string;
  contentHash: string;
  chunking: string;
  size: number;
  chunks: NewChunk[];
}

export interface ChunkRecord {
  id: number;
  contentHash: string;
  path: string;
  ordinal: number;
  startChar: number;
  endChar: number;
  startLine: number;
  endLine: number;
  tokens: number;
  text: string;
}

export interface IndexCounts {
  files: number;
  chunks: number;
  vectors: number;
  tokens: number;
}

interface ChunkRow {
  id: number;
  content_hash: string;
  path: string;
  ordinal: number;
  start_char: number;
  end_char: number;
  start_line: number;
  end_line: number;
  tokens: number;
  text: string;
}

const LITTLE_ENDIAN = endianness() === "LE";

/**
 * Largest vector data kept as a snapshot (about 160K offline or 10K 1536-dimensional vectors):
 * past it, reading row by row costs little next to the data itself, and a second copy of the
 * vectors would double a large file.
 */
const SNAPSHOT_MAX_BYTES = 64 * 2 ** 20;

/** Largest snapshot a search writes when it finds none: a read never stalls on a big write. */
const SNAPSHOT_MAX_BYTES_ON_READ = 8 * 2 ** 20;

/** Vectors as a search holds them: one row per distinct chunk text. */
export interface LoadedVectorRows {
  /** The lowest chunk id with each text. */
  ids: Int32Array;
  hashes: string[];
  data: Float32Array;
}

/**
 * The chunk settings as one comparable string: a file split with other settings is re-chunked.
 *
 * @example
 * ```ts
 * chunkingSignature({ tokenizer: "cl100k_base", chunkTokens: 256, overlapTokens: 32 }); // "cl100k_base/256/32"
 * ```
 */
export function chunkingSignature(
  settings: Pick<IndexSettings, "tokenizer" | "chunkTokens" | "overlapTokens">,
): string {
  return `${settings.tokenizer}/${settings.chunkTokens}/${settings.overlapTokens}`;
}

/**
 * Creates the tables when missing and returns typed access to them.
 *
 * @example
 * ```ts
 * const { database } = openSqliteConnection({ path: ".tokenwise/tokenwise.db" });
 * const index = new IndexDatabase(database);
 * index.counts(); // { files: 0, chunks: 0, vectors: 0, tokens: 0 }
 * ```
 */
export class IndexDatabase {
  readonly database: SqliteDatabase;
  #writes = 0;
  /** Statements of the search path, prepared once: preparing them took ~2 ms of each query. */
  readonly #statements = new Map<string, Statement>();

  constructor(database: SqliteDatabase) {
    this.database = database;
    try {
      database.exec(`
        CREATE TABLE IF NOT EXISTS search_meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS search_files (
          id INTEGER PRIMARY KEY,
          path TEXT NOT NULL UNIQUE,
          content_hash TEXT NOT NULL,
          chunking TEXT NOT NULL,
          size INTEGER NOT NULL,
          indexed_at INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS search_chunks (
          id INTEGER PRIMARY KEY,
          file_id INTEGER NOT NULL REFERENCES search_files (id),
          ordinal INTEGER NOT NULL,
          start_char INTEGER NOT NULL,
          end_char INTEGER NOT NULL,
          start_line INTEGER NOT NULL,
          end_line INTEGER NOT NULL,
          tokens INTEGER NOT NULL,
          text TEXT NOT NULL,
          content_hash TEXT NOT NULL,
          title TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX IF NOT EXISTS search_chunks_file ON search_chunks (file_id);
        CREATE INDEX IF NOT EXISTS search_chunks_hash ON search_chunks (content_hash);
        CREATE TABLE IF NOT EXISTS search_vectors (
          content_hash TEXT PRIMARY KEY NOT NULL,
          vector BLOB NOT NULL
        );
        CREATE TABLE IF NOT EXISTS search_vector_snapshot (
          part INTEGER PRIMARY KEY,
          bytes BLOB NOT NULL
        );
        -- Per distinct chunk text, the embedder's word rows (Embedder.wordRows), little-endian
        -- uint32, for hybrid search's late-interaction ranking. An index written before this
        -- table existed has none: those chunks are split into words at query time instead.
        CREATE TABLE IF NOT EXISTS search_word_rows (
          content_hash TEXT PRIMARY KEY NOT NULL,
          rows BLOB NOT NULL
        );
      `);
      const version = this.#meta("schema_version");
      if (version === "1") this.#upgradeFromVersion1();
      database.exec(FTS_TABLE);
      if (version === undefined) this.#setMeta("schema_version", SCHEMA_VERSION);
      else if (version !== SCHEMA_VERSION && version !== "1") {
        throw new TokenwiseError(
          "store_error",
          `the search index was written by another tokenwise version (schema ${version}, this one reads ${SCHEMA_VERSION}); rebuild it with "tokenwise index --rebuild <paths>"`,
        );
      }
    } catch (cause) {
      if (TokenwiseError.isInstance(cause)) throw cause;
      throw new TokenwiseError(
        "store_error",
        `could not open the search index: ${cause instanceof Error ? cause.message : String(cause)}`,
        { cause },
      );
    }
  }

  /**
   * Version 1 had no title column: add it, fill it for every file's first chunk and rebuild the
   * full-text index with it, in one transaction (a few seconds for 100K chunks).
   */
  #upgradeFromVersion1(): void {
    this.#writes++;
    this.database.transaction(() => {
      this.database.exec(`
        DROP TRIGGER IF EXISTS search_chunks_insert;
        DROP TRIGGER IF EXISTS search_chunks_delete;
        DROP TABLE IF EXISTS search_fts;
        ALTER TABLE search_chunks ADD COLUMN title TEXT NOT NULL DEFAULT '';
      `);
      const firsts = this.database
        .prepare<[], { id: number; path: string; text: string }>(
          `SELECT c.id, f.path, c.text FROM search_chunks c JOIN search_files f ON f.id = c.file_id
           WHERE c.ordinal = 0`,
        )
        .all();
      const setTitle = this.database.prepare<[string, number]>(
        "UPDATE search_chunks SET title = ? WHERE id = ?",
      );
      for (const row of firsts) setTitle.run(chunkTitle(row.path, 0, row.text), row.id);
      this.database.exec(FTS_TABLE);
      this.database.exec("INSERT INTO search_fts (search_fts) VALUES ('rebuild')");
      this.#setMeta("schema_version", SCHEMA_VERSION);
      this.#bumpGeneration();
    })();
  }

  /** The settings recorded by the first indexing run, or undefined for a new index. */
  settings(): IndexSettings | undefined {
    const model = this.#meta("model");
    if (model === undefined) return undefined;
    return {
      model,
      dimensions: Number(this.#meta("dimensions")),
      modelReference: this.#meta("model_reference"),
      tokenizer: this.#meta("tokenizer") as EncodingName,
      chunkTokens: Number(this.#meta("chunk_tokens")),
      overlapTokens: Number(this.#meta("overlap_tokens")),
    };
  }

  saveSettings(settings: IndexSettings): void {
    this.#writes++;
    this.database.transaction(() => {
      this.#bumpGeneration();
      this.#setMeta("model", settings.model);
      this.#setMeta("dimensions", String(settings.dimensions));
      this.#setMeta("tokenizer", settings.tokenizer);
      this.#setMeta("chunk_tokens", String(settings.chunkTokens));
      this.#setMeta("overlap_tokens", String(settings.overlapTokens));
      if (settings.modelReference !== undefined) {
        this.#setMeta("model_reference", settings.modelReference);
      }
    })();
  }

  /** Deletes every file, chunk, vector and setting (for `--rebuild`). */
  clear(): void {
    this.#writes++;
    this.database.transaction(() => {
      const generation = this.generation();
      this.database.exec(`
        DELETE FROM search_chunks;
        DELETE FROM search_files;
        DELETE FROM search_vectors;
        DELETE FROM search_word_rows;
        DELETE FROM search_vector_snapshot;
        DELETE FROM search_meta WHERE key <> 'schema_version';
        INSERT INTO search_fts (search_fts) VALUES ('rebuild');
      `);
      this.#setMeta("generation", generation);
      this.#bumpGeneration();
    })();
  }

  file(path: string): StoredFile | undefined {
    return this.database
      .prepare<[string], StoredFile>(
        "SELECT id, path, content_hash AS contentHash, chunking FROM search_files WHERE path = ?",
      )
      .get(path);
  }

  /** Every indexed path, sorted. */
  paths(): string[] {
    return this.database
      .prepare<[], { path: string }>("SELECT path FROM search_files ORDER BY path")
      .all()
      .map((row) => row.path);
  }

  /** Which of `hashes` already have a vector. */
  existingVectors(hashes: readonly string[]): Set<string> {
    const found = new Set<string>();
    const select = this.database.prepare<[string], { content_hash: string }>(
      "SELECT content_hash FROM search_vectors WHERE content_hash = ?",
    );
    for (const hash of hashes) if (select.get(hash) !== undefined) found.add(hash);
    return found;
  }

  /**
   * Replaces the chunks of every file in `files` and stores `vectors`, all in one transaction:
   * an interruption leaves either the old or the new state of the whole batch.
   */
  writeBatch(
    files: readonly FileUpdate[],
    vectors: ReadonlyMap<string, Float32Array>,
    wordRows: ReadonlyMap<string, Uint32Array> = new Map(),
  ): void {
    const insertVector = this.database.prepare<[string, Buffer]>(
      "INSERT OR IGNORE INTO search_vectors (content_hash, vector) VALUES (?, ?)",
    );
    const insertWordRows = this.database.prepare<[string, Buffer]>(
      "INSERT OR REPLACE INTO search_word_rows (content_hash, rows) VALUES (?, ?)",
    );
    const upsertFile = this.database.prepare<{
      path: string;
      contentHash: string;
      chunking: string;
      size: number;
      indexedAt: number;
    }>(
      `INSERT INTO search_files (path, content_hash, chunking, size, indexed_at)
       VALUES (@path, @contentHash, @chunking, @size, @indexedAt)
       ON CONFLICT (path) DO UPDATE SET content_hash = excluded.content_hash,
         chunking = excluded.chunking, size = excluded.size, indexed_at = excluded.indexed_at`,
    );
    const fileId = this.database.prepare<[string], { id: number }>(
      "SELECT id FROM search_files WHERE path = ?",
    );
    const deleteChunks = this.database.prepare<[number]>(
      "DELETE FROM search_chunks WHERE file_id = ?",
    );
    const insertChunk = this.database.prepare<NewChunk & { fileId: number; title: string }>(
      `INSERT INTO search_chunks
         (file_id, ordinal, start_char, end_char, start_line, end_line, tokens, text, content_hash, title)
       VALUES (@fileId, @ordinal, @startChar, @endChar, @startLine, @endLine, @tokens, @text, @contentHash, @title)`,
    );
    this.#writes++;
    this.database.transaction(() => {
      this.#bumpGeneration();
      for (const [hash, vector] of vectors) insertVector.run(hash, littleEndianBytes(vector));
      for (const [hash, rows] of wordRows) {
        insertWordRows.run(hash, littleEndianBytes(rows));
      }
      for (const file of files) {
        upsertFile.run({
          path: file.path,
          contentHash: file.contentHash,
          chunking: file.chunking,
          size: file.size,
          indexedAt: Date.now(),
        });
        const id = (fileId.get(file.path) as { id: number }).id;
        deleteChunks.run(id);
        for (const chunk of file.chunks) {
          insertChunk.run({
            ...chunk,
            fileId: id,
            title: chunkTitle(file.path, chunk.ordinal, chunk.text),
          });
        }
      }
    })();
  }

  /** Removes files and their chunks; returns how many files were removed. */
  removeFiles(paths: readonly string[]): number {
    const fileId = this.database.prepare<[string], { id: number }>(
      "SELECT id FROM search_files WHERE path = ?",
    );
    const deleteChunks = this.database.prepare<[number]>(
      "DELETE FROM search_chunks WHERE file_id = ?",
    );
    const deleteFile = this.database.prepare<[number]>("DELETE FROM search_files WHERE id = ?");
    let removed = 0;
    this.#writes++;
    this.database.transaction(() => {
      this.#bumpGeneration();
      for (const path of paths) {
        const row = fileId.get(path);
        if (row === undefined) continue;
        deleteChunks.run(row.id);
        deleteFile.run(row.id);
        removed++;
      }
    })();
    return removed;
  }

  /** Deletes vectors no chunk uses any more; returns how many. */
  removeOrphanVectors(): number {
    this.#writes++;
    return this.database.transaction(() => {
      this.#bumpGeneration();
      this.database
        .prepare(
          "DELETE FROM search_word_rows WHERE content_hash NOT IN (SELECT content_hash FROM search_chunks)",
        )
        .run();
      return this.database
        .prepare(
          "DELETE FROM search_vectors WHERE content_hash NOT IN (SELECT content_hash FROM search_chunks)",
        )
        .run().changes;
    })();
  }

  counts(): IndexCounts {
    const row = this.database
      .prepare<[], IndexCounts>(
        `SELECT (SELECT COUNT(*) FROM search_files) AS files,
                (SELECT COUNT(*) FROM search_chunks) AS chunks,
                (SELECT COUNT(*) FROM search_vectors) AS vectors,
                (SELECT COALESCE(SUM(tokens), 0) FROM search_chunks) AS tokens`,
      )
      .get();
    return row as IndexCounts;
  }

  /**
   * The best `limit` distinct chunk texts for an FTS5 query, best first, with their BM25 scores
   * (higher is better; the title column weighs {@link TITLE_WEIGHT} times the text). Chunks with identical text (copies of a file, hard links) are one
   * match, represented by the lowest chunk id: a copy never takes a second place.
   */
  keywordMatches(
    ftsQuery: string,
    limit: number,
  ): Array<{ id: number; score: number; contentHash: string }> {
    // The hash joined to the best rows only (the inner query), not to every match.
    const select = this.#prepared<
      [string, number],
      { id: number; rank: number; hash: string | null }
    >(
      `SELECT best.id, best.rank, c.content_hash AS hash
       FROM (SELECT rowid AS id, bm25(search_fts, 1, ${TITLE_WEIGHT}) AS rank FROM search_fts
             WHERE search_fts MATCH ? ORDER BY rank, rowid LIMIT ?) AS best
       LEFT JOIN search_chunks c ON c.id = best.id ORDER BY best.rank, best.id`,
    );
    // Copies rank side by side (equal BM25), so twice the limit is nearly always enough; ask
    // for more only when copies filled it.
    for (let fetch = limit * 2; ; fetch *= 4) {
      const rows = select.all(ftsQuery, fetch);
      const matches: Array<{ id: number; score: number; contentHash: string }> = [];
      const seen = new Set<string>();
      for (const row of rows) {
        const contentHash = row.hash;
        if (contentHash === null || seen.has(contentHash)) continue;
        seen.add(contentHash);
        // FTS5's bm25() is negated so that ascending order is best first.
        matches.push({ id: row.id, score: -row.rank, contentHash });
        if (matches.length >= limit) return matches;
      }
      if (rows.length < fetch) return matches;
    }
  }

  /**
   * One vector per distinct chunk text in one flat array: row `r` is the text `hashes[r]`,
   * represented by its lowest chunk id `ids[r]`.
   *
   * Read from the snapshot (three blobs, written after each indexing run for up to 64 MiB of
   * vectors) when it is current; otherwise gathered from every row, and the snapshot rewritten
   * when it is small and the file writable. The snapshot makes the first search of a fresh
   * process several times faster.
   */
  loadVectors(dimensions: number): LoadedVectorRows {
    // One read transaction, so a writer committing meanwhile cannot mix two states.
    const snapshot = this.database.transaction(() => this.#readSnapshot(dimensions))();
    if (snapshot !== undefined) return snapshot;
    const rows = this.database.transaction(() => this.#vectorRows(dimensions))();
    if (rows.data.byteLength <= SNAPSHOT_MAX_BYTES_ON_READ) this.#writeSnapshot(rows, dimensions);
    return rows;
  }

  /**
   * Rewrites the vector snapshot unless it is current (indexing calls this when it is done).
   */
  refreshVectorSnapshot(dimensions: number): void {
    if (this.#snapshotIsCurrent(dimensions)) return;
    this.#writeSnapshot(this.#vectorRows(dimensions), dimensions);
  }

  /** Changes with every write to the index (files, chunks, vectors, settings), across processes. */
  generation(): string {
    return this.#meta("generation") ?? "0";
  }

  #bumpGeneration(): void {
    this.#setMeta("generation", String(Number(this.generation()) + 1));
  }

  #snapshotIsCurrent(dimensions: number): boolean {
    return (
      LITTLE_ENDIAN &&
      this.#meta("snapshot_generation") === this.generation() &&
      this.#meta("snapshot_dimensions") === String(dimensions)
    );
  }

  #readSnapshot(dimensions: number): LoadedVectorRows | undefined {
    if (!this.#snapshotIsCurrent(dimensions)) return undefined;
    const count = Number(this.#meta("snapshot_rows"));
    const parts = this.database
      .prepare<[], { part: number; bytes: Buffer }>(
        "SELECT part, bytes FROM search_vector_snapshot ORDER BY part",
      )
      .all();
    const [idPart, hashPart, ...vectorParts] = parts;
    if (idPart?.part !== 0 || hashPart?.part !== 1 || idPart.bytes.length !== count * 4) {
      return undefined;
    }
    const ids = new Int32Array(count);
    new Uint8Array(ids.buffer).set(idPart.bytes);
    const hashes = count === 0 ? [] : hashPart.bytes.toString("utf8").split("\n");
    const data = new Float32Array(count * dimensions);
    const bytes = new Uint8Array(data.buffer);
    let offset = 0;
    for (const part of vectorParts) {
      if (offset + part.bytes.length > bytes.length) return undefined;
      bytes.set(part.bytes, offset);
      offset += part.bytes.length;
    }
    if (offset !== bytes.length || hashes.length !== count) return undefined;
    return { ids, hashes, data };
  }

  #writeSnapshot(rows: LoadedVectorRows, dimensions: number): void {
    if (!LITTLE_ENDIAN || this.database.readonly) return;
    if (rows.data.byteLength > SNAPSHOT_MAX_BYTES) {
      this.database.exec("DELETE FROM search_vector_snapshot");
      return;
    }
    const insert = this.database.prepare<[number, Buffer]>(
      "INSERT INTO search_vector_snapshot (part, bytes) VALUES (?, ?)",
    );
    const generation = this.generation();
    const vectorBytes = Buffer.from(rows.data.buffer, rows.data.byteOffset, rows.data.byteLength);
    try {
      this.database.transaction(() => {
        this.database.exec("DELETE FROM search_vector_snapshot");
        insert.run(0, Buffer.from(rows.ids.buffer, rows.ids.byteOffset, rows.ids.byteLength));
        insert.run(1, Buffer.from(rows.hashes.join("\n"), "utf8"));
        insert.run(2, vectorBytes);
        this.#setMeta("snapshot_generation", generation);
        this.#setMeta("snapshot_dimensions", String(dimensions));
        this.#setMeta("snapshot_rows", String(rows.ids.length));
      })();
    } catch (cause) {
      // Another writer holds the lock, or the disk is full: the next search tries again.
      if (
        !(
          cause instanceof Error &&
          /SQLITE_(BUSY|LOCKED|FULL|READONLY)/.test(String((cause as { code?: string }).code))
        )
      ) {
        throw cause;
      }
    }
  }

  #vectorRows(dimensions: number): LoadedVectorRows {
    const { count } = this.database
      .prepare<[], { count: number }>(
        "SELECT COUNT(DISTINCT content_hash) AS count FROM search_chunks",
      )
      .get() as { count: number };
    const ids = new Int32Array(count);
    const hashes: string[] = [];
    const data = new Float32Array(count * dimensions);
    const bytes = new Uint8Array(data.buffer);
    let row = 0;
    // A plain join in chunk order, copies skipped here: grouping by hash in SQL took twice the
    // CPU on 10K x 1536 vectors. The first chunk seen with a text is its lowest id.
    const seen = new Set<string>();
    const rows = this.database
      .prepare<[], { id: number; hash: string; vector: Buffer }>(
        `SELECT c.id AS id, c.content_hash AS hash, v.vector AS vector FROM search_chunks c
         JOIN search_vectors v ON v.content_hash = c.content_hash ORDER BY c.id`,
      )
      .iterate();
    for (const { id, hash, vector } of rows) {
      if (seen.has(hash)) continue;
      seen.add(hash);
      if (vector.length !== dimensions * 4 || row >= count) {
        throw new TokenwiseError(
          "mixed_embeddings",
          `the search index holds a ${vector.length / 4}-dimensional vector where ${dimensions} were expected; rebuild it with "tokenwise index --rebuild <paths>"`,
        );
      }
      ids[row] = id;
      hashes.push(hash);
      if (LITTLE_ENDIAN) bytes.set(vector, row * dimensions * 4);
      else {
        for (let i = 0; i < dimensions; i++) data[row * dimensions + i] = vector.readFloatLE(i * 4);
      }
      row++;
    }
    return { ids: ids.subarray(0, row), hashes, data: data.subarray(0, row * dimensions) };
  }

  /**
   * Where each of these chunk texts occurs: every chunk with that content hash, sorted by path
   * then position.
   */
  copies(
    hashes: readonly string[],
  ): Map<string, Array<{ id: number; path: string; startLine: number; endLine: number }>> {
    const select = this.#prepared<
      [string],
      { id: number; path: string; start_line: number; end_line: number }
    >(
      `SELECT c.id, f.path, c.start_line, c.end_line
       FROM search_chunks c JOIN search_files f ON f.id = c.file_id
       WHERE c.content_hash = ? ORDER BY f.path, c.start_line, c.id`,
    );
    return new Map(
      hashes.map((hash) => [
        hash,
        select.all(hash).map((row) => ({
          id: row.id,
          path: row.path,
          startLine: row.start_line,
          endLine: row.end_line,
        })),
      ]),
    );
  }

  /** The stored word rows of these chunk texts (see search_word_rows); absent ones are left out. */
  wordRows(hashes: readonly string[]): Map<string, Uint32Array> {
    const select = this.#prepared<[string], { rows: Buffer }>(
      "SELECT rows FROM search_word_rows WHERE content_hash = ?",
    );
    const found = new Map<string, Uint32Array>();
    for (const hash of hashes) {
      const row = select.get(hash);
      if (row === undefined) continue;
      found.set(hash, wordRowsOf(row.rows));
    }
    return found;
  }

  /** The chunks with these ids, with their file paths, in the order of `ids`. */
  chunks(ids: readonly number[]): ChunkRecord[] {
    const select = this.#prepared<[number], ChunkRow>(
      `SELECT c.id, c.content_hash, f.path, c.ordinal, c.start_char, c.end_char, c.start_line, c.end_line,
              c.tokens, c.text
       FROM search_chunks c JOIN search_files f ON f.id = c.file_id WHERE c.id = ?`,
    );
    return ids.flatMap((id) => {
      const row = select.get(id);
      if (row === undefined) return [];
      return [
        {
          id: row.id,
          contentHash: row.content_hash,
          path: row.path,
          ordinal: row.ordinal,
          startChar: row.start_char,
          endChar: row.end_char,
          startLine: row.start_line,
          endLine: row.end_line,
          tokens: row.tokens,
          text: row.text,
        },
      ];
    });
  }

  /**
   * Changes whenever this object writes or another connection commits, to know when vectors
   * loaded earlier are stale. (SQLite's data_version only counts other connections' commits.)
   */
  version(): string {
    return `${String(this.database.pragma("data_version", { simple: true }))}:${this.#writes}`;
  }

  #meta(key: string): string | undefined {
    return this.#prepared<[string], { value: string }>(
      "SELECT value FROM search_meta WHERE key = ?",
    ).get(key)?.value;
  }

  #prepared<Parameters extends unknown[], Row>(sql: string): Statement<Parameters, Row> {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.database.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement as unknown as Statement<Parameters, Row>;
  }

  #setMeta(key: string, value: string): void {
    this.database
      .prepare<[string, string]>(
        "INSERT INTO search_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      )
      .run(key, value);
  }
}

function wordRowsOf(bytes: Buffer): Uint32Array {
  const rows = new Uint32Array(bytes.length >>> 2);
  // Copied either way: a Buffer from SQLite need not be 4-byte aligned.
  if (LITTLE_ENDIAN) new Uint8Array(rows.buffer).set(bytes.subarray(0, rows.length * 4));
  else
    for (let index = 0; index < rows.length; index++) rows[index] = bytes.readUInt32LE(index * 4);
  return rows;
}

/** Vector values or word rows as stored: 4 bytes each, little-endian. */
function littleEndianBytes(values: Float32Array | Uint32Array): Buffer {
  if (LITTLE_ENDIAN) return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  const bytes = Buffer.alloc(values.length * 4);
  const floats = values instanceof Float32Array;
  values.forEach((value, index) => {
    if (floats) bytes.writeFloatLE(value, index * 4);
    else bytes.writeUInt32LE(value, index * 4);
  });
  return bytes;
}
