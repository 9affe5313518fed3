import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { hashSecret } from "./secret.js";
import { createSqliteKeyRegistry } from "./sqlite-key-registry.js";
import { describeKeyRegistryConformance } from "./test-support/key-registry-conformance.js";

describeKeyRegistryConformance("SQLite", async () => {
  const directory = mkdtempSync(join(tmpdir(), "tokenwise-keys-"));
  let now = Date.UTC(2026, 11, 3, 12);
  const registry = createSqliteKeyRegistry({ path: join(directory, "keys.db"), now: () => now });
  return {
    registry,
    advance: (ms) => {
      now += ms;
    },
    cleanup: async () => {
      await registry.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
});

describe("SQLite key registry on disk", () => {
  let directory: string;
  let path: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), "tokenwise-keys-"));
    path = join(directory, "keys.db");
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it("stores the SHA-256 of a secret and never the secret itself", async () => {
    const registry = createSqliteKeyRegistry({ path });
    const { secret } = await registry.create({ name: "ci-bot" });
    const rotated = await registry.rotate("ci-bot", { graceMs: 60_000 });
    await registry.close();
    const database = new Database(path);
    database.pragma("wal_checkpoint(TRUNCATE)");
    const hashes = database
      .prepare<[], { hash: string }>("SELECT hash FROM tokenwise_key_secrets ORDER BY hash")
      .all()
      .map((row) => row.hash);
    database.close();
    expect(hashes).toEqual([hashSecret(secret), hashSecret(rotated.secret)].sort());
    const bytes = readFileSync(path).toString("latin1");
    expect(bytes).not.toContain(secret.slice(3));
    expect(bytes).not.toContain(rotated.secret.slice(3));
  });

  it("looks a secret up through the primary-key index, not a scan", () => {
    const registry = createSqliteKeyRegistry({ path });
    const database = new Database(path);
    const plan = database
      .prepare<[], { detail: string }>(
        `EXPLAIN QUERY PLAN SELECT k.name, s.expires_at FROM tokenwise_key_secrets s
         JOIN tokenwise_keys k ON k.id = s.key_id WHERE s.hash = 'x'`,
      )
      .all()
      .map((row) => row.detail);
    database.close();
    expect(plan).toEqual([
      expect.stringMatching(/^SEARCH s USING INDEX sqlite_autoindex_tokenwise_key_secrets_1/),
      expect.stringMatching(/^SEARCH k USING INDEX sqlite_autoindex_tokenwise_keys_1/),
    ]);
    return registry.close();
  });

  it("shares keys between connections: a revocation is seen by the next lookup", async () => {
    const gateway = createSqliteKeyRegistry({ path });
    const cli = createSqliteKeyRegistry({ path });
    const { secret } = await cli.create({ name: "ci-bot" });
    expect((await gateway.authenticate(secret))?.name).toBe("ci-bot");
    await cli.revoke("ci-bot");
    expect(await gateway.authenticate(secret)).toBeUndefined();
    await cli.close();
    await gateway.close();
  });

  it("keeps working on a connection the caller owns, and leaves it open", async () => {
    const database = new Database(path);
    const registry = createSqliteKeyRegistry({ database });
    await registry.create({ name: "ci-bot" });
    await registry.close();
    expect(database.prepare("SELECT count(*) AS n FROM tokenwise_keys").get()).toEqual({ n: 1 });
    database.close();
  });
});
