import type { Command } from "commander";
// Internal: the search index alone; apps/search's index also loads indexing and providers.
import { DEFAULT_RRF_K } from "../../../apps/search/reciprocal-rank-fusion.js";
// Internal: as above.
import { FUSION_METHODS, SEARCH_MODES } from "../../../apps/search/search-index.js";
import { type Output, processOutput } from "../output.js";
import { fraction, nonNegativeInteger, positiveInteger } from "../parse-options.js";
import type { ProgressTerminal } from "./progress-display.js";
import { runSearch, type SearchFlags } from "./search-action.js";

/**
 * `tokenwise search`: find passages in indexed files by keyword, meaning, or both; with
 * `--serve`, answer queries from `input` (one a line) with the index and vectors kept loaded.
 */
export function registerSearchCommand(
  program: Command,
  output: Output = processOutput,
  terminal: ProgressTerminal = process.stderr,
  input: NodeJS.ReadableStream = process.stdin,
): void {
  program
    .command("search")
    .description("search indexed files: keyword (BM25), semantic (vectors) or hybrid (both, fused)")
    .argument("[query...]", "what to look for (not with --serve)")
    .option("--mode <mode>", `one of ${SEARCH_MODES.join(", ")}`, "hybrid")
    .option("-k, --top-k <n>", "number of results", positiveInteger, 10)
    .option("--json", "print JSON for scripts")
    .option("--full", "print each result's whole chunk instead of a snippet")
    .option(
      "--serve",
      "stay running: read queries from stdin, one a line, and answer each with one JSON line",
    )
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
      "weight of the semantic ranking in hybrid mode, against keyword's 1 (default 1)",
      fraction,
    )
    .option(
      "--late-interaction-weight <w>",
      "weight of the late-interaction ranking (offline model, --fusion score) in hybrid mode; 0 leaves it out (default 1)",
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
  printf 'retry limits\\n{"query": "cost", "mode": "keyword", "topK": 3}\\n' | tokenwise search --serve

Keyword mode matches any of the words (BM25 ranking); "quoted words" must appear together and
word* matches prefixes. Hybrid adds each ranking's scores divided by its best score, so a
clear keyword match keeps its lead (--fusion rrf fuses ranks instead). Identical chunks in several files (copies, hard links) are one result that lists
every file.

With --serve each input line is a query, or a JSON object {"query", "mode"?, "topK"?}; each
answer is one JSON line like --json's, plus "ms" and "cpuMs", the wall and CPU time the query
took.`,
    )
    .action((words: string[], flags: SearchFlags) =>
      runSearch(words, flags, { output, terminal, input }),
    );
}
