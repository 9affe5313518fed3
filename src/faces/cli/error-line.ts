/**
 * The one line a person sees for an error that stopped a command. Library errors are worded
 * for programmers ("pass { apiKey }"); here they get the flag or variable to set instead, and
 * the system errors that reach the CLI (a damaged database, a file where a directory should
 * be) say what is wrong and what to do.
 */

// Internal: the stores index loads every store; `tokenwise search` starts faster without.
import { DATABASE_FILE } from "../../adapters/stores/data-dir.js";
import { TokenwiseError } from "../../core/errors/index.js";

export interface ErrorContext {
  /** The command that was running ("chat", "search"), when one had started. */
  command?: string;
  /** The data directory that command uses, when it has one. */
  dataDir?: string;
}

const CORRUPT_CODES = new Set([
  "SQLITE_CORRUPT",
  "SQLITE_CORRUPT_VTAB",
  "SQLITE_CORRUPT_INDEX",
  "SQLITE_CORRUPT_SEQUENCE",
  "SQLITE_NOTADB",
]);

/**
 * The message (without the "tokenwise: " prefix) for `error`.
 *
 * @example
 * ```ts
 * errorLine(error, { command: "search", dataDir: "/repo/.tokenwise" });
 * // "the database /repo/.tokenwise/tokenwise.db is damaged (...): move it aside and ..."
 * ```
 */
export function errorLine(error: unknown, context: ErrorContext = {}): string {
  if (TokenwiseError.isInstance(error)) return tokenwiseErrorLine(error, context);
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof code === "string" && CORRUPT_CODES.has(code)) {
    const file =
      context.dataDir === undefined
        ? `the data directory's ${DATABASE_FILE}`
        : `${context.dataDir}/${DATABASE_FILE}`;
    return (
      `the database ${file} is damaged (${message}): move it aside and build the search index ` +
      `again with "tokenwise index <paths>" (the old file also holds saved chat sessions)`
    );
  }
  const path = (error as NodeJS.ErrnoException).path;
  const syscall = (error as NodeJS.ErrnoException).syscall;
  if (syscall === "mkdir" && (code === "EEXIST" || code === "ENOTDIR") && path !== undefined) {
    return `${path} is a file, not a directory: pass a directory to --data-dir (or TOKENWISE_DATA_DIR)`;
  }
  return `unexpected error: ${message}`;
}

function tokenwiseErrorLine(error: TokenwiseError, context: ErrorContext): string {
  const { details } = error;
  if (details.field === "apiKey" && Array.isArray(details.envVars)) {
    const variables = (details.envVars as string[]).join(" or ");
    const provider = typeof details.provider === "string" ? ` for ${details.provider}` : "";
    const offline =
      context.command === "chat"
        ? " (or try --mock for an offline demo, or --base-url for a local server)"
        : "";
    return `no API key${provider}: set ${variables} in the environment${offline}`;
  }
  return error.message;
}
