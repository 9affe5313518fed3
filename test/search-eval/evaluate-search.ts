/**
 * Retrieval metrics for the labelled fixture: recall@k and mean reciprocal rank per search
 * mode, with per-query detail to see where a mode fails.
 */
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { Embedder } from "../../src/adapters/embeddings/index.js";
import type {
  FusionMethod,
  FusionWeights,
  SearchIndex,
  SearchMode,
} from "../../src/apps/search/index.js";

export interface LabelledPassage {
  file: string;
  lines: [number, number];
}

export interface LabelledQuery {
  id: string;
  query: string;
  relevant: LabelledPassage[];
}

export interface ModeMetrics {
  mode: SearchMode | string;
  /** Mean over queries of the share of labelled passages found in the top `recallAt` results. */
  recall: number;
  /** Mean over queries of 1 / rank of the first relevant result in the top `mrrDepth` (0 if none). */
  mrr: number;
  perQuery: Array<{ id: string; recall: number; firstRelevantRank: number | undefined }>;
}

/** A question answered by whole files (the docs corpus): any of `files` counts. */
export interface FileLabelledQuery {
  id: string;
  query: string;
  files: string[];
}

export const FIXTURE_DIR = new URL(".", import.meta.url).pathname;
export const DOCS_DIR = join(FIXTURE_DIR, "docs");
export const CORPUS_DIR = join(FIXTURE_DIR, "corpus");

/** The labelled queries shipped with the fixture. */
export function loadQueries(): LabelledQuery[] {
  const parsed = JSON.parse(readFileSync(join(FIXTURE_DIR, "queries.json"), "utf8")) as {
    queries: LabelledQuery[];
  };
  return parsed.queries;
}

/**
 * Runs every query in one mode and scores the ranking.
 *
 * @example
 * ```ts
 * const metrics = await evaluateMode(index, loadQueries(), { mode: "hybrid", embedder });
 * metrics.recall; // e.g. 0.8
 * ```
 */
export async function evaluateMode(
  index: SearchIndex,
  queries: readonly LabelledQuery[],
  options: {
    mode: SearchMode;
    embedder?: Embedder;
    rrfK?: number;
    fusion?: FusionMethod;
    weights?: Partial<FusionWeights>;
    recallAt?: number;
    mrrDepth?: number;
  },
): Promise<ModeMetrics> {
  const recallAt = options.recallAt ?? 5;
  const mrrDepth = options.mrrDepth ?? 10;
  const perQuery: ModeMetrics["perQuery"] = [];
  for (const labelled of queries) {
    const { results } = await index.search(labelled.query, {
      mode: options.mode,
      topK: Math.max(recallAt, mrrDepth),
      embedder: options.embedder,
      rrfK: options.rrfK,
      fusion: options.fusion,
      weights: options.weights,
    });
    const matches = (hit: (typeof results)[number], passage: LabelledPassage) =>
      basename(hit.path) === passage.file &&
      hit.startLine <= passage.lines[1] &&
      hit.endLine >= passage.lines[0];
    const top = results.slice(0, recallAt);
    const found = labelled.relevant.filter((passage) => top.some((hit) => matches(hit, passage)));
    const firstRelevant = results
      .slice(0, mrrDepth)
      .findIndex((hit) => labelled.relevant.some((passage) => matches(hit, passage)));
    perQuery.push({
      id: labelled.id,
      recall: found.length / labelled.relevant.length,
      firstRelevantRank: firstRelevant === -1 ? undefined : firstRelevant + 1,
    });
  }
  return summarise(options.mode, perQuery);
}

/** The labelled questions of the package-documentation corpus (docs/). */
export function loadDocsQueries(): FileLabelledQuery[] {
  const parsed = JSON.parse(readFileSync(join(DOCS_DIR, "queries.json"), "utf8")) as {
    queries: FileLabelledQuery[];
  };
  return parsed.queries;
}

/**
 * Runs every file-labelled question in one mode: recall@k is the share of questions with a
 * labelled file among the top `recallAt` results (a folded copy counts through any of its
 * paths), MRR the mean of 1 / rank of the first such result in the top `mrrDepth`.
 *
 * @example
 * ```ts
 * const metrics = await evaluateFiles(index, loadDocsQueries(), { mode: "keyword" });
 * ```
 */
export async function evaluateFiles(
  index: SearchIndex,
  queries: readonly FileLabelledQuery[],
  options: {
    mode: SearchMode;
    embedder?: Embedder;
    fusion?: FusionMethod;
    weights?: Partial<FusionWeights>;
  },
): Promise<ModeMetrics> {
  const recallAt = 5;
  const mrrDepth = 10;
  const perQuery: ModeMetrics["perQuery"] = [];
  for (const labelled of queries) {
    const { results } = await index.search(labelled.query, {
      mode: options.mode,
      topK: mrrDepth,
      embedder: options.embedder,
      fusion: options.fusion,
      weights: options.weights,
    });
    const first = results.findIndex((hit) =>
      hit.paths.some((path) => labelled.files.includes(basename(path))),
    );
    perQuery.push({
      id: labelled.id,
      recall: first !== -1 && first < recallAt ? 1 : 0,
      firstRelevantRank: first === -1 ? undefined : first + 1,
    });
  }
  return summarise(options.mode, perQuery);
}

function summarise(mode: string, perQuery: ModeMetrics["perQuery"]): ModeMetrics {
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  return {
    mode,
    recall: mean(perQuery.map((entry) => entry.recall)),
    mrr: mean(
      perQuery.map((entry) =>
        entry.firstRelevantRank === undefined ? 0 : 1 / entry.firstRelevantRank,
      ),
    ),
    perQuery,
  };
}

/**
 * The table an eval prints (and bench/search/run.mjs copies into BENCHMARKS.md).
 *
 * @example
 * ```ts
 * console.log(formatMetrics("search eval: 37 queries", [keyword, hybrid]));
 * ```
 */
export function formatMetrics(title: string, metrics: readonly ModeMetrics[]): string {
  return [
    title,
    "mode         recall@5  MRR@10",
    ...metrics.map(
      (entry) =>
        `${entry.mode.padEnd(12)} ${entry.recall.toFixed(3).padStart(8)}  ${entry.mrr.toFixed(3).padStart(6)}`,
    ),
  ].join("\n");
}
