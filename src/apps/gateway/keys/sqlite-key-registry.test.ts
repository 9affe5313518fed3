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

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

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

  it("takes a revocation, rotation or team change made by another process on the next lookup", async () => {
    let now = Date.UTC(2026, 11, 3, 12);
    const gateway = createSqliteKeyRegistry({ path, now: () => now });
    const cli = createSqliteKeyRegistry({ path, now: () => now });
    try {
      await cli.setTeam({ name: "data", budget: { limit: 5n, period: "day", timeZone: "UTC" } });
      const first = await cli.create({ name: "ci-bot", team: "data" });
      const second = await cli.create({ name: "notebook" });
      expect((await gateway.authenticate(first.secret))?.name).toBe("ci-bot");
      expect((await gateway.authenticate(second.secret))?.name).toBe("notebook");
      expect((await gateway.getTeam("data"))?.budget?.limit).toBe(5n);

      await cli.revoke("notebook");
      expect(await gateway.authenticate(second.secret)).toBeUndefined();
      await cli.rotate("ci-bot", { graceMs: 1000 });
      expect((await gateway.authenticate(first.secret))?.name).toBe("ci-bot");
      now += 1000;
      expect(await gateway.authenticate(first.secret)).toBeUndefined();
      await cli.setTeam({ name: "data", budget: { limit: 7n, period: "day", timeZone: "UTC" } });
      expect((await gateway.getTeam("data"))?.budget?.limit).toBe(7n);
    } finally {
      await gateway.close();
      await cli.close();
    }
  });

  it("sees changes written with plain SQL (an older tokenwise sharing the file) from the next turn of the event loop", async () => {
    const registry = createSqliteKeyRegistry({ path });
    const other = new Database(path);
    try {
      const { secret } = await registry.create({ name: "ci-bot", rpm: 10 });
      await registry.setTeam({ name: "data" });
      expect((await registry.authenticate(secret))?.rpm).toBe(10);
      expect((await registry.getTeam("data"))?.budget).toBeUndefined();
      other.prepare("UPDATE tokenwise_keys SET rpm = 20 WHERE name = 'ci-bot'").run();
      other
        .prepare(
          "UPDATE tokenwise_teams SET budget_limit = '9', budget_period = 'none' WHERE name = 'data'",
        )
        .run();
      // The version is read once per turn: a change another connection commits during it
      // shows from the next one (another process's change cannot arrive sooner).
      await nextTurn();
      expect((await registry.authenticate(secret))?.rpm).toBe(20);
      expect((await registry.getTeam("data"))?.budget?.limit).toBe(9n);
      other.prepare("DELETE FROM tokenwise_key_secrets").run();
      await nextTurn();
      expect(await registry.authenticate(secret)).toBeUndefined();
    } finally {
      other.close();
      await registry.close();
    }
  });

  it("hands out keys and teams a caller may change without changing the next lookup", async () => {
    const registry = createSqliteKeyRegistry({ path });
    try {
      const { secret } = await registry.create({ name: "ci-bot", models: ["gpt-4o-mini"] });
      await registry.setTeam({
        name: "data",
        budget: { limit: 5n, period: "day", timeZone: "UTC" },
      });
      // The first lookup reads the file, the second what the registry remembers: change both.
      for (let lookup = 0; lookup < 2; lookup++) {
        const key = await registry.authenticate(secret);
        key?.models?.push("gpt-4o");
        if (key !== undefined) key.rpm = 1;
        const team = await registry.getTeam("data");
        if (team?.budget !== undefined) team.budget.limit = 1n;
      }
      expect(await registry.authenticate(secret)).toMatchObject({ models: ["gpt-4o-mini"] });
      expect((await registry.authenticate(secret))?.rpm).toBeUndefined();
      expect((await registry.getTeam("data"))?.budget?.limit).toBe(5n);
    } finally {
      await registry.close();
    }
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

  it("reads the version once per turn, yet sees this process's own changes at once", async () => {
    const gateway = createSqliteKeyRegistry({ path });
    const cli = createSqliteKeyRegistry({ path });
    const other = new Database(path);
    try {
      const { secret } = await cli.create({ name: "ci-bot", rpm: 10 });
      await nextTurn();
      expect((await gateway.authenticate(secret))?.rpm).toBe(10);
      other.prepare("UPDATE tokenwise_keys SET rpm = 20 WHERE name = 'ci-bot'").run();
      // Same turn: what the gateway remembers stands (the version was read this turn).
      expect((await gateway.authenticate(secret))?.rpm).toBe(10);
      // A change through any registry of this process is seen at once, in the same turn.
      await cli.update("ci-bot", { rpm: 30 });
      expect((await gateway.authenticate(secret))?.rpm).toBe(30);
      await cli.revoke("ci-bot");
      expect(await gateway.authenticate(secret)).toBeUndefined();
    } finally {
      other.close();
      await cli.close();
      await gateway.close();
    }
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
