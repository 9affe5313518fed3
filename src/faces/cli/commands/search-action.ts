/**
 * `tokenwise search` once its arguments are parsed (by commander, or by the fast path in
 * search-arguments.ts): this module loads no commander code.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Embedder } from "../../../adapters/embeddings/index.js";
// Internal: a fresh search loads the offline embedder only, not the API providers.
import {
  createOfflineEmbedder,
  OFFLINE_MODEL_NAMES,
} from "../../../adapters/embeddings/offline-embedder.js";
// Internal: the stores index also loads the Redis and PostgreSQL stores.
import { DATABASE_FILE, resolveDataDir } from "../../../adapters/stores/data-dir.js";
// Internal: the search index alone; apps/search's index also loads indexing and providers.
import {
  FUSION_METHODS,
  type FusionMethod,
  openSearchIndex,
  SEARCH_MODES,
  type SearchHit,
  type SearchIndex,
  type SearchMode,
  type SearchOptions,
  type SearchResponse,
} from "../../../apps/search/search-index.js";
import { TokenwiseError } from "../../../core/errors/index.js";
import { type Output, processOutput, toJson } from "../output.js";
import { createProgressDisplay, displayPath, type ProgressTerminal } from "./progress-display.js";

/** The parsed options of `tokenwise search` (commander's `opts()`). */
export interface SearchFlags {
  mode: string;
  topK: number;
  json?: boolean;
  serve?: boolean;
  dataDir?: string;
  model?: string;
  rrfK: number;
  fusion: string;
  semanticWeight?: number;
  lateInteractionWeight?: number;
  full?: boolean;
}

export interface SearchIo {
  output?: Output;
  terminal?: ProgressTerminal;
  input?: NodeJS.ReadableStream;
}

/** Runs one search (or, with --serve, answers queries from `input` until it ends). */
export async function runSearch(
  words: string[],
  flags: SearchFlags,
  io: SearchIo = {},
): Promise<void> {
  const { output = processOutput, terminal = process.stderr, input = process.stdin } = io;
  const options = readFlags(flags);
  const query = words.join(" ");
  if (flags.serve === true && query !== "") {
    throw new TokenwiseError(
      "invalid_input",
      "--serve reads queries from stdin: give no query on the command line",
    );
  }
  if (flags.serve !== true && query.trim() === "") {
    throw new TokenwiseError(
      "invalid_input",
      'give a query to search for (tokenwise search "how are retries limited"), or --serve to read queries from stdin',
    );
  }
  const dataDir = resolveDataDir({ dataDir: flags.dataDir });
  if (!existsSync(join(dataDir, DATABASE_FILE))) {
    throw new TokenwiseError(
      "not_found",
      `no search index in ${dataDir}: run "tokenwise index <paths>" first, or pass the --data-dir it was built in`,
    );
  }
  const index = openSearchIndex({ dataDir });
  const display = createProgressDisplay(terminal, flags.json !== true && flags.serve !== true);
  try {
    const embedder =
      options.mode === "keyword" && flags.serve !== true
        ? undefined
        : await queryEmbedder(index, dataDir, flags.model, display.conversion);
    if (flags.serve === true) {
      await serve(index, { ...options, embedder }, input, output);
      return;
    }
    const response = await index.search(query, { ...options, embedder });
    display.finish();
    if (flags.json) {
      output.write(toJson(describeResponse(response, index, flags.full === true)));
      return;
    }
    for (const note of response.notes) output.error(`note: ${note}`);
    if (response.results.length === 0) {
      output.write(`No results for "${query}" (${options.mode}).`);
      return;
    }
    output.write(
      response.results
        .map((hit, position) => describeHit(hit, position + 1, flags.full === true))
        .join("\n\n"),
    );
  } finally {
    display.finish();
    index.close();
  }
}

function readFlags(flags: SearchFlags): SearchOptions & { mode: SearchMode } {
  if (!SEARCH_MODES.includes(flags.mode as SearchMode)) {
    throw new TokenwiseError(
      "invalid_input",
      `--mode must be one of ${SEARCH_MODES.join(", ")}; got "${flags.mode}"`,
    );
  }
  if (!FUSION_METHODS.includes(flags.fusion as FusionMethod)) {
    throw new TokenwiseError(
      "invalid_input",
      `--fusion must be one of ${FUSION_METHODS.join(", ")}; got "${flags.fusion}"`,
    );
  }
  return {
    mode: flags.mode as SearchMode,
    topK: flags.topK,
    rrfK: flags.rrfK,
    fusion: flags.fusion as FusionMethod,
    weights: {
      ...(flags.semanticWeight === undefined ? {} : { semantic: flags.semanticWeight }),
      ...(flags.lateInteractionWeight === undefined
        ? {}
        : { lateInteraction: flags.lateInteractionWeight }),
    },
  };
}

/**
 * The embedder for queries against this index. The offline model is built directly, so a
 * search loads no provider, catalog or cache code.
 */
async function queryEmbedder(
  index: SearchIndex,
  dataDir: string,
  requested: string | undefined,
  onConversionProgress: Parameters<typeof createOfflineEmbedder>[0]["onConversionProgress"],
): Promise<Embedder | undefined> {
  const settings = index.settings();
  if (settings === undefined) return undefined;
  const model = requested ?? settings.modelReference ?? settings.model;
  if (OFFLINE_MODEL_NAMES.includes(model)) {
    return createOfflineEmbedder({ dataDir, onConversionProgress });
  }
  // Loaded only when an index names a non-offline model, so a plain query never loads the
  // embedding providers (apps/search's index would load them eagerly).
  // Internal: createIndexEmbedder is imported on demand, not through the index.
  const { createIndexEmbedder } = await import("../../../apps/search/index-embedder.js");
  return createIndexEmbedder({
    model,
    dataDir,
    database: index.database,
    index: settings,
    onConversionProgress,
  }).cachedEmbedder;
}

/** Answers each input line with one JSON line until the input ends. */
async function serve(
  index: SearchIndex,
  options: SearchOptions & { mode: SearchMode },
  input: NodeJS.ReadableStream,
  output: Output,
): Promise<void> {
  // Loaded here: a single search needs no readline.
  const { createInterface } = await import("node:readline");
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (line.trim() === "") continue;
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    try {
      const request = parseRequest(line);
      const response = await index.search(request.query, { ...options, ...request.options });
      output.write(
        JSON.stringify({
          ...describeResponse(response, index, false),
          ms: Number((performance.now() - started).toFixed(2)),
          cpuMs: cpuMilliseconds(process.cpuUsage(cpuStarted)),
        }),
      );
    } catch (error) {
      if (!TokenwiseError.isInstance(error)) throw error;
      output.write(JSON.stringify({ error: { code: error.code, message: error.message } }));
    }
  }
}

function cpuMilliseconds(usage: NodeJS.CpuUsage): number {
  return Number(((usage.user + usage.system) / 1000).toFixed(2));
}

function parseRequest(line: string): { query: string; options: SearchOptions } {
  if (!line.trimStart().startsWith("{")) return { query: line, options: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    throw new TokenwiseError(
      "invalid_input",
      'a line starting with "{" must be a JSON object such as {"query": "retry limits", "topK": 3}',
    );
  }
  const request = parsed as { query?: unknown; mode?: unknown; topK?: unknown };
  if (typeof request.query !== "string") {
    throw new TokenwiseError("invalid_input", 'query must be a string in {"query": "..."}');
  }
  const options: SearchOptions = {};
  if (request.mode !== undefined) options.mode = request.mode as SearchMode;
  if (request.topK !== undefined) options.topK = request.topK as number;
  return { query: request.query, options };
}

function describeResponse(response: SearchResponse, index: SearchIndex, full: boolean) {
  return {
    query: response.query,
    mode: response.mode,
    model: index.settings()?.model,
    notes: response.notes,
    results: response.results.map((hit, position) => ({
      rank: position + 1,
      score: hit.score,
      path: displayPath(hit.path),
      paths: hit.paths.map(displayPath),
      startLine: hit.startLine,
      endLine: hit.endLine,
      snippetLine: hit.snippetLine,
      snippet: hit.snippet,
      ranks: hit.ranks,
      scores: hit.scores,
      ...(full ? { text: hit.text } : {}),
    })),
  };
}

function describeHit(hit: SearchHit, rank: number, full: boolean): string {
  const where = `${displayPath(hit.path)}:${hit.startLine}-${hit.endLine}`;
  const sources = [
    hit.ranks.keyword === undefined ? undefined : `keyword #${hit.ranks.keyword}`,
    hit.ranks.semantic === undefined ? undefined : `semantic #${hit.ranks.semantic}`,
    hit.ranks.lateInteraction === undefined
      ? undefined
      : `late interaction #${hit.ranks.lateInteraction}`,
  ].filter((source) => source !== undefined);
  const body = full
    ? hit.text
        .trimEnd()
        .split("\n")
        .map((line) => `   ${line}`)
        .join("\n")
    : `   ${hit.snippetLine}: ${hit.snippet}`;
  const copies =
    hit.copies.length === 0
      ? ""
      : `\n   same text in: ${hit.copies.map((copy) => `${displayPath(copy.path)}:${copy.startLine}-${copy.endLine}`).join(", ")}`;
  return `${rank}. ${where}  score ${formatScore(hit.score)}${sources.length > 0 ? `  (${sources.join(", ")})` : ""}\n${body}${copies}`;
}

function formatScore(score: number): string {
  return Math.abs(score) >= 1 ? score.toFixed(2) : score.toFixed(4);
}
