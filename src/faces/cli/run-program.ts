/**
 * Runs a commander program and turns every error, commander's included, into one clear line and
 * an exit code (stack traces only with TOKENWISE_DEBUG=1). Kept apart from program.ts so that an
 * entry point can run a program of one command without loading every other command's code.
 */
import { type Command, CommanderError } from "commander";
// Internal: the stores index loads every store; `tokenwise search` starts faster without.
import { resolveDataDir } from "../../adapters/stores/data-dir.js";
import { type ErrorContext, errorLine } from "./error-line.js";
import type { Output } from "./output.js";

/**
 * Sends a command's help and errors (and those of every subcommand under it, such as `keys
 * create`) to `output`, puts commander's messages on one line with the command's help to turn
 * to, and makes it throw instead of exiting, so {@link runProgram} decides the exit code.
 *
 * @example
 * ```ts
 * routeOutput(program, output);
 * ```
 */
export function routeOutput(command: Command, output: Output): Command {
  const path = commandPath(command);
  command.exitOverride().configureOutput({
    writeOut: (text) => output.write(text),
    writeErr: (text) => output.error(text),
    outputError: (text) =>
      output.error(`${text.trim().replace(/\s*\n\s*/g, " ")} (see ${path} --help)`),
  });
  for (const subcommand of command.commands) routeOutput(subcommand, output);
  return command;
}

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let at: Command | null = command; at !== null; at = at.parent) names.unshift(at.name());
  return names.join(" ");
}

/**
 * Parses `argv` with `program`; resolves to the exit code (0 ok, 1 error, 2 usage).
 *
 * @example
 * ```ts
 * process.exitCode = await runProgram(createProgram(), process.argv, processOutput);
 * ```
 */
export async function runProgram(
  program: Command,
  argv: string[],
  output: Output,
): Promise<number> {
  const context: ErrorContext = {};
  program.hook("preAction", (_program, command) => {
    context.command = command.name();
    const dataDir = command.opts().dataDir;
    try {
      context.dataDir = resolveDataDir(typeof dataDir === "string" ? { dataDir } : {});
    } catch {
      // An unusable --data-dir is the command's own error to report.
    }
  });
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed its one-line message (or the help / version).
      return error.exitCode === 0 ? 0 : 2;
    }
    output.error(`tokenwise: ${errorLine(error, context)}`);
    if (process.env.TOKENWISE_DEBUG === "1" && error instanceof Error) {
      output.error(`${error.stack}`);
    }
    return 1;
  }
}
