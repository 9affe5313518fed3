/**
 * Progress lines and paths for the index and search commands, kept apart from the commands so
 * that `tokenwise search` loads none of the indexing code.
 */
import { relative, sep } from "node:path";
import type { ConversionProgress } from "../../../adapters/embeddings/index.js";
import type { IndexProgress } from "../../../apps/search/index.js";
import { formatUsd, type Picodollars, toDecimalString, usd } from "../../../core/money/index.js";
import { formatInteger } from "../table.js";

/** Where progress goes: stderr, drawn in place only on a terminal. */
export interface ProgressTerminal {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

const PLAIN_PROGRESS_EVERY_MS = 10_000;
const DRAW_EVERY_MS = 100;

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

/** A path relative to the current directory when it is inside it. */
export function displayPath(path: string): string {
  const inside = relative(process.cwd(), path);
  return inside !== "" && !inside.startsWith(`..${sep}`) && inside !== ".." ? inside : path;
}

/**
 * Dollars for people: embedding costs are often fractions of a cent, so amounts under $0.01 are
 * shown exactly ("$0.00000038") rather than rounded to zero.
 */
export function formatCost(amount: Picodollars): string {
  if (amount === 0n) return "$0.00";
  return amount < usd("0.01") ? `$${toDecimalString(amount)}` : formatUsd(amount);
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
