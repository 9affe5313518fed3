/**
 * Runs a commander program and turns every error into one clear line and an exit code (stack
 * traces only with TOKENWISE_DEBUG=1). Kept apart from program.ts so that an entry point can run
 * a program of one command without loading every other command's code.
 */
import { type Command, CommanderError } from "commander";
import { TokenwiseError } from "../errors/index.js";
import type { Output } from "./output.js";

/**
 * Sends a command's help and errors to `output` and makes it throw instead of exiting, so
 * {@link runProgram} decides the exit code.
 *
 * @example
 * ```ts
 * for (const command of [program, ...program.commands]) routeOutput(command, output);
 * ```
 */
export function routeOutput(command: Command, output: Output): Command {
  return command.exitOverride().configureOutput({
    writeOut: (text) => output.write(text),
    writeErr: (text) => output.error(text),
  });
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
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed its one-line message (or the help / version).
      return error.exitCode === 0 ? 0 : 2;
    }
    if (TokenwiseError.isInstance(error)) {
      output.error(`tokenwise: ${error.message}`);
    } else {
      const message = error instanceof Error ? error.message : String(error);
      output.error(`tokenwise: unexpected error: ${message}`);
    }
    if (process.env.TOKENWISE_DEBUG === "1" && error instanceof Error) {
      output.error(`${error.stack}`);
    }
    return 1;
  }
}
