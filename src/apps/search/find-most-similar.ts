/**
 * Ranking a handful of documents against a query in memory, no index needed: the tutorial's
 * `find_most_similar`, done right. The query and every distinct document are embedded in one
 * call (through a cached embedder if you pass one, keyed by the full text), vectors are checked,
 * documents keep their positions, ties break by position, and a query the model cannot place
 * fails clearly instead of ranking at random.
 */
import { assertEmbedder, type Embedder, embedChecked } from "../../adapters/embeddings/index.js";
import { invalidInput, TokenwiseError } from "../../core/errors/index.js";
import { orderForAttention } from "../../core/prompts/index.js";
import { topKSimilar } from "../../core/vectors/index.js";

export interface RankedDocument {
  document: string;
  /** Position of the document in the input. */
  index: number;
  /** Cosine similarity to the query, from -1 to 1. */
  score: number;
}

export interface FindMostSimilarOptions {
  embedder: Embedder;
  /** How many to return (default 3, as in the tutorial). */
  topK?: number;
}

/**
 * The `topK` documents most similar to `query`, best first.
 *
 * @example
 * ```ts
 * const embedder = createOfflineEmbedder({ dataDir: ".tokenwise" });
 * const best = await findMostSimilar("coding languages", [
 *   "Python is a programming language",
 *   "Snakes are reptiles that slither",
 *   "JavaScript runs in browsers",
 * ], { embedder, topK: 2 });
 * best.map((match) => match.index); // [0, 2]
 * ```
 */
export async function findMostSimilar(
  query: string,
  documents: readonly string[],
  options: FindMostSimilarOptions,
): Promise<RankedDocument[]> {
  const topK = options?.topK ?? 3;
  if (!Number.isSafeInteger(topK) || topK < 1) {
    throw invalidInput("topK", `must be a positive integer, got ${String(topK)}`);
  }
  return (await scoreDocuments(query, documents, options)).slice(0, topK);
}

/**
 * Every document with its similarity to `query`, most relevant first.
 *
 * @example
 * ```ts
 * const ranked = await rankByRelevance("refund policy", pages, { embedder });
 * ranked[0].document; // the page most about refunds
 * ```
 */
export async function rankByRelevance(
  query: string,
  documents: readonly string[],
  options: { embedder: Embedder },
): Promise<RankedDocument[]> {
  return scoreDocuments(query, documents, options);
}

/**
 * The documents ordered for a prompt: the most relevant first and last, the least relevant in
 * the middle, where models recall worst ("lost in the middle", Liu et al., 2023).
 *
 * @example
 * ```ts
 * const ordered = await arrangeForAttention("refund policy", pages, { embedder });
 * const context = ordered.map((page) => page.document).join("\n\n");
 * ```
 */
export async function arrangeForAttention(
  query: string,
  documents: readonly string[],
  options: { embedder: Embedder },
): Promise<RankedDocument[]> {
  return orderForAttention(await scoreDocuments(query, documents, options));
}

async function scoreDocuments(
  query: string,
  documents: readonly string[],
  options: { embedder: Embedder },
): Promise<RankedDocument[]> {
  if (typeof query !== "string" || query.trim() === "") {
    throw invalidInput("query", "must be non-empty text");
  }
  if (!Array.isArray(documents)) throw invalidInput("documents", "must be an array of strings");
  documents.forEach((document, index) => {
    if (typeof document !== "string" || document.trim() === "") {
      throw invalidInput(`documents[${index}]`, "must be non-empty text");
    }
  });
  assertEmbedder("embedder", options?.embedder);
  if (documents.length === 0) return [];
  const distinct = [...new Set(documents)];
  const [queryVector, ...vectors] = await embedChecked(options.embedder, [query, ...distinct]);
  if (queryVector === undefined || queryVector.every((value) => value === 0)) {
    throw new TokenwiseError(
      "invalid_input",
      `query has no vector: ${options.embedder.model} returned all zeros for it (the offline model knows none of its words); rephrase it or use an API embedding model`,
      { details: { field: "query" } },
    );
  }
  const rowOf = new Map(distinct.map((document, row) => [document, row]));
  const scores = topKSimilar(queryVector, vectors, distinct.length);
  const scoreOfRow = new Float64Array(distinct.length);
  for (const match of scores) scoreOfRow[match.index] = match.score;
  return documents
    .map((document, index) => ({
      document,
      index,
      score: scoreOfRow[rowOf.get(document) as number] as number,
    }))
    .sort((a, b) => b.score - a.score || a.index - b.index);
}
