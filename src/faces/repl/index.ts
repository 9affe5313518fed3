export {
  formatHistory,
  formatStats,
  formatTotalLine,
  formatTurnLine,
} from "./format-chat.js";
export { type ChatReplOptions, type ChatReplOutcome, runChatRepl } from "./run-chat-repl.js";
export {
  helpText,
  type ParsedSlashCommand,
  parseSlashCommand,
  SLASH_COMMANDS,
  type SlashCommandName,
  unknownCommandLine,
} from "./slash-command.js";
