/** The REPL's slash commands: what they are called and how a typed line maps to one. */

export const SLASH_COMMANDS = [
  { name: "stats", usage: "/stats", help: "tokens, cost, budget left, per-model spend" },
  { name: "model", usage: "/model NAME", help: "switch the chat model" },
  { name: "budget", usage: "/budget AMOUNT", help: "set the budget in dollars (off: no limit)" },
  { name: "summarize", usage: "/summarize", help: "fold older turns into the summary now" },
  { name: "history", usage: "/history", help: "the messages so far, with their tokens" },
  { name: "save", usage: "/save", help: "save the session and show how to resume it" },
  { name: "reset", usage: "/reset", help: "forget the conversation (spend stays)" },
  { name: "help", usage: "/help", help: "this list" },
  { name: "exit", usage: "/exit", help: "leave (Ctrl-C twice also leaves)" },
] as const;

export type SlashCommandName = (typeof SLASH_COMMANDS)[number]["name"];

export type ParsedSlashCommand =
  | { kind: "command"; name: SlashCommandName; argument: string }
  | { kind: "unknown"; typed: string };

/**
 * The command on a line that starts with "/", or undefined for a message. "/quit" is taken as
 * "/exit", since people type it.
 *
 * @example
 * ```ts
 * parseSlashCommand("/model gpt-4o"); // { kind: "command", name: "model", argument: "gpt-4o" }
 * parseSlashCommand("hello"); // undefined
 * ```
 */
export function parseSlashCommand(line: string): ParsedSlashCommand | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith("/")) return undefined;
  const [typed = "", ...rest] = trimmed.slice(1).split(/\s+/);
  const name = typed.toLowerCase() === "quit" ? "exit" : typed.toLowerCase();
  const known = SLASH_COMMANDS.find((command) => command.name === name);
  if (known === undefined) return { kind: "unknown", typed: `/${typed}` };
  return { kind: "command", name: known.name, argument: rest.join(" ") };
}

/** The one line shown for an unknown command: every valid one. */
export function unknownCommandLine(typed: string): string {
  return `Unknown command ${typed}. Commands: ${SLASH_COMMANDS.map((command) => command.usage).join(", ")}`;
}

/** The /help text. */
export function helpText(): string {
  const width = Math.max(...SLASH_COMMANDS.map((command) => command.usage.length));
  return SLASH_COMMANDS.map((command) => `  ${command.usage.padEnd(width)}  ${command.help}`).join(
    "\n",
  );
}
