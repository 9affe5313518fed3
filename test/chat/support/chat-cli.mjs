#!/usr/bin/env node
/**
 * A stand-in for `dist/faces/cli/main.js` until the lead wires `chat` into the program: the built
 * `registerChatCommand` on a fresh commander program, with the same one-line error handling.
 */
import { Command } from "commander";
import { registerChatCommand } from "../../../dist/faces/cli/commands/chat-command.js";

const program = new Command("tokenwise").exitOverride();
registerChatCommand(program);
try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error?.code?.startsWith?.("commander.")) {
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else {
    process.stderr.write(`tokenwise: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
