import { relative, sep } from "node:path";
import type { Command } from "commander";
import type { ConversionProgress } from "../../embeddings/index.js";
import { describeEmbeddingModel, embeddingModelId } from "../../embeddings/index.js";
import { formatUsd, type Picodollars, toDecimalString, usd } from "../../money/index.js";
import {
  createIndexEmbedder,
  DEFAULT_CHUNK_TOKENS,
  DEFAULT_MAX_FILE_BYTES,
  DEFAULT_OVERLAP_TOKENS,
  type IndexProgress,
  type IndexReport,
  mixedEmbeddingsError,
  openSearchIndex,
} from "../../search/index.js";
import { resolveDataDir } from "../../stores/data-dir.js";
import { type Output, processOutput, toJson } from "../output.js";
import { nonNegativeInteger, positiveInteger } from "../parse-options.js";
import { formatInteger } from "../table.js";

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

/** Where progress goes: stderr, drawn in place only on a terminal. */
export interface ProgressTerminal {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

const PLAIN_PROGRESS_EVERY_MS = 10_000;
const DRAW_EVERY_MS = 100;
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

/**
 * Draws progress in place on a terminal; elsewhere writes a plain line every 10 seconds.
 *
 * @example
 * ```ts
 * const display = createProgressDisplay(process.stderr, true);
 * await index.index(paths, { embedder, onProgress: display.indexing });
 * display.finish();
 * ```
 */
export function createProgressDisplay(terminal: ProgressTerminal, enabled: boolean) {
  // Plain output waits a full interval first, so quick runs in logs and pipes print nothing.
  let lastDraw = terminal.isTTY ? 0 : Date.now();
  let drawn = false;
  const draw = (line: string, force = false) => {
    if (!enabled) return;
    const now = Date.now();
    const interval = terminal.isTTY ? DRAW_EVERY_MS : PLAIN_PROGRESS_EVERY_MS;
    if (!force && now - lastDraw < interval) return;
    lastDraw = now;
    if (terminal.isTTY) {
      const width = Math.max(20, (terminal.columns || 80) - 1);
      terminal.write(`\r${line.slice(0, width).padEnd(width)}`);
      drawn = true;
    } else {
      terminal.write(`${line}\n`);
    }
  };
  return {
    conversion(progress: ConversionProgress) {
      const fraction = progress.totalBytes === 0 ? 1 : progress.bytesRead / progress.totalBytes;
      draw(
        `preparing offline word vectors (one time) ${bar(fraction)} ${percent(fraction)} ${formatInteger(progress.wordsConverted)} words`,
      );
    },
    indexing(progress: IndexProgress) {
      draw(formatProgress(progress));
    },
    finish() {
      if (drawn && terminal.isTTY)
        terminal.write(`\r${" ".repeat(Math.max(20, (terminal.columns || 80) - 1))}\r`);
      drawn = false;
    },
  };
}

/**
 * One progress line: bar, files, throughput, ETA and money spent so far.
 *
 * @example
 * ```ts
 * formatProgress({ phase: "indexing", filesDone: 5, filesTotal: 10, bytesDone: 5e6, bytesTotal: 1e7,
 *   chunksEmbedded: 120, tokensEmbedded: 30_000, cost: 600_000_000n, elapsedMs: 10_000 });
 * // "indexing [##########----------]  50.0%  5/10 files  0.5 MB/s  ETA 0:10  120 embedded  $0.0006"
 * ```
 */
export function formatProgress(progress: IndexProgress): string {
  const fraction = progress.bytesTotal === 0 ? 1 : progress.bytesDone / progress.bytesTotal;
  const seconds = progress.elapsedMs / 1000;
  const rate = seconds > 0 ? progress.bytesDone / seconds : 0;
  const eta = rate > 0 ? (progress.bytesTotal - progress.bytesDone) / rate : undefined;
  const parts = [
    `${progress.phase} ${bar(fraction)} ${percent(fraction)}`,
    `${formatInteger(progress.filesDone)}/${formatInteger(progress.filesTotal)} files`,
    `${(rate / 1e6).toFixed(1)} MB/s`,
    `ETA ${eta === undefined ? "?" : clock(eta)}`,
  ];
  if (progress.phase === "indexing") {
    parts.push(`${formatInteger(progress.chunksEmbedded)} embedded`);
    parts.push(progress.cost === undefined ? "cost unknown" : formatCost(progress.cost));
  }
  return parts.join("  ");
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

/** A path relative to the current directory when it is inside it. */
export function displayPath(path: string): string {
  const inside = relative(process.cwd(), path);
  return inside !== "" && !inside.startsWith(`..${sep}`) && inside !== ".." ? inside : path;
}

/**
 * Dollars for people: embedding costs are often fractions of a cent, so amounts under $0.01 are
 * shown exactly ("$0.00000038") rather than rounded to zero.
 */
function formatCost(amount: Picodollars): string {
  if (amount === 0n) return "$0.00";
  return amount < usd("0.01") ? `$${toDecimalString(amount)}` : formatUsd(amount);
}

function count(amount: number, noun: string): string {
  return `${formatInteger(amount)} ${noun}${amount === 1 ? "" : "s"}`;
}

function bar(fraction: number, width = 20): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
}

function percent(fraction: number): string {
  return `${(Math.min(1, Math.max(0, fraction)) * 100).toFixed(1).padStart(5)}%`;
}

function clock(totalSeconds: number): string {
  const seconds = Math.round(totalSeconds);
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = String(seconds % 60).padStart(2, "0");
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, "0")}:${rest}` : `${minutes}:${rest}`;
}
