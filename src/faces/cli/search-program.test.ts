import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, describe, expect, it } from "vitest";
import { installTinyOfflineVectors } from "../../adapters/embeddings/test-support/tiny-word-vectors.js";
import { registerIndexCommand } from "./commands/index-command.js";
import type { Output } from "./output.js";
import { runSearchCommander } from "./search-commander.js";
import { runSearchProgram } from "./search-program.js";

const root = mkdtempSync(join(tmpdir(), "tokenwise-search-program-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return run(runSearchProgram, args);
}

async function run(
  program: typeof runSearchProgram,
  args: string[],
): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const output: Output = { write: (text) => out.push(text), error: (text) => err.push(text) };
  const code = await program(["node", "tokenwise", "search", ...args], output);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("runSearchProgram", () => {
  it("runs the search command alone, with its help", async () => {
    const help = await cli("--help");
    expect(help.code).toBe(0);
    expect(help.out).toContain("Usage: tokenwise search [options] [query...]");
    expect(help.out).toContain("--serve");
  });

  it("turns errors into one line and the same exit codes as the whole program", async () => {
    const missing = await cli("kitten", "--data-dir", join(root, "none"));
    expect(missing.code).toBe(1);
    expect(missing.err).toBe(
      `tokenwise: no search index in ${join(root, "none")}: run "tokenwise index <paths>" first, or pass the --data-dir it was built in`,
    );
    const usage = await cli("kitten", "--top-k", "x");
    expect(usage.code).toBe(2);
    expect(usage.err).toContain("expected a whole number");
  });

  it("answers the usual command lines without commander, as commander would", async () => {
    const docs = join(root, "docs");
    const dataDir = join(root, "data");
    mkdirSync(docs);
    writeFileSync(join(docs, "pets.md"), "# Pets\n\nThe kitten and the puppy play.\n");
    writeFileSync(join(docs, "cars.md"), "# Cars\n\nThe truck engine is loud.\n");
    await installTinyOfflineVectors(dataDir);
    const silent: Output = { write: () => {}, error: () => {} };
    const indexer = new Command().exitOverride();
    registerIndexCommand(indexer, silent, { isTTY: false, write: () => true });
    await indexer.parseAsync(["node", "tokenwise", "index", docs, "--data-dir", dataDir]);
    for (const args of [
      ["kitten", "--data-dir", dataDir],
      ["truck", "engine", "--mode", "keyword", "-k", "1", "--json", "--data-dir", dataDir],
      ["puppy", "--mode=semantic", "--full", `--data-dir=${dataDir}`],
      ["kitten", "--mode", "bogus", "--data-dir", dataDir],
    ]) {
      const fast = await cli(...args);
      expect(fast, JSON.stringify(args)).toEqual(await run(runSearchCommander, args));
      expect(fast.out + fast.err).not.toBe("");
    }
  });
});
