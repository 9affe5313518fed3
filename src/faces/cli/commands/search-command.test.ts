import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installTinyOfflineVectors } from "../../../adapters/embeddings/test-support/tiny-word-vectors.js";
import type { Output } from "../output.js";
import { registerIndexCommand } from "./index-command.js";
import { registerSearchCommand } from "./search-command.js";

/** Runs a command line and captures stdout and stderr (progress goes nowhere). */
async function runCli(
  args: string[],
  input: NodeJS.ReadableStream = Readable.from([]),
): Promise<{ out: string; err: string; error: unknown }> {
  const out: string[] = [];
  const err: string[] = [];
  const output: Output = { write: (text) => out.push(text), error: (text) => err.push(text) };
  const program = new Command().exitOverride();
  registerIndexCommand(program, output, { isTTY: false, write: () => true });
  registerSearchCommand(program, output, { isTTY: false, write: () => true }, input);
  let error: unknown;
  try {
    await program.parseAsync(["node", "tokenwise", ...args]);
  } catch (caught) {
    error = caught;
  }
  return { out: out.join("\n"), err: err.join("\n"), error };
}

const root = mkdtempSync(join(tmpdir(), "tokenwise-cli-search-"));
const docs = join(root, "docs");
const dataDir = join(root, "data");

beforeAll(async () => {
  mkdirSync(docs);
  writeFileSync(join(docs, "pets.md"), "# Pets\n\nThe kitten and the puppy play.\n");
  writeFileSync(join(docs, "cars.md"), "# Cars\n\nThe truck engine is loud.\n");
  writeFileSync(join(docs, "money.md"), "# Money\n\nThe bank price went up.\n");
  writeFileSync(join(docs, "pets2.md"), "# Pets\n\nThe kitten and the puppy play.\n");
  await installTinyOfflineVectors(dataDir);
  const { error } = await runCli(["index", docs, "--data-dir", dataDir]);
  expect(error).toBeUndefined();
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("tokenwise search", () => {
  it("prints ranked results with file, lines, score and snippet", async () => {
    const { out, error } = await runCli(["search", "kitten", "--data-dir", dataDir, "-k", "2"]);
    expect(error).toBeUndefined();
    const lines = out.split("\n");
    expect(lines[0]).toMatch(
      new RegExp(
        `^1\\. ${join(docs, "pets.md")}:1-3  score \\d\\.\\d{2}  \\(keyword #1, semantic #1, late interaction #1\\)$`,
      ),
    );
    expect(lines[1]).toBe("   3: The kitten and the puppy play.");
    expect(lines[2]).toBe(`   same text in: ${join(docs, "pets2.md")}:1-3`);
    expect(out.match(/pets/g)).toHaveLength(2);
  });

  it("takes the fusion method and semantic weight from flags", async () => {
    const rrf = await runCli([
      "search",
      "kitten",
      "--fusion",
      "rrf",
      "--json",
      "--data-dir",
      dataDir,
    ]);
    const [first] = (JSON.parse(rrf.out) as { results: Array<{ score: number }> }).results;
    expect(first?.score).toBeCloseTo(2 / 61, 12);
    const weighted = await runCli([
      "search",
      "kitten",
      "--semantic-weight",
      "0",
      "--late-interaction-weight",
      "0",
      "--json",
      "--data-dir",
      dataDir,
    ]);
    expect(
      (JSON.parse(weighted.out) as { results: Array<{ score: number }> }).results[0]?.score,
    ).toBe(1);
    // Late interaction alone beside keyword: both rankings' best count 1 each.
    const late = await runCli([
      "search",
      "kitten",
      "--semantic-weight",
      "0",
      "--json",
      "--data-dir",
      dataDir,
    ]);
    const [top] = (
      JSON.parse(late.out) as {
        results: Array<{ score: number; ranks: { lateInteraction?: number } }>;
      }
    ).results;
    expect(top?.score).toBe(2);
    expect(top?.ranks.lateInteraction).toBe(1);
    const bad = await runCli(["search", "kitten", "--fusion", "max", "--data-dir", dataDir]);
    expect((bad.error as Error).message).toBe('--fusion must be one of score, rrf; got "max"');
  });

  it("lists every file of a folded copy in JSON", async () => {
    const { out } = await runCli([
      "search",
      "kitten",
      "--mode",
      "keyword",
      "--json",
      "--data-dir",
      dataDir,
    ]);
    const parsed = JSON.parse(out) as { results: Array<{ path: string; paths: string[] }> };
    expect(parsed.results).toHaveLength(1);
    expect(parsed.results[0]?.paths).toEqual([join(docs, "pets.md"), join(docs, "pets2.md")]);
  });

  it("finds by meaning in semantic mode: a word no document contains", async () => {
    const { out } = await runCli([
      "search",
      "dog",
      "--mode",
      "semantic",
      "--data-dir",
      dataDir,
      "-k",
      "1",
    ]);
    expect(out).toContain(`1. ${join(docs, "pets.md")}:1-3`);
  });

  it("prints JSON with ranks, scores and line ranges", async () => {
    const { out } = await runCli([
      "search",
      "truck",
      "--mode",
      "keyword",
      "--json",
      "--data-dir",
      dataDir,
    ]);
    const response = JSON.parse(out);
    expect(response).toMatchObject({
      query: "truck",
      mode: "keyword",
      model: "tokenwise-offline-glove-100d",
      notes: [],
    });
    expect(response.results).toHaveLength(1);
    expect(response.results[0]).toMatchObject({
      rank: 1,
      path: join(docs, "cars.md"),
      startLine: 1,
      endLine: 3,
      snippetLine: 3,
      snippet: "The truck engine is loud.",
      ranks: { keyword: 1 },
    });
  });

  it("handles queries full of FTS5 syntax", async () => {
    const { error, out } = await runCli([
      "search",
      '"kitten AND (puppy*',
      "NEAR",
      "-",
      "--data-dir",
      dataDir,
    ]);
    expect(error).toBeUndefined();
    expect(out).toContain("pets.md");
  });

  it("says when nothing matches and notes why", async () => {
    const { out, err } = await runCli([
      "search",
      "zzzz",
      "--mode",
      "keyword",
      "--data-dir",
      dataDir,
    ]);
    expect(out).toBe('No results for "zzzz" (keyword).');
    expect(err).toBe("");
    const semantic = await runCli(["search", "12345", "--data-dir", dataDir]);
    expect(semantic.err).toBe(
      "note: semantic search skipped: tokenwise-offline-glove-100d gave the query no vector (it knows none of its words)",
    );
  });

  it("names the missing index instead of creating one", async () => {
    const elsewhere = join(root, "no-index-here");
    const { error } = await runCli(["search", "kitten", "--data-dir", elsewhere]);
    expect((error as Error).message).toBe(
      `no search index in ${elsewhere}: run "tokenwise index <paths>" first, or pass the --data-dir it was built in`,
    );
    expect(existsSync(elsewhere)).toBe(false);
  });

  it("rejects an unknown mode", async () => {
    const { error } = await runCli(["search", "kitten", "--mode", "fuzzy", "--data-dir", dataDir]);
    expect((error as Error).message).toBe(
      '--mode must be one of hybrid, keyword, semantic; got "fuzzy"',
    );
  });
});

describe("tokenwise search --serve", () => {
  it("answers each input line with one JSON line, keeping the index open", async () => {
    const input = Readable.from([
      "kitten\n",
      "\n",
      '{"query": "truck", "mode": "keyword", "topK": 1}\n',
      '{"query": 3}\n',
      "{not json\n",
      '{"query": "bank", "topK": 0}\n',
      "dog",
    ]);
    const { out, error } = await runCli(["search", "--serve", "--data-dir", dataDir], input);
    expect(error).toBeUndefined();
    const answers = out.split("\n").map((line) => JSON.parse(line));
    expect(answers).toHaveLength(6);
    expect(answers[0]).toMatchObject({ query: "kitten", mode: "hybrid" });
    expect(answers[0].results[0].paths).toEqual([join(docs, "pets.md"), join(docs, "pets2.md")]);
    expect(typeof answers[0].ms).toBe("number");
    expect(typeof answers[0].cpuMs).toBe("number");
    expect(answers[1]).toMatchObject({ query: "truck", mode: "keyword" });
    expect(answers[1].results).toHaveLength(1);
    expect(answers[2]).toEqual({
      error: { code: "invalid_input", message: 'query must be a string in {"query": "..."}' },
    });
    expect(answers[3].error.message).toMatch(/must be a JSON object/);
    expect(answers[4].error.message).toBe("topK must be an integer from 1 to 1000, got 0");
    expect(answers[5]).toMatchObject({ query: "dog", mode: "hybrid" });
    expect(answers[5].results[0].path).toBe(join(docs, "pets.md"));
  });

  it("refuses a query on the command line with --serve, and no query without it", async () => {
    const both = await runCli(["search", "kitten", "--serve", "--data-dir", dataDir]);
    expect((both.error as Error).message).toBe(
      "--serve reads queries from stdin: give no query on the command line",
    );
    const neither = await runCli(["search", "--data-dir", dataDir]);
    expect((neither.error as Error).message).toMatch(/^give a query to search for/);
  });
});
