/**
 * `tokenwise search` on its own: the entry point runs this instead of the whole program when
 * the first argument is "search", so a search in a fresh process loads only the search code.
 * The usual command lines are parsed without commander (search-arguments.ts); help, errors
 * in the arguments and unusual forms go to commander, loaded then (search-commander.ts).
 */
// Internal: the stores index also loads the Redis and PostgreSQL stores.
import { resolveDataDir } from "../../adapters/stores/data-dir.js";
import { runSearch } from "./commands/search-action.js";
import { type ErrorContext, errorLine } from "./error-line.js";
import { type Output, processOutput } from "./output.js";
import { parseSearchArguments } from "./search-arguments.js";

/**
 * Runs `argv` (whose first argument is "search") with only the search command; resolves to
 * the exit code (0 ok, 1 error, 2 usage), as the whole program would.
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
  const parsed = parseSearchArguments(argv.slice(3));
  if (parsed === undefined) {
    const { runSearchCommander } = await import("./search-commander.js");
    return runSearchCommander(argv, output);
  }
  // What run-program.ts does for a command's error.
  const context: ErrorContext = { command: "search" };
  try {
    context.dataDir = resolveDataDir({ dataDir: parsed.flags.dataDir });
  } catch {
    // An unusable --data-dir is the command's own error to report.
  }
  try {
    await runSearch(parsed.words, parsed.flags, { output });
    return 0;
  } catch (error) {
    output.error(`tokenwise: ${errorLine(error, context)}`);
    if (process.env.TOKENWISE_DEBUG === "1" && error instanceof Error) {
      output.error(`${error.stack}`);
    }
    return 1;
  }
}
