/**
 * The `tokenwise` program: each command lives in `commands/`; this file wires them up and turns
 * every error, commander's included, into one clear line and a non-zero exit code (stack traces
 * only with TOKENWISE_DEBUG=1). `main.ts` is the executable entry point.
 */
import { readFileSync } from "node:fs";
import { Command } from "commander";
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
import { type Output, processOutput } from "./output.js";
import { routeOutput, runProgram } from "./run-program.js";

function packageVersion(): string {
  const url = new URL("../../../package.json", import.meta.url);
  return (JSON.parse(readFileSync(url, "utf8")) as { version: string }).version;
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
  routeOutput(program, output);
  return program;
}

/** Runs the command line; resolves to the exit code. */
export async function run(argv: string[], output: Output = processOutput): Promise<number> {
  return runProgram(createProgram(output), argv, output);
}
