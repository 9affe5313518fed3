import type { Command } from "commander";
import { describeEmbeddingModel, embeddingModelId } from "../../../adapters/embeddings/index.js";
import { resolveDataDir } from "../../../adapters/stores/index.js";
import {
  createIndexEmbedder,
  DEFAULT_CHUNK_TOKENS,
  DEFAULT_MAX_FILE_BYTES,
  DEFAULT_OVERLAP_TOKENS,
  type IndexReport,
  mixedEmbeddingsError,
  openSearchIndex,
} from "../../../apps/search/index.js";
import { type Picodollars, toDecimalString } from "../../../core/money/index.js";
import { type Output, processOutput, toJson } from "../output.js";
import { nonNegativeInteger, positiveInteger } from "../parse-options.js";
import { formatInteger } from "../table.js";
import {
  createProgressDisplay,
  displayPath,
  formatCost,
  type ProgressTerminal,
} from "./progress-display.js";

interface IndexFlags {
  dataDir?: string;
  model?: string;
  dimensions?: number;
  chunkTokens?: number;
  overlapTokens?: number;
  maxFileSize: number;
  dryRun?: boolean;
  rebuild?: boolean;
  json?: boolean;
  progress: boolean;
}

const LISTED_FILES = 30;

/** `tokenwise index`: chunk, embed and store files for `tokenwise search`. */
export function registerIndexCommand(
  program: Command,
  output: Output = processOutput,
  terminal: ProgressTerminal = process.stderr,
): void {
  program
    .command("index")
    .description("index text, Markdown and source files for search (offline by default)")
    .argument("<paths...>", "files or directories to index")
    .option("--data-dir <dir>", "where the index lives (default .tokenwise, or TOKENWISE_DATA_DIR)")
    .option(
      "-m, --model <name>",
      'embedding model: "offline" (default for a new index), or an API model such as text-embedding-3-small, gemini/gemini-embedding-001, ollama/nomic-embed-text',
    )
    .option(
      "--dimensions <n>",
      "vector size to request from a model that can shorten vectors",
      positiveInteger,
    )
    .option(
      "--chunk-tokens <n>",
      `tokens per chunk (default ${DEFAULT_CHUNK_TOKENS}, or the index's)`,
      positiveInteger,
    )
    .option(
      "--overlap-tokens <n>",
      `tokens shared by neighbouring chunks (default ${DEFAULT_OVERLAP_TOKENS}, or the index's)`,
      nonNegativeInteger,
    )
    .option(
      "--max-file-size <bytes>",
      "skip files larger than this",
      positiveInteger,
      DEFAULT_MAX_FILE_BYTES,
    )
    .option(
      "--dry-run",
      "show files, chunks, tokens and the embedding cost; embed and write nothing",
    )
    .option("--rebuild", "empty the index first (the way to switch embedding models)")
    .option("--json", "print the report as JSON")
    .option("--no-progress", "no progress display on stderr")
    .addHelpText(
      "after",
      `
Examples:
  tokenwise index docs src README.md
  tokenwise index . --dry-run --model text-embedding-3-small
  tokenwise index notes --data-dir ~/.tokenwise-notes

Skipped: node_modules, .git, hidden files, .gitignore/.tokenwiseignore matches, build output,
lockfiles, key files, binaries and files over --max-file-size. Re-running only embeds new or
changed chunks; deleted files leave the index. Ctrl-C stops after the current batch and keeps
everything committed; run the command again to resume.

The offline model needs no key but is much weaker than API embeddings (averaged GloVe word
vectors). Its first use converts the word vectors once (seconds to a minute).`,
    )
    .action(async (paths: string[], flags: IndexFlags) => {
      const dataDir = resolveDataDir({ dataDir: flags.dataDir });
      const index = openSearchIndex({ dataDir });
      const stop = new AbortController();
      const onInterrupt = () => {
        if (stop.signal.aborted) process.exit(130);
        stop.abort();
        terminal.write("\nstopping after the current batch (Ctrl-C again to quit now)...\n");
      };
      process.on("SIGINT", onInterrupt);
      const display = createProgressDisplay(terminal, flags.progress && flags.json !== true);
      try {
        const stored = index.settings();
        const model = flags.model ?? stored?.modelReference ?? stored?.model ?? "offline";
        // Before building an API client (which may need a key): the index cannot take this model.
        if (
          stored !== undefined &&
          flags.rebuild !== true &&
          embeddingModelId(model) !== stored.model
        ) {
          throw mixedEmbeddingsError({
            stored,
            requested: {
              model: embeddingModelId(model),
              dimensions: flags.dimensions ?? Number.NaN,
            },
            location: index.location,
          });
        }
        const keepChunking = stored !== undefined && flags.rebuild !== true;
        const { embedder, cache } = createIndexEmbedder({
          model,
          dataDir,
          database: index.database,
          dimensions: flags.dimensions,
          index: flags.rebuild === true ? undefined : stored,
          onConversionProgress: display.conversion,
          planOnly: flags.dryRun === true,
        });
        // The offline model converts its word vectors on first use: do it before the file count starts.
        if (flags.dryRun !== true && "load" in embedder && typeof embedder.load === "function") {
          await embedder.load();
          display.finish();
        }
        const report = await index.index(paths, {
          embedder,
          modelReference: model,
          embeddingCache: cache,
          chunkTokens: flags.chunkTokens ?? (keepChunking ? stored.chunkTokens : undefined),
          overlapTokens: flags.overlapTokens ?? (keepChunking ? stored.overlapTokens : undefined),
          maxFileBytes: flags.maxFileSize,
          excludeDirs: [dataDir],
          dryRun: flags.dryRun,
          rebuild: flags.rebuild,
          signal: stop.signal,
          onProgress: display.indexing,
        });
        display.finish();
        if (flags.json) output.write(toJson({ dataDir, ...report }));
        else output.write(describeReport(report, index.location));
        if (report.interrupted) process.exitCode = 130;
      } finally {
        display.finish();
        process.off("SIGINT", onInterrupt);
        index.close();
      }
    });
}

function describeReport(report: IndexReport, location: string): string {
  const { files, chunks, embedding, settings } = report;
  const facts = describeEmbeddingModel(settings.model);
  const lines: string[] = [];
  const cost = (amount: Picodollars | undefined) =>
    amount === undefined ? "unknown (model not in the catalog)" : formatCost(amount);
  const price =
    facts.pricePerMillion === undefined
      ? "price unknown"
      : `$${toDecimalString(facts.pricePerMillion)} per 1M tokens`;
  if (report.dryRun) {
    lines.push("Dry run: nothing was embedded or indexed.");
    for (const file of files.changedFiles.slice(0, LISTED_FILES)) {
      lines.push(
        `  ${displayPath(file.path)}: ${count(file.chunks, "chunk")}, ${count(file.tokens, "token")}`,
      );
    }
    if (files.changedFiles.length > LISTED_FILES) {
      lines.push(`  ... and ${formatInteger(files.changedFiles.length - LISTED_FILES)} more files`);
    }
    lines.push(
      `Files: ${formatInteger(files.found)} found, ${formatInteger(files.changed)} new or changed, ${formatInteger(files.unchanged)} unchanged, ${formatInteger(files.removed)} to remove, ${formatInteger(files.skipped.length)} skipped`,
      `Chunks: ${formatInteger(chunks.written)} to write (${formatInteger(chunks.tokens)} tokens, ${settings.chunkTokens}-token chunks, ${settings.overlapTokens} overlap); ${formatInteger(chunks.toEmbed)} need embedding (${formatInteger(chunks.tokensToEmbed)} tokens)`,
      `Embedding cost with ${settings.model} (${price}): ${cost(embedding.cost)}`,
    );
  } else {
    lines.push(
      report.interrupted
        ? `Interrupted: committed ${formatInteger(files.indexed)} of ${formatInteger(files.changed)} new or changed files (${formatInteger(files.unchanged)} unchanged, ${formatInteger(files.skipped.length)} skipped)`
        : `Indexed ${formatInteger(files.found)} files: ${formatInteger(files.changed)} new or changed, ${formatInteger(files.unchanged)} unchanged, ${formatInteger(files.removed)} removed, ${formatInteger(files.skipped.length)} skipped`,
      `Chunks: ${formatInteger(chunks.written)} written (${formatInteger(chunks.tokens)} tokens); embedded ${formatInteger(chunks.toEmbed)} (${count(chunks.tokensToEmbed, "token")}) in ${count(embedding.calls, "call")}, reused ${formatInteger(chunks.reused)}`,
      `Embedding cost with ${settings.model} (${price}): ${cost(embedding.cost)}`,
      `Index ${location}: ${formatInteger(report.index.files)} files, ${formatInteger(report.index.chunks)} chunks, ${formatInteger(report.index.tokens)} tokens`,
    );
    if (report.interrupted) {
      lines.push("Nothing committed is lost: run the same command again to finish.");
    }
  }
  for (const skipped of files.skipped.slice(0, LISTED_FILES)) {
    lines.push(`  skipped ${displayPath(skipped.path)}: ${skipped.reason} (${skipped.detail})`);
  }
  if (files.skipped.length > LISTED_FILES) {
    lines.push(`  ... and ${formatInteger(files.skipped.length - LISTED_FILES)} more skipped`);
  }
  return lines.join("\n");
}

function count(amount: number, noun: string): string {
  return `${formatInteger(amount)} ${noun}${amount === 1 ? "" : "s"}`;
}
