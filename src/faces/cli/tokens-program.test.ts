import { describe, expect, it } from "vitest";
import type { Output } from "./output.js";
import { run } from "./program.js";
import { runTokensProgram } from "./tokens-program.js";

type Runner = (argv: string[], output: Output) => Promise<number>;

async function cli(runner: Runner, ...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const output: Output = { write: (text) => out.push(text), error: (text) => err.push(text) };
  const code = await runner(["node", "tokenwise", "tokens", ...args], output);
  return { code, out: out.join(""), err: err.join("") };
}

describe("runTokensProgram", () => {
  it("answers exactly as the whole program does", async () => {
    const cases = [
      ["-m", "cl100k_base", "--json", "--ids", "tiktoken is great!"],
      ["-m", "gpt-4o,gpt-4,claude-3-5-sonnet,gemini-2.0-flash", "hello world"],
      ["--help"],
      ["-m", "gpt-4o-mnii", "hello"],
      ["-f", "/nonexistent/prompt.txt"],
      ["--no-such-flag", "hello"],
    ];
    for (const args of cases) {
      const alone = await cli(runTokensProgram, ...args);
      const whole = await cli(run, ...args);
      expect(alone, args.join(" ")).toEqual(whole);
    }
    const counted = await cli(
      runTokensProgram,
      "-m",
      "cl100k_base",
      "--json",
      "tiktoken is great!",
    );
    expect(JSON.parse(counted.out)[0]).toMatchObject({ tokens: 6, exact: true });
  });
});
