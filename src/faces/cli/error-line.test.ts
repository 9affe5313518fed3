import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { TokenwiseError } from "../../core/errors/index.js";
import { errorLine } from "./error-line.js";

/** A real SQLite error from a damaged full-text index, like a corrupt search index gives. */
function corruptFullTextError(): unknown {
  const file = join(mkdtempSync(join(tmpdir(), "tokenwise-corrupt-")), "tokenwise.db");
  const database = new Database(file);
  database.exec("CREATE VIRTUAL TABLE search_fts USING fts5(text)");
  const insert = database.prepare("INSERT INTO search_fts(text) VALUES (?)");
  database.transaction(() => {
    for (let row = 0; row < 500; row += 1) insert.run(`token budget number ${row} `.repeat(20));
  })();
  const pages = database
    .prepare("SELECT pageno FROM dbstat WHERE name = 'search_fts_data'")
    .all() as Array<{ pageno: number }>;
  const pageSize = database.pragma("page_size", { simple: true }) as number;
  database.close();
  const bytes = readFileSync(file);
  for (const { pageno } of pages)
    bytes.fill(0x41, (pageno - 1) * pageSize + 100, pageno * pageSize - 100);
  writeFileSync(file, bytes);
  const damaged = new Database(file);
  try {
    damaged.prepare("SELECT rowid FROM search_fts WHERE search_fts MATCH 'token'").all();
  } catch (error) {
    return error;
  } finally {
    damaged.close();
  }
  throw new Error("the damaged index answered");
}

describe("errorLine", () => {
  it("says a damaged database is damaged and how to rebuild it", () => {
    const error = corruptFullTextError();
    expect(errorLine(error, { command: "search", dataDir: "/repo/.tokenwise" })).toMatch(
      /^the database \/repo\/\.tokenwise\/tokenwise\.db is damaged \(.+\): move it aside and build the search index again with "tokenwise index <paths>"/,
    );
  });

  it("says a file given as the data directory is a file", () => {
    const error = Object.assign(new Error("EEXIST: file already exists, mkdir '/tmp/x'"), {
      code: "EEXIST",
      syscall: "mkdir",
      path: "/tmp/x",
    });
    expect(errorLine(error)).toBe(
      "/tmp/x is a file, not a directory: pass a directory to --data-dir (or TOKENWISE_DATA_DIR)",
    );
  });

  it("words a missing key with the variable to set", () => {
    const error = new TokenwiseError("invalid_input", "apiKey is missing ... pass { apiKey }", {
      details: { field: "apiKey", provider: "anthropic", envVars: ["ANTHROPIC_API_KEY"] },
    });
    expect(errorLine(error, { command: "cost" })).toBe(
      "no API key for anthropic: set ANTHROPIC_API_KEY in the environment",
    );
  });

  it("keeps other messages, and marks errors it does not know as unexpected", () => {
    expect(errorLine(new TokenwiseError("not_found", "no such model"))).toBe("no such model");
    expect(errorLine(new Error("boom"))).toBe("unexpected error: boom");
  });
});
