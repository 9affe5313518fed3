/**
 * The `tokenwise` program: each command lives in `commands/`; this file wires them up and turns
 * every error, commander's included, into one clear line and a non-zero exit code (stack traces
 * only with TOKENWISE_DEBUG=1). `main.ts` is the executable entry point.
 */
import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { resolveDataDir } from "../stores/data-dir.js";
import { registerCatalogCommand } from "./commands/catalog-command.js";
import { registerChatCommand } from "./commands/chat-command.js";
import { registerChooseCommand } from "./commands/choose-command.js";
import { registerCostCommand } from "./commands/cost-command.js";
import { registerDashboardCommand } from "./commands/dashboard-command.js";
import { registerDbCommand } from "./commands/db-command.js";
import { registerDemoCommand } from "./commands/demo-command.js";
import { registerGatewayCommand } from "./commands/gateway-command.js";
import { registerIndexCommand } from "./commands/index-command.js";
import { registerKeysCommand } from "./commands/keys-command.js";
import { registerMockUpstreamCommand } from "./commands/mock-upstream-command.js";
import { registerModelsCommand } from "./commands/models-command.js";
import { registerReportCommand } from "./commands/report-command.js";
import { registerSavingsCommand } from "./commands/savings-command.js";
import { registerSearchCommand } from "./commands/search-command.js";
import { registerTokensCommand } from "./commands/tokens-command.js";
import { registerTruncateCommand } from "./commands/truncate-command.js";
import { type ErrorContext, errorLine } from "./error-line.js";
import { type Output, processOutput } from "./output.js";

function packageVersion(): string {
  const url = new URL("../../package.json", import.meta.url);
  return (JSON.parse(readFileSync(url, "utf8")) as { version: string }).version;
}

/**
 * Commander's messages on one line (its suggestions come on a second one), with the command's
 * help to turn to.
 */
/** One-line errors and exit code 2 for a command and every subcommand under it (`keys create`). */
function configureErrors(command: Command, output: Output): void {
  const path = commandPath(command);
  command.exitOverride().configureOutput({
    writeOut: (text) => output.write(text),
    writeErr: (text) => output.error(text),
    outputError: (text) =>
      output.error(`${text.trim().replace(/\s*\n\s*/g, " ")} (see ${path} --help)`),
  });
  for (const subcommand of command.commands) configureErrors(subcommand, output);
}

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let at: Command | null = command; at !== null; at = at.parent) names.unshift(at.name());
  return names.join(" ");
}

export function createProgram(output: Output = processOutput): Command {
  const program = new Command();
  program
    .name("tokenwise")
    .description("Token economics for people who pay for LLM calls.")
    .version(packageVersion())
    .showSuggestionAfterError(true);
  registerDemoCommand(program, output);
  registerTokensCommand(program, output);
  registerCostCommand(program, output);
  registerModelsCommand(program, output);
  registerCatalogCommand(program, output);
  registerChooseCommand(program, output);
  registerTruncateCommand(program, output);
  registerChatCommand(program, output);
  registerIndexCommand(program, output);
  registerSearchCommand(program, output);
  registerMockUpstreamCommand(program, output);
  registerKeysCommand(program, output);
  registerReportCommand(program, output);
  registerSavingsCommand(program, output);
  registerDashboardCommand(program, output);
  registerGatewayCommand(program, output);
  registerDbCommand(program, output);
  configureErrors(program, output);
  return program;
}

/** Runs the command line; resolves to the exit code. */
export async function run(argv: string[], output: Output = processOutput): Promise<number> {
  const program = createProgram(output);
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
