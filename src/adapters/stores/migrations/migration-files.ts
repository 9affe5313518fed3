/**
 * Schema migrations as numbered SQL files shipped with the package, one folder per database
 * engine (`postgres/`, `sqlite/`), each file named `NNNN_name.sql` and applied in number order.
 * A migration is never edited once released: a change is a new file with the next number.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { TokenwiseError } from "../../../core/errors/index.js";

/** The database engines that have migrations. */
export type MigrationEngine = "postgres" | "sqlite";

/** One migration: its number, its name and the SQL that moves the schema one step forward. */
export interface Migration {
  /** The file's number (`0002_ledger.sql` is version 2). */
  version: number;
  /** The rest of the file name (`ledger`). */
  name: string;
  sql: string;
  /** SHA-256 of the SQL, recorded when applied so an edited migration is noticed. */
  checksum: string;
}

/** What a migration run did. */
export interface MigrationReport {
  /** The migrations this run applied, as `0002_ledger`, in order. */
  applied: string[];
  /** The schema's version afterwards: the highest migration number applied. */
  version: number;
}

const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/**
 * The migrations shipped for `engine`, in order, checked to be numbered 1, 2, 3... without
 * gaps or repeats.
 *
 * @example
 * ```ts
 * const migrations = shippedMigrations("postgres");
 * migrations.map((migration) => migration.version); // [1, 2]
 * ```
 */
export function shippedMigrations(engine: MigrationEngine): Migration[] {
  return readMigrationDirectory(fileURLToPath(new URL(`./${engine}/`, import.meta.url)));
}

/**
 * Reads every `NNNN_name.sql` file in `directory` (other files are ignored).
 *
 * @example
 * ```ts
 * readMigrationDirectory("/app/migrations/postgres");
 * ```
 */
export function readMigrationDirectory(directory: string): Migration[] {
  let files: string[];
  try {
    files = readdirSync(directory);
  } catch (cause) {
    throw new TokenwiseError(
      "store_error",
      `Cannot read the migrations in ${directory}; reinstall tokenwise (the build copies them into dist)`,
      { cause },
    );
  }
  const migrations = files.flatMap((file) => {
    const match = FILE_NAME.exec(file);
    if (match === null) return [];
    return [
      migration({
        version: Number(match[1]),
        name: match[2] as string,
        sql: readFileSync(join(directory, file), "utf8"),
      }),
    ];
  });
  return checkedSequence(migrations);
}

/**
 * Builds a migration from its parts, computing its checksum.
 *
 * @example
 * ```ts
 * migration({ version: 1, name: "create_log", sql: "CREATE TABLE log (line text)" });
 * ```
 */
export function migration(parts: Omit<Migration, "checksum">): Migration {
  return { ...parts, checksum: createHash("sha256").update(parts.sql).digest("hex") };
}

/**
 * Sorts `migrations` by version and throws unless they are numbered 1, 2, 3... exactly.
 *
 * @example
 * ```ts
 * checkedSequence([second, first]); // [first, second]
 * ```
 */
export function checkedSequence(migrations: readonly Migration[]): Migration[] {
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  sorted.forEach((entry, index) => {
    if (entry.version !== index + 1) {
      throw new TokenwiseError(
        "store_error",
        `Migration ${label(entry)} is out of sequence: expected number ${index + 1}; ` +
          "migrations are numbered 0001, 0002, ... without gaps or repeats",
      );
    }
  });
  return sorted;
}

/**
 * How a migration is named in messages: `0002_ledger`.
 *
 * @example
 * ```ts
 * label({ version: 2, name: "ledger" }); // "0002_ledger"
 * ```
 */
export function label(entry: Pick<Migration, "version" | "name">): string {
  return `${String(entry.version).padStart(4, "0")}_${entry.name}`;
}
