/**
 * `tokenwise search` on its own: the entry point runs this instead of the whole program when
 * the first argument is "search", so a search in a fresh process loads only the search code
 * (about a third of the modules; see BENCHMARKS.md, "Search").
 */
import { Command } from "commander";
import { registerSearchCommand } from "./commands/search-command.js";
import { type Output, processOutput } from "./output.js";
import { routeOutput, runProgram } from "./run-program.js";

/**
 * Runs `argv` (whose first argument is "search") with only the search command registered.
 *
 * @example
 * ```ts
 * process.exitCode = await runSearchProgram(["node", "tokenwise", "search", "retry limits"]);
 * ```
 */
export async function runSearchProgram(
  argv: string[],
  output: Output = processOutput,
): Promise<number> {
  const program = new Command().name("tokenwise").showSuggestionAfterError(true);
  registerSearchCommand(program, output);
  routeOutput(program, output);
  return runProgram(program, argv, output);
}
