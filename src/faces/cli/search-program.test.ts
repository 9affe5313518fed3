import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Output } from "./output.js";
import { runSearchProgram } from "./search-program.js";

const root = mkdtempSync(join(tmpdir(), "tokenwise-search-program-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const output: Output = { write: (text) => out.push(text), error: (text) => err.push(text) };
  const code = await runSearchProgram(["node", "tokenwise", "search", ...args], output);
  return { code, out: out.join(""), err: err.join("") };
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
});
