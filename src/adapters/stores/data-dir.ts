/**
 * Where tokenwise keeps its local data (the search index, caches, converted word vectors).
 */
import { resolve } from "node:path";
import { invalidInput } from "../../core/errors/index.js";

/** The data directory's default name, created in the current directory. */
export const DEFAULT_DATA_DIR = ".tokenwise";

/** The SQLite file inside the data directory. */
export const DATABASE_FILE = "tokenwise.db";

export interface ResolveDataDirOptions {
  /** An explicit directory (the `--data-dir` flag); wins over everything. */
  dataDir?: string;
  /** Environment to read `TOKENWISE_DATA_DIR` from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Directory relative paths resolve against (default `process.cwd()`). */
  cwd?: string;
}

/**
 * The absolute data directory: `dataDir`, else `TOKENWISE_DATA_DIR`, else `.tokenwise` in
 * the current directory.
 *
 * @example
 * ```ts
 * resolveDataDir({ cwd: "/repo" }); // "/repo/.tokenwise"
 * resolveDataDir({ dataDir: "/tmp/tw" }); // "/tmp/tw"
 * ```
 */
export function resolveDataDir(options: ResolveDataDirOptions = {}): string {
  const cwd = options.cwd ?? process.cwd();
  const fromEnv = (options.env ?? process.env).TOKENWISE_DATA_DIR;
  const chosen =
    options.dataDir ??
    (fromEnv !== undefined && fromEnv.trim() !== "" ? fromEnv : DEFAULT_DATA_DIR);
  if (typeof chosen !== "string" || chosen.trim() === "") {
    throw invalidInput("dataDir", "must be a non-empty directory path, such as .tokenwise");
  }
  return resolve(cwd, chosen);
}
