/**
 * The `tokenwise` program: each command lives in `commands/`; this file wires them up and turns
 * every error into one clear line and a non-zero exit code (stack traces only with
 * TOKENWISE_DEBUG=1). `main.ts` is the executable entry point.
 */
import { readFileSync } from "node:fs";
import { Command } from "commander";
import { registerChatCommand } from "./commands/chat-command.js";
import { registerChooseCommand } from "./commands/choose-command.js";
import { registerCostCommand } from "./commands/cost-command.js";
import { registerDemoCommand } from "./commands/demo-command.js";
import { registerIndexCommand } from "./commands/index-command.js";
import { registerMockUpstreamCommand } from "./commands/mock-upstream-command.js";
import { registerModelsCommand } from "./commands/models-command.js";
import { registerSearchCommand } from "./commands/search-command.js";
import { registerTokensCommand } from "./commands/tokens-command.js";
import { registerTruncateCommand } from "./commands/truncate-command.js";
import { type Output, processOutput } from "./output.js";
import { routeOutput, runProgram } from "./run-program.js";

function packageVersion(): string {
  const url = new URL("../../package.json", import.meta.url);
  return (JSON.parse(readFileSync(url, "utf8")) as { version: string }).version;
}

export function createProgram(output: Output = processOutput): Command {
  const program = new Command();
  program
    .name("tokenwise")
    .description("Token economics for people who pay for LLM calls.")
    .version(packageVersion())
    .showSuggestionAfterError(true)
    .showHelpAfterError("(run with --help for usage)");
  routeOutput(program, output);
  registerDemoCommand(program, output);
  registerTokensCommand(program, output);
  registerCostCommand(program, output);
  registerModelsCommand(program, output);
  registerChooseCommand(program, output);
  registerTruncateCommand(program, output);
  registerChatCommand(program);
  registerIndexCommand(program, output);
  registerSearchCommand(program, output);
  registerMockUpstreamCommand(program, output);
  for (const command of program.commands) routeOutput(command, output);
  return program;
}

/** Runs the command line; resolves to the exit code. */
export async function run(argv: string[], output: Output = processOutput): Promise<number> {
  return runProgram(createProgram(output), argv, output);
}
