import { Command } from "commander";
import { describe, expect, it } from "vitest";
import type { SearchFlags } from "./commands/search-action.js";
import { registerSearchCommand } from "./commands/search-command.js";
import type { Output } from "./output.js";
import { parseSearchArguments } from "./search-arguments.js";

/** What commander hands the search action for `args`, or the error it throws. */
async function commanderParse(
  args: string[],
): Promise<{ words: string[]; flags: SearchFlags } | "error"> {
  const output: Output = { write: () => {}, error: () => {} };
  const program = new Command().name("tokenwise").exitOverride();
  program.configureOutput({ writeOut: () => {}, writeErr: () => {} });
  registerSearchCommand(program, output);
  const search = program.commands[0] as Command;
  search.exitOverride();
  let parsed: { words: string[]; flags: SearchFlags } | undefined;
  search.action((words: string[], flags: SearchFlags) => {
    parsed = { words, flags: { ...flags } };
  });
  try {
    await program.parseAsync(["node", "tokenwise", "search", ...args]);
  } catch {
    return "error";
  }
  return parsed ?? "error";
}

describe("parseSearchArguments", () => {
  it("parses the usual command lines exactly as commander does", async () => {
    const lines = [
      [],
      ["retry", "limits"],
      ["retry", "--mode", "keyword", "limits"],
      ["--mode=semantic", "cheap", "flights", "--json"],
      ["x", "-k", "3"],
      ["x", "--top-k", "007"],
      ["x", "--top-k=12", "--full"],
      ["--serve", "--data-dir", "/tmp/d", "-m", "ollama/nomic-embed-text"],
      ["x", "--model=offline", "--fusion", "rrf", "--rrf-k", "0"],
      ["x", "--semantic-weight", "0.25", "--semantic-weight", "1"],
      ["x", "--semantic-weight", ".5", "--mode", "bogus"],
      ["x", "--late-interaction-weight", "0", "--semantic-weight=0.5"],
      ["x", "--fusion", "", "--data-dir="],
      ["a=b", "c", "--json", "--json"],
      ["x", "-k", "1", "-k", "99"],
    ];
    for (const line of lines) {
      const fast = parseSearchArguments(line);
      expect(fast, JSON.stringify(line)).toBeDefined();
      expect(fast, JSON.stringify(line)).toEqual(await commanderParse(line));
    }
  });

  it("leaves help, errors and unusual forms to commander", async () => {
    const lines = [
      ["--help"],
      ["-h"],
      ["x", "--top-k", "0"],
      ["x", "--top-k", "x"],
      ["x", "--top-k", "1_000"],
      ["x", "-k5"],
      ["x", "-k"],
      ["x", "--rrf-k", "-1"],
      ["x", "--semantic-weight", "2"],
      ["x", "--semantic-weight", " "],
      ["x", "--late-interaction-weight", "1.5"],
      ["x", "--json=yes"],
      ["x", "--unknown"],
      ["--", "-x"],
      ["-"],
      ["x", "--mode", "--json"],
    ];
    for (const line of lines) {
      expect(parseSearchArguments(line), JSON.stringify(line)).toBeUndefined();
    }
    // Commander refuses these itself (the rest it accepts in its own way, e.g. "1_000").
    for (const line of [
      ["x", "--top-k", "0"],
      ["x", "--json=yes"],
      ["x", "--unknown"],
      ["x", "-k"],
    ]) {
      expect(await commanderParse(line), JSON.stringify(line)).toBe("error");
    }
  });
});
