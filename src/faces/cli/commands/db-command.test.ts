import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { Command } from "commander";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  describeWithPostgres,
  dropPostgresSchema,
  newPostgresPool,
  POSTGRES_TEST_URL,
  uniquePostgresSchema,
} from "../../../adapters/stores/test-support/postgres-for-tests.js";
import type { Output } from "../output.js";
import { registerDbCommand } from "./db-command.js";

async function runCli(args: string[]): Promise<{ out: string; error: unknown }> {
  const out: string[] = [];
  const output: Output = { write: (text) => out.push(text), error: (text) => out.push(text) };
  const program = new Command()
    .exitOverride()
    .configureOutput({ writeOut: output.write, writeErr: output.error });
  registerDbCommand(program, output);
  let error: unknown;
  try {
    await program.parseAsync(["node", "tokenwise", ...args]);
  } catch (caught) {
    error = caught;
  }
  return { out: out.join("\n"), error };
}

const builtCli = fileURLToPath(new URL("../../../../dist/faces/cli/main.js", import.meta.url));

function runBuilt(
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [builtCli, ...args], {
      env: { ...process.env, TOKENWISE_POSTGRES_URL: "" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("tokenwise db migrate (SQLite)", () => {
  let directory: string;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), "tokenwise-db-command-"));
  });

  afterEach(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it("migrates the data directory's file, then reports it up to date", async () => {
    const dataDir = join(directory, "data");
    const first = await runCli(["db", "migrate", "--data-dir", dataDir]);
    expect(first.error).toBeUndefined();
    const path = join(dataDir, "tokenwise.db");
    expect(first.out).toBe(
      `SQLite ${path}: applied 0001_key_value, 0002_ledger, 0003_ledger_holds_index; now at version 3`,
    );
    const again = await runCli(["db", "migrate", "--data-dir", dataDir, "--json"]);
    expect(JSON.parse(again.out)).toEqual({ target: `SQLite ${path}`, applied: [], version: 3 });
    const database = new Database(path);
    expect(database.pragma("user_version", { simple: true })).toBe(3);
    database.close();
  });

  it("refuses --postgres together with --data-dir, and a URL that is not postgres://", async () => {
    const both = await runCli([
      "db",
      "migrate",
      "--postgres",
      "postgres://127.0.0.1/x",
      "--data-dir",
      directory,
    ]);
    expect(both.error).toMatchObject({ code: "invalid_input", details: { field: "--data-dir" } });
    const wrong = await runCli(["db", "migrate", "--postgres", "mysql://user:hunter2@db/x"]);
    expect(wrong.error).toMatchObject({ code: "invalid_input", details: { field: "--postgres" } });
    expect(String((wrong.error as Error).message)).not.toContain("hunter2");
  });

  it("works from the built package: the SQL files ship in dist", async () => {
    expect(existsSync(builtCli)).toBe(true);
    const result = await runBuilt(["db", "migrate", "--data-dir", directory]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("applied 0001_key_value, 0002_ledger");
  });
});

describeWithPostgres("tokenwise db migrate (PostgreSQL)", () => {
  const pool = newPostgresPool(1);
  const schema = uniquePostgresSchema("db_command");

  afterAll(async () => {
    await dropPostgresSchema(pool, schema);
    await pool.end();
  });

  it("migrates the schema once and never prints the URL", async () => {
    const first = await runCli([
      "db",
      "migrate",
      "--postgres",
      POSTGRES_TEST_URL,
      "--schema",
      schema,
    ]);
    expect(first.error).toBeUndefined();
    expect(first.out).toBe(
      `PostgreSQL schema ${schema}: applied 0001_key_value, 0002_ledger_spend, 0003_ledger_reservations, 0004_ledger_reserve_function, 0005_key_registry; now at version 5`,
    );
    const again = await runBuilt([
      "db",
      "migrate",
      "--postgres",
      POSTGRES_TEST_URL,
      "--schema",
      schema,
    ]);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(`PostgreSQL schema ${schema}: already up to date at version 5\n`);
    expect(again.stdout).not.toContain("127.0.0.1");
  });
});
