/**
 * `tokenwise db migrate`: applies the shipped schema migrations explicitly, for a deploy step
 * that migrates before replicas start (they also migrate at start, under the same lock).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import type { MigrationReport } from "../../../adapters/stores/index.js";
import {
  DATABASE_FILE,
  DEFAULT_POSTGRES_SCHEMA,
  migratePostgres,
  migrateSqlite,
  openPostgresPool,
  openSqliteConnection,
  resolveDataDir,
} from "../../../adapters/stores/index.js";
import { invalidInput } from "../../../core/errors/index.js";
import { type Output, processOutput, toJson } from "../output.js";

interface MigrateFlags {
  postgres?: string;
  schema: string;
  dataDir?: string;
  json?: boolean;
}

/** `tokenwise db ...`: database schema commands. */
export function registerDbCommand(program: Command, output: Output = processOutput): void {
  const db = program.command("db").description("manage the schema of tokenwise's databases");
  db.command("migrate")
    .description(
      "apply pending schema migrations to PostgreSQL (--postgres, or TOKENWISE_POSTGRES_URL) or to the SQLite file in the data directory",
    )
    .option("--postgres <url>", "PostgreSQL to migrate, e.g. postgres://user@host:5432/app")
    .option(
      "--schema <name>",
      "PostgreSQL schema holding tokenwise's tables",
      DEFAULT_POSTGRES_SCHEMA,
    )
    .option("--data-dir <dir>", "SQLite data directory (default .tokenwise, or TOKENWISE_DATA_DIR)")
    .option("--json", "print the report as JSON")
    .action(async (flags: MigrateFlags) => {
      const postgres = flags.postgres ?? nonEmpty(process.env.TOKENWISE_POSTGRES_URL);
      if (postgres !== undefined && flags.dataDir !== undefined) {
        throw invalidInput(
          "--data-dir",
          "cannot be combined with --postgres; migrate one database at a time",
        );
      }
      const { target, report } =
        postgres === undefined
          ? migrateSqliteFile(flags.dataDir)
          : await migratePostgresUrl(postgres, flags.schema);
      if (flags.json) {
        output.write(toJson({ target, ...report }));
        return;
      }
      output.write(
        report.applied.length === 0
          ? `${target}: already up to date at version ${report.version}`
          : `${target}: applied ${report.applied.join(", ")}; now at version ${report.version}`,
      );
    });
}

function migrateSqliteFile(dataDir: string | undefined): {
  target: string;
  report: MigrationReport;
} {
  const directory = resolveDataDir({ dataDir });
  mkdirSync(directory, { recursive: true });
  const path = join(directory, DATABASE_FILE);
  const { database } = openSqliteConnection({ path });
  try {
    return { target: `SQLite ${path}`, report: migrateSqlite({ database }) };
  } finally {
    database.close();
  }
}

async function migratePostgresUrl(
  url: string,
  schema: string,
): Promise<{ target: string; report: MigrationReport }> {
  const pool = openPostgresPool(url, "--postgres");
  try {
    return {
      target: `PostgreSQL schema ${schema}`,
      report: await migratePostgres({ pool, schema }),
    };
  } finally {
    await pool.end();
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}
