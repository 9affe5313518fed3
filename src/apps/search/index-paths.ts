/**
 * Indexing: walk the paths, split changed files into token chunks, embed only chunks whose
 * text has no vector yet, and commit in batches so an interrupted run leaves a consistent
 * index that the next run resumes.
 */
import { createHash } from "node:crypto";
import { sep } from "node:path";
import { createEmbeddingCache, embeddingCacheKey } from "../../adapters/cache/index.js";
import {
  assertEmbedder,
  describeEmbeddingModel,
  type Embedder,
  embedChecked,
} from "../../adapters/embeddings/index.js";
import type { KeyValueStore } from "../../adapters/stores/index.js";
import { invalidInput } from "../../core/errors/index.js";
import { costOfTokens, type Picodollars } from "../../core/money/index.js";
import type { EncodingName } from "../../core/tokens/index.js";
import { chunkByTokens } from "../../core/tokens/index.js";
// Internal: assertEncodingName stays out of the public index of core/tokens.
import { assertEncodingName } from "../../core/tokens/registry.js";
import {
  chunkingSignature,
  type FileUpdate,
  type IndexCounts,
  type IndexDatabase,
  type IndexSettings,
  type NewChunk,
} from "./index-database.js";
import { lineRange, lineStarts } from "./line-numbers.js";
import { mixedEmbeddingsError } from "./mixed-embeddings-error.js";
import { readTextFile } from "./read-text-file.js";
import { type SkippedFile, type WalkedFile, walkFiles } from "./walk-files.js";

/** Tokens per chunk by default: small enough for focused vectors, big enough for context. */
export const DEFAULT_CHUNK_TOKENS = 256;
export const DEFAULT_OVERLAP_TOKENS = 32;
/** Files over 1 MiB are skipped by default: rarely prose or code a person wrote. */
export const DEFAULT_MAX_FILE_BYTES = 1_048_576;
/** New chunks embedded and committed together. */
export const DEFAULT_BATCH_CHUNKS = 256;

export interface IndexPathsOptions {
  embedder: Embedder;
  /** How to name the model to build its embedder again later ("ollama/nomic-embed-text"); stored. */
  modelReference?: string;
  /** Embedding cache store: vectors paid for once survive `--rebuild` and moved files. */
  embeddingCache?: KeyValueStore;
  /** Tokenizer for chunking and cost (default: the embedding model's, else cl100k_base). */
  tokenizer?: EncodingName;
  chunkTokens?: number;
  overlapTokens?: number;
  maxFileBytes?: number;
  batchChunks?: number;
  /** Directories never entered (the data directory when it sits inside a root). */
  excludeDirs?: readonly string[];
  /** Plan only: count chunks, tokens and cost, embed and write nothing. */
  dryRun?: boolean;
  /** Start from an empty index (also the way to switch embedding models). */
  rebuild?: boolean;
  /** Stops after the batch in flight; what was committed stays, the next run resumes. */
  signal?: AbortSignal;
  onProgress?: (progress: IndexProgress) => void;
}

export interface IndexProgress {
  phase: "scanning" | "indexing";
  /** Files scanned (scanning) or committed (indexing) so far. */
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  chunksEmbedded: number;
  tokensEmbedded: number;
  /** Spent on embeddings so far; undefined when the model's price is unknown. */
  cost: Picodollars | undefined;
  elapsedMs: number;
}

export interface IndexReport {
  dryRun: boolean;
  /** True when a signal stopped the run early; run again to finish. */
  interrupted: boolean;
  settings: IndexSettings;
  files: {
    /** Text files found under the paths. */
    found: number;
    /** New or changed files found. */
    changed: number;
    /** Changed files committed to the index (planned, in a dry run); fewer when interrupted. */
    indexed: number;
    unchanged: number;
    /** Files dropped from the index because they were deleted or are now skipped. */
    removed: number;
    skipped: SkippedFile[];
    ignored: number;
    /** Each new or changed file with its chunks and their tokens. */
    changedFiles: Array<{ path: string; chunks: number; tokens: number }>;
  };
  chunks: {
    /** Chunks of the committed files (planned, in a dry run). */
    written: number;
    /** Tokens in those chunks. */
    tokens: number;
    /** Distinct chunk texts sent to the embedder (that would be sent, in a dry run). */
    toEmbed: number;
    /** Tokens of those texts, which is what the provider bills. */
    tokensToEmbed: number;
    /** Chunks whose vector came from the index, the embedding cache or an identical chunk. */
    reused: number;
  };
  embedding: {
    /** Calls that reached the embedder (0 in a dry run). */
    calls: number;
    texts: number;
    tokens: number;
    /** What was spent (dry run: what `tokensToEmbed` would cost); undefined if the price is unknown. */
    cost: Picodollars | undefined;
  };
  /** The index after the run. */
  index: IndexCounts;
}

interface ChangedFile extends WalkedFile {
  contentHash: string;
}

interface PreparedFile {
  update: FileUpdate;
  bytes: number;
}

/**
 * Indexes `paths` into `database`. Re-running on an unchanged tree reads and hashes the files
 * but embeds nothing; changed files are re-chunked, deleted ones removed.
 *
 * @example
 * ```ts
 * const report = await indexPaths(database, ["docs"], { embedder: createOfflineEmbedder({ dataDir }) });
 * report.embedding.calls; // 0 on a second run over the same files
 * ```
 */
export async function indexPaths(
  database: IndexDatabase,
  paths: readonly string[],
  options: IndexPathsOptions,
): Promise<IndexReport> {
  const started = performance.now();
  const settings = resolveSettings(options);
  const dryRun = options.dryRun === true;
  const stored = database.settings();
  const sameModel =
    stored === undefined ||
    (stored.model === settings.model && stored.dimensions === settings.dimensions);
  if (!sameModel && options.rebuild !== true) {
    throw mixedEmbeddingsError({ stored, requested: settings, location: database.database.name });
  }
  if (!Array.isArray(paths) || paths.length === 0) {
    throw invalidInput("paths", "must name at least one file or directory to index");
  }
  // Walk first: a mistyped path must fail before a rebuild empties the index.
  const walk = await walkFiles(paths, {
    maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
    excludeDirs: options.excludeDirs,
  });
  const fresh = options.rebuild === true || stored === undefined;
  if (options.rebuild === true && !dryRun) database.clear();
  const facts = describeEmbeddingModel(settings.model);
  const signature = chunkingSignature(settings);
  const skipped = [...walk.skipped];
  const bytesTotal = walk.files.reduce((sum, file) => sum + file.size, 0);
  const progress: IndexProgress = {
    phase: "scanning",
    filesDone: 0,
    filesTotal: walk.files.length,
    bytesDone: 0,
    bytesTotal,
    chunksEmbedded: 0,
    tokensEmbedded: 0,
    cost: facts.pricePerMillion === undefined ? undefined : 0n,
    elapsedMs: 0,
  };
  const report = (): void => {
    progress.elapsedMs = performance.now() - started;
    options.onProgress?.({ ...progress });
  };

  const changed: ChangedFile[] = [];
  const present = new Set<string>();
  let unchanged = 0;
  for (const file of walk.files) {
    const read = await readTextFile(file.path);
    progress.filesDone++;
    progress.bytesDone += file.size;
    if (read.kind === "skipped") {
      skipped.push({ path: file.path, reason: read.reason, detail: read.detail });
      // An unreadable file keeps what the index has of it; a binary one is dropped.
      if (read.reason === "unreadable") present.add(file.path);
      continue;
    }
    present.add(file.path);
    const known = fresh ? undefined : database.file(file.path);
    if (known?.contentHash === read.contentHash && known.chunking === signature) unchanged++;
    else changed.push({ ...file, contentHash: read.contentHash });
    if (progress.filesDone % 200 === 0) report();
  }
  const stale = fresh
    ? []
    : database.paths().filter((path) => !present.has(path) && isUnder(path, walk.roots));

  Object.assign(progress, {
    phase: "indexing",
    filesDone: 0,
    filesTotal: changed.length,
    bytesDone: 0,
    bytesTotal: changed.reduce((sum, file) => sum + file.size, 0),
  });
  report();

  // Tokens of the texts waiting in the current batch (cleared with it, so memory stays bounded).
  const tokensOfText = new Map<string, number>();
  const sent = { calls: 0, texts: 0, tokens: 0 };
  const embedAndCount = async (texts: string[]): Promise<Float32Array[]> => {
    const vectors = await embedChecked(options.embedder, texts);
    sent.calls++;
    sent.texts += texts.length;
    for (const text of texts) sent.tokens += tokensOfText.get(text) ?? 0;
    progress.chunksEmbedded = sent.texts;
    progress.tokensEmbedded = sent.tokens;
    progress.cost = costOf(sent.tokens, facts.pricePerMillion);
    return vectors;
  };
  const batchChunks = options.batchChunks ?? DEFAULT_BATCH_CHUNKS;
  const cache =
    options.embeddingCache === undefined
      ? undefined
      : createEmbeddingCache({
          store: options.embeddingCache,
          embed: embedAndCount,
          model: settings.model,
          dimensions: settings.dimensions,
          maxBatchInputs: batchChunks,
        });
  const embedTexts = async (texts: string[]): Promise<Float32Array[]> => {
    if (cache !== undefined) return (await cache.embedMany(texts)).vectors;
    const vectors: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += batchChunks) {
      vectors.push(...(await embedAndCount(texts.slice(start, start + batchChunks))));
    }
    return vectors;
  };

  const totals = { files: 0, written: 0, tokens: 0 };
  const plannedEmbeddings = { texts: 0, tokens: 0 };
  const planned = new Set<string>();
  let pending: PreparedFile[] = [];
  let pendingTexts = new Map<string, string>();
  let interrupted = false;
  const changedFiles: IndexReport["files"]["changedFiles"] = [];

  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const hashes = [...pendingTexts.keys()];
    const texts = [...pendingTexts.values()];
    if (dryRun) {
      const cached = await cachedTexts(texts, options.embeddingCache, settings);
      for (const text of texts) {
        if (cached.has(text)) continue;
        plannedEmbeddings.texts++;
        plannedEmbeddings.tokens += tokensOfText.get(text) ?? 0;
      }
    } else {
      const vectors = texts.length === 0 ? [] : await embedTexts(texts);
      const byHash = new Map(
        hashes.map((hash, index) => [hash, toUnit(vectors[index] as Float32Array)]),
      );
      // Word rows for hybrid search's late interaction, stored so queries need not split texts.
      const rows =
        texts.length === 0 || options.embedder.wordRows === undefined
          ? []
          : await options.embedder.wordRows(texts);
      const rowsByHash = new Map(
        hashes.flatMap((hash, index) => {
          const found = rows[index];
          return found instanceof Uint32Array ? [[hash, found] as const] : [];
        }),
      );
      database.saveSettings(settings);
      database.writeBatch(
        pending.map((file) => file.update),
        byHash,
        rowsByHash,
      );
    }
    for (const file of pending) {
      progress.filesDone++;
      progress.bytesDone += file.bytes;
      totals.files++;
      totals.written += file.update.chunks.length;
      for (const chunk of file.update.chunks) totals.tokens += chunk.tokens;
    }
    pending = [];
    pendingTexts = new Map();
    tokensOfText.clear();
    report();
  };

  for (const file of changed) {
    if (options.signal?.aborted === true) {
      interrupted = true;
      break;
    }
    const read = await readTextFile(file.path);
    if (read.kind === "skipped") {
      skipped.push({ path: file.path, reason: read.reason, detail: read.detail });
      continue;
    }
    const chunks = chunkFile(read.text, settings);
    changedFiles.push({
      path: file.path,
      chunks: chunks.length,
      tokens: chunks.reduce((sum, chunk) => sum + chunk.tokens, 0),
    });
    const known =
      dryRun && fresh
        ? new Set<string>()
        : database.existingVectors(chunks.map((chunk) => chunk.contentHash));
    for (const chunk of chunks) {
      if (known.has(chunk.contentHash) || planned.has(chunk.contentHash)) continue;
      planned.add(chunk.contentHash);
      pendingTexts.set(chunk.contentHash, chunk.text);
      tokensOfText.set(chunk.text, chunk.tokens);
    }
    pending.push({
      update: {
        path: file.path,
        contentHash: read.contentHash,
        chunking: signature,
        size: file.size,
        chunks,
      },
      bytes: file.size,
    });
    if (pendingTexts.size >= batchChunks) await flush();
  }
  if (!interrupted) await flush();

  let removed = 0;
  if (!interrupted && !dryRun) {
    removed = database.removeFiles(stale);
    database.removeOrphanVectors();
    database.saveSettings(settings);
    database.refreshVectorSnapshot(settings.dimensions);
  }
  const embedded = dryRun ? plannedEmbeddings : sent;
  return {
    dryRun,
    interrupted,
    settings,
    files: {
      found: walk.files.length,
      changed: changed.length,
      indexed: totals.files,
      unchanged,
      removed: dryRun ? stale.length : removed,
      skipped,
      ignored: walk.ignored,
      changedFiles,
    },
    chunks: {
      written: totals.written,
      tokens: totals.tokens,
      toEmbed: embedded.texts,
      tokensToEmbed: embedded.tokens,
      reused: totals.written - embedded.texts,
    },
    embedding: {
      calls: sent.calls,
      texts: sent.texts,
      tokens: sent.tokens,
      cost: costOf(embedded.tokens, facts.pricePerMillion),
    },
    index: database.counts(),
  };
}

function resolveSettings(options: IndexPathsOptions): IndexSettings {
  if (typeof options !== "object" || options === null) {
    throw invalidInput("options", "must be an object with at least { embedder }");
  }
  assertEmbedder("options.embedder", options.embedder);
  const { embedder } = options;
  const tokenizer = options.tokenizer ?? describeEmbeddingModel(embedder.model).tokenizer;
  assertEncodingName("tokenizer", tokenizer);
  const chunkTokens = options.chunkTokens ?? DEFAULT_CHUNK_TOKENS;
  const overlapTokens = options.overlapTokens ?? DEFAULT_OVERLAP_TOKENS;
  if (!Number.isSafeInteger(chunkTokens) || chunkTokens < 16) {
    throw invalidInput(
      "chunkTokens",
      `must be an integer of at least 16, got ${String(chunkTokens)}`,
    );
  }
  if (!Number.isSafeInteger(overlapTokens) || overlapTokens < 0 || overlapTokens >= chunkTokens) {
    throw invalidInput(
      "overlapTokens",
      `must be an integer from 0 to chunkTokens - 1 (${chunkTokens - 1}), got ${String(overlapTokens)}`,
    );
  }
  const batchChunks = options.batchChunks ?? DEFAULT_BATCH_CHUNKS;
  if (!Number.isSafeInteger(batchChunks) || batchChunks < 1) {
    throw invalidInput("batchChunks", `must be a positive integer, got ${String(batchChunks)}`);
  }
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  if (!Number.isSafeInteger(maxFileBytes) || maxFileBytes < 1) {
    throw invalidInput(
      "maxFileBytes",
      `must be a positive number of bytes, got ${String(maxFileBytes)}`,
    );
  }
  return {
    model: embedder.model,
    dimensions: embedder.dimensions,
    ...(options.modelReference === undefined ? {} : { modelReference: options.modelReference }),
    tokenizer,
    chunkTokens,
    overlapTokens,
  };
}

/** Splits one file into chunks with line ranges and content hashes; blank chunks are dropped. */
function chunkFile(text: string, settings: IndexSettings): NewChunk[] {
  const starts = lineStarts(text);
  return chunkByTokens(text, {
    tokenizer: settings.tokenizer,
    chunkTokens: settings.chunkTokens,
    overlapTokens: settings.overlapTokens,
  })
    .filter((chunk) => chunk.text.trim() !== "")
    .map((chunk, ordinal) => ({
      ordinal,
      startChar: chunk.startChar,
      endChar: chunk.endChar,
      ...lineRange(starts, chunk.startChar, chunk.endChar),
      tokens: chunk.tokens,
      text: chunk.text,
      contentHash: createHash("sha256").update(chunk.text, "utf8").digest("hex"),
    }));
}

async function cachedTexts(
  texts: readonly string[],
  store: KeyValueStore | undefined,
  settings: IndexSettings,
): Promise<Set<string>> {
  if (store === undefined || texts.length === 0) return new Set();
  const keys = texts.map((text) =>
    embeddingCacheKey({ model: settings.model, dimensions: settings.dimensions, text }),
  );
  const values = await store.getMany(keys);
  return new Set(texts.filter((_text, index) => values[index] !== undefined));
}

function toUnit(vector: Float32Array): Float32Array {
  let sumOfSquares = 0;
  for (const value of vector) sumOfSquares += value * value;
  if (sumOfSquares === 0) return vector;
  const length = Math.sqrt(sumOfSquares);
  return Float32Array.from(vector, (value) => value / length);
}

function costOf(tokens: number, pricePerMillion: Picodollars | undefined): Picodollars | undefined {
  return pricePerMillion === undefined ? undefined : costOfTokens(tokens, pricePerMillion);
}

function isUnder(path: string, roots: readonly string[]): boolean {
  return roots.some(
    (root) => path === root || path.startsWith(root.endsWith(sep) ? root : `${root}${sep}`),
  );
}
