import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { TokenwiseError } from "../../errors/index.js";
import {
  createIndexEmbedder,
  DEFAULT_RRF_K,
  FUSION_METHODS,
  type FusionMethod,
  openSearchIndex,
  SEARCH_MODES,
  type SearchHit,
  type SearchMode,
} from "../../search/index.js";
import { DATABASE_FILE, resolveDataDir } from "../../stores/data-dir.js";
import { type Output, processOutput, toJson } from "../output.js";
import { fraction, nonNegativeInteger, positiveInteger } from "../parse-options.js";
import { createProgressDisplay, displayPath, type ProgressTerminal } from "./index-command.js";

interface SearchFlags {
  mode: string;
  topK: number;
  json?: boolean;
  dataDir?: string;
  model?: string;
  rrfK: number;
  fusion: string;
  semanticWeight?: number;
  full?: boolean;
}

/** `tokenwise search`: find passages in indexed files by keyword, meaning, or both. */
export function registerSearchCommand(
  program: Command,
  output: Output = processOutput,
  terminal: ProgressTerminal = process.stderr,
): void {
  program
    .command("search")
    .description("search indexed files: keyword (BM25), semantic (vectors) or hybrid (both, fused)")
    .argument("<query...>", "what to look for")
    .option("--mode <mode>", `one of ${SEARCH_MODES.join(", ")}`, "hybrid")
    .option("-k, --top-k <n>", "number of results", positiveInteger, 10)
    .option("--json", "print JSON for scripts")
    .option("--full", "print each result's whole chunk instead of a snippet")
    .option("--data-dir <dir>", "where the index lives (default .tokenwise, or TOKENWISE_DATA_DIR)")
    .option(
      "-m, --model <name>",
      "embedding model for the query (default: the index's; give the provider prefix if needed, e.g. ollama/nomic-embed-text)",
    )
    .option(
      "--fusion <method>",
      `how hybrid mode merges the rankings: ${FUSION_METHODS.join(" or ")}`,
      "score",
    )
    .option(
      "--semantic-weight <w>",
      "weight of the semantic ranking against keyword's 1 (default 0.5 for the offline model, 1 for API models)",
      fraction,
    )
    .option(
      "--rrf-k <n>",
      "reciprocal rank fusion constant for --fusion rrf",
      nonNegativeInteger,
      DEFAULT_RRF_K,
    )
    .addHelpText(
      "after",
      `
Examples:
  tokenwise search "how are retries limited"
  tokenwise search "RATE_LIMITED" --mode keyword -k 3
  tokenwise search "cheap flights" --mode semantic --json

Keyword mode matches any of the words (BM25 ranking); "quoted words" must appear together and
word* matches prefixes. Hybrid fuses the keyword and semantic rankings by weighted reciprocal
rank (the offline model's ranking counts half, API models' fully). Identical chunks in several
files (copies, hard links) are one result that lists every file.`,
    )
    .action(async (words: string[], flags: SearchFlags) => {
      const query = words.join(" ");
      if (!SEARCH_MODES.includes(flags.mode as SearchMode)) {
        throw new TokenwiseError(
          "invalid_input",
          `--mode must be one of ${SEARCH_MODES.join(", ")}; got "${flags.mode}"`,
        );
      }
      const mode = flags.mode as SearchMode;
      if (!FUSION_METHODS.includes(flags.fusion as FusionMethod)) {
        throw new TokenwiseError(
          "invalid_input",
          `--fusion must be one of ${FUSION_METHODS.join(", ")}; got "${flags.fusion}"`,
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
      const display = createProgressDisplay(terminal, flags.json !== true);
      try {
        const settings = index.settings();
        const embedder =
          mode === "keyword" || settings === undefined
            ? undefined
            : createIndexEmbedder({
                model: flags.model ?? settings.modelReference ?? settings.model,
                dataDir,
                database: index.database,
                index: settings,
                onConversionProgress: display.conversion,
              }).cachedEmbedder;
        const response = await index.search(query, {
          mode,
          topK: flags.topK,
          embedder,
          rrfK: flags.rrfK,
          fusion: flags.fusion as FusionMethod,
          weights:
            flags.semanticWeight === undefined ? undefined : { semantic: flags.semanticWeight },
        });
        display.finish();
        if (flags.json) {
          output.write(
            toJson({
              query: response.query,
              mode: response.mode,
              model: settings?.model,
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
                ...(flags.full ? { text: hit.text } : {}),
              })),
            }),
          );
          return;
        }
        for (const note of response.notes) output.error(`note: ${note}`);
        if (response.results.length === 0) {
          output.write(`No results for "${query}" (${mode}).`);
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
    });
}

function describeHit(hit: SearchHit, rank: number, full: boolean): string {
  const where = `${displayPath(hit.path)}:${hit.startLine}-${hit.endLine}`;
  const sources = [
    hit.ranks.keyword === undefined ? undefined : `keyword #${hit.ranks.keyword}`,
    hit.ranks.semantic === undefined ? undefined : `semantic #${hit.ranks.semantic}`,
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
