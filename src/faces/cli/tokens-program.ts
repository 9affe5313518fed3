/**
 * `tokenwise tokens` on its own: the entry point runs this instead of the whole program when
 * the first argument is "tokens", so counting in a fresh process loads only the tokens code
 * (about 0.25 s less CPU at startup; see BENCHMARKS.md, "big stdin").
 */
import { Command } from "commander";
import { registerTokensCommand } from "./commands/tokens-command.js";
import { type Output, processOutput } from "./output.js";
import { routeOutput, runProgram } from "./run-program.js";

/**
 * Runs `argv` (whose first argument is "tokens") with only the tokens command registered.
 *
 * @example
 * ```ts
 * process.exitCode = await runTokensProgram(["node", "tokenwise", "tokens", "hello world"]);
 * ```
 */
export async function runTokensProgram(
  argv: string[],
  output: Output = processOutput,
): Promise<number> {
  const program = new Command().name("tokenwise").showSuggestionAfterError(true);
  registerTokensCommand(program, output);
  routeOutput(program, output);
  return runProgram(program, argv, output);
}
