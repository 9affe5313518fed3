import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { installTinyOfflineVectors } from "../../../adapters/embeddings/test-support/tiny-word-vectors.js";
import { TokenwiseError } from "../../../core/errors/index.js";
import type { Output } from "../output.js";
import { registerIndexCommand } from "./index-command.js";
import { formatProgress, type ProgressTerminal } from "./progress-display.js";
import { registerSearchCommand } from "./search-command.js";

let root: string;
let docs: string;
let dataDir: string;

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), "tokenwise-cli-index-"));
  docs = join(root, "docs");
  dataDir = join(root, "data");
  mkdirSync(docs);
  writeFileSync(join(docs, "pets.md"), "# Pets\n\nThe kitten and the puppy play.\n");
  writeFileSync(join(docs, "cars.md"), "# Cars\n\nThe truck engine is loud.\n");
  await installTinyOfflineVectors(dataDir);
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

/** Runs a command line and captures stdout, stderr and the progress terminal. */
async function runCli(
  args: string[],
  terminal: ProgressTerminal & { written: string[] } = {
    isTTY: false,
    written: [],
    write(text) {
      this.written.push(text);
    },
  },
): Promise<{ out: string; err: string; error: unknown; progress: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const output: Output = { write: (text) => out.push(text), error: (text) => err.push(text) };
  const program = new Command()
    .exitOverride()
    .configureOutput({ writeOut: output.write, writeErr: output.error });
  registerIndexCommand(program, output, terminal);
  registerSearchCommand(program, output, terminal);
  for (const command of program.commands) command.exitOverride();
  let error: unknown;
  try {
    await program.parseAsync(["node", "tokenwise", ...args]);
  } catch (caught) {
    error = caught;
  }
  return { out: out.join("\n"), err: err.join("\n"), error, progress: terminal.written.join("") };
}

describe("tokenwise index", () => {
  it("shows files, chunks, tokens and a zero cost on a dry run, writing nothing", async () => {
    const { out, error } = await runCli(["index", docs, "--data-dir", dataDir, "--dry-run"]);
    expect(error).toBeUndefined();
    expect(out.split("\n")).toEqual([
      "Dry run: nothing was embedded or indexed.",
      `  ${join(docs, "cars.md")}: 1 chunk, 9 tokens`,
      `  ${join(docs, "pets.md")}: 1 chunk, 10 tokens`,
      "Files: 2 found, 2 new or changed, 0 unchanged, 0 to remove, 0 skipped",
      "Chunks: 2 to write (19 tokens, 256-token chunks, 32 overlap); 2 need embedding (19 tokens)",
      "Embedding cost with tokenwise-offline-glove-100d ($0.00 per 1M tokens): $0.00",
    ]);
    const again = await runCli(["index", docs, "--data-dir", dataDir, "--dry-run"]);
    expect(again.out).toContain("2 new or changed");
  });

  it("indexes offline, then re-indexes an unchanged tree without embedding", async () => {
    const first = await runCli(["index", docs, "--data-dir", dataDir]);
    expect(first.error).toBeUndefined();
    expect(first.out.split("\n").slice(0, 3)).toEqual([
      "Indexed 2 files: 2 new or changed, 0 unchanged, 0 removed, 0 skipped",
      "Chunks: 2 written (19 tokens); embedded 2 (19 tokens) in 1 call, reused 0",
      "Embedding cost with tokenwise-offline-glove-100d ($0.00 per 1M tokens): $0.00",
    ]);
    const second = await runCli(["index", docs, "--data-dir", dataDir, "--json"]);
    const report = JSON.parse(second.out);
    expect(report.files).toMatchObject({ found: 2, changed: 0, unchanged: 2 });
    expect(report.embedding).toEqual({ calls: 0, texts: 0, tokens: 0, cost: "0.00" });
    expect(report.settings).toEqual({
      model: "tokenwise-offline-glove-100d",
      modelReference: "offline",
      dimensions: 100,
      tokenizer: "cl100k_base",
      chunkTokens: 256,
      overlapTokens: 32,
    });
  });

  it("prices an API model on a dry run without needing its key", async () => {
    const previous = process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_API_KEY;
    try {
      const { out, error } = await runCli([
        "index",
        docs,
        "--data-dir",
        dataDir,
        "--dry-run",
        "--model",
        "openai/text-embedding-3-small",
      ]);
      expect(error).toBeUndefined();
      // 19 tokens at $0.02 per million tokens.
      expect(out.split("\n").at(-1)).toBe(
        "Embedding cost with text-embedding-3-small ($0.02 per 1M tokens): $0.00000038",
      );
    } finally {
      if (previous !== undefined) process.env.OPENAI_API_KEY = previous;
    }
  });

  it("refuses another model for an existing index before contacting any provider", async () => {
    await runCli(["index", docs, "--data-dir", dataDir]);
    const { error } = await runCli([
      "index",
      docs,
      "--data-dir",
      dataDir,
      "--model",
      "openai/text-embedding-3-small",
    ]);
    expect(TokenwiseError.hasCode(error, "mixed_embeddings")).toBe(true);
    expect((error as Error).message).toContain(
      "holds vectors from tokenwise-offline-glove-100d (100 dimensions), but text-embedding-3-small was asked for",
    );
  });

  it("draws progress in place on a terminal and clears it", async () => {
    const terminal = {
      isTTY: true,
      columns: 60,
      written: [] as string[],
      write(text: string) {
        this.written.push(text);
      },
    };
    const { progress } = await runCli(["index", docs, "--data-dir", dataDir], terminal);
    expect(progress.startsWith("\rindexing [")).toBe(true);
    expect(progress.endsWith(`\r${" ".repeat(59)}\r`)).toBe(true);
  });

  it("prints nothing to a non-terminal on a quick run", async () => {
    const { progress } = await runCli(["index", docs, "--data-dir", dataDir]);
    expect(progress).toBe("");
  });
});

describe("formatProgress", () => {
  it("shows bar, files, rate, ETA, chunks and money", () => {
    expect(
      formatProgress({
        phase: "indexing",
        filesDone: 5,
        filesTotal: 10,
        bytesDone: 5e6,
        bytesTotal: 1e7,
        chunksEmbedded: 120,
        tokensEmbedded: 30_000,
        cost: 600_000_000n,
        elapsedMs: 10_000,
      }),
    ).toBe(
      "indexing [##########----------]  50.0%  5/10 files  0.5 MB/s  ETA 0:10  120 embedded  $0.0006",
    );
  });
});
