/**
 * `tokenwise search` parsed by commander: for help and the command lines the fast path in
 * search-arguments.ts leaves to it (loaded on demand by search-program.ts).
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
 * process.exitCode = await runSearchCommander(["node", "tokenwise", "search", "--help"]);
 * ```
 */
export async function runSearchCommander(
  argv: string[],
  output: Output = processOutput,
): Promise<number> {
  const program = new Command().name("tokenwise").showSuggestionAfterError(true);
  registerSearchCommand(program, output);
  routeOutput(program, output);
  return runProgram(program, argv, output);
}
