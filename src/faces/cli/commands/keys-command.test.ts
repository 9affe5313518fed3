import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { DATABASE_FILE } from "../../../adapters/stores/index.js";
import {
  describeWithPostgres,
  dropPostgresSchema,
  newPostgresPool,
  POSTGRES_TEST_URL,
  uniquePostgresSchema,
} from "../../../adapters/stores/test-support/postgres-for-tests.js";
import {
  createPostgresKeyRegistry,
  createSqliteKeyRegistry,
} from "../../../apps/gateway/keys/index.js";
import { usd } from "../../../core/money/index.js";
import type { Output } from "../output.js";
import { run } from "../program.js";

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), "tokenwise-cli-keys-"));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const output: Output = { write: (text) => out.push(text), error: (text) => err.push(text) };
  const code = await run(["node", "tokenwise", ...args, "--data-dir", dataDir], output);
  return { code, out: out.join("\n"), err: err.join("") };
}

async function registry<T>(work: (keys: ReturnType<typeof createSqliteKeyRegistry>) => Promise<T>) {
  const keys = createSqliteKeyRegistry({ path: join(dataDir, DATABASE_FILE) });
  try {
    return await work(keys);
  } finally {
    await keys.close();
  }
}

describe("tokenwise keys create", () => {
  it("stores the issue's example key and prints its secret once, with a note", async () => {
    expect((await cli("teams", "set", "data")).code).toBe(0);
    const result = await cli(
      "keys",
      "create",
      "--name",
      "ci-bot",
      "--team",
      "data",
      "--budget",
      "50",
      "--period",
      "month",
      "--models",
      "gpt-4o-mini,claude-haiku-4-5",
      "--rpm",
      "600",
    );
    expect(result.code).toBe(0);
    const lines = result.out.split("\n");
    expect(lines[0]).toBe("Created key ci-bot");
    expect(lines).toContain("  budget:   $50.00 per month (UTC)");
    expect(lines).toContain("Secret (shown once; it cannot be shown again, so store it now):");
    const secret = lines.at(-1)?.trim() ?? "";
    expect(secret).toMatch(/^tw-[A-Za-z0-9_-]{43}$/);
    const key = await registry(async (keys) => keys.authenticate(secret));
    expect(key).toMatchObject({
      name: "ci-bot",
      team: "data",
      models: ["gpt-4o-mini", "claude-haiku-4-5"],
      budget: { limit: usd("50"), period: "month", timeZone: "UTC" },
      rpm: 600,
    });
    const listed = await cli("keys", "list");
    const shown = await cli("keys", "show", "ci-bot");
    for (const later of [listed.out, shown.out]) expect(later).not.toContain(secret.slice(7));
  });

  it("prints JSON with the secret for scripts", async () => {
    const result = await cli("keys", "create", "--name", "ci-bot", "--tpm", "100000", "--json");
    const body = JSON.parse(result.out);
    expect(body).toMatchObject({ name: "ci-bot", tpm: 100000, rpm: null, budget: null });
    expect(body.secret).toMatch(/^tw-/);
  });

  it("takes exact decimal dollars and a time zone", async () => {
    await cli(
      "keys",
      "create",
      "--name",
      "ci",
      "--budget",
      "0.005",
      "--period",
      "day",
      "--tz",
      "europe/berlin",
    );
    const key = await registry((keys) => keys.get("ci"));
    expect(key?.budget).toEqual({
      limit: 5_000_000_000n,
      period: "day",
      timeZone: "Europe/Berlin",
    });
  });

  it("explains bad input in one line, writing nothing", async () => {
    const zone = await cli(
      "keys",
      "create",
      "--name",
      "ci",
      "--budget",
      "5",
      "--tz",
      "Europe/Berln",
    );
    expect(zone.code).toBe(1);
    expect(zone.err).toMatch(
      /^tokenwise: --tz must be an IANA time zone .*did you mean Europe\/Berlin/,
    );
    expect(zone.err.trim().split("\n")).toHaveLength(1);
    const period = await cli("keys", "create", "--name", "ci", "--period", "week");
    expect(period.err).toBe(
      "tokenwise: --budget is needed with --period and --tz (an amount such as --budget 50)",
    );
    const rpm = await cli("keys", "create", "--name", "ci", "--rpm", "lots");
    expect(rpm.code).toBe(2);
    expect(rpm.err).toContain("expected a whole number such as 500");
    const team = await cli("keys", "create", "--name", "ci", "--team", "dta");
    expect(team.err).toBe('tokenwise: No team "dta". Create it with: tokenwise teams set dta');
    expect((await cli("keys", "list", "--json")).out).toBe("[]");
  });
});

describe("tokenwise keys list, show, update, rotate, revoke", () => {
  it("shows a table, then JSON, and the current ledger scopes of a key", async () => {
    await cli(
      "teams",
      "set",
      "data",
      "--budget",
      "500",
      "--period",
      "week",
      "--tz",
      "America/New_York",
    );
    await cli("keys", "create", "--name", "ci-bot", "--team", "data", "--budget", "50");
    const table = await cli("keys", "list");
    expect(table.out.split("\n")[0]).toMatch(
      /^name\s+id\s+team\s+budget\s+models\s+rpm\s+tpm\s+secret\s+created\s+status$/,
    );
    expect(table.out).toMatch(
      /ci-bot\s+key_[0-9a-f]{16}\s+data\s+\$50\.00 per month \(UTC\)\s+all/,
    );
    const shown = await cli("keys", "show", "ci-bot");
    expect(shown.out).toMatch(/ledger scope: key:key_[0-9a-f]{16}:month:\d{4}-\d{2} \(resets /);
    expect(shown.out).toMatch(/ledger scope: team:data:week:\d{4}-W\d{2} \(resets /);
    const json = JSON.parse((await cli("keys", "show", "ci-bot", "--json")).out);
    expect(json.budget).toEqual({ limit_usd: "50.00", period: "month", time_zone: "UTC" });
  });

  it("suggests the closest name for a typo", async () => {
    await cli("keys", "create", "--name", "ci-bot");
    const result = await cli("keys", "show", "ci-bto");
    expect(result.code).toBe(1);
    expect(result.err).toBe(
      'tokenwise: No key "ci-bto". Did you mean ci-bot? (tokenwise keys list shows every key)',
    );
  });

  it("updates limits, removing one with --no-...", async () => {
    await cli("keys", "create", "--name", "ci-bot", "--budget", "5", "--rpm", "60");
    const result = await cli(
      "keys",
      "update",
      "ci-bot",
      "--rpm",
      "1200",
      "--period",
      "week",
      "--no-models",
    );
    expect(result.code).toBe(0);
    expect(result.out).toContain("  rpm:      1,200");
    expect(result.out).toContain("  budget:   $5.00 per week (UTC)");
    await cli("keys", "update", "ci-bot", "--no-budget", "--no-rpm");
    const key = await registry((keys) => keys.get("ci-bot"));
    expect(key?.budget).toBeUndefined();
    expect(key?.rpm).toBeUndefined();
    const nothing = await cli("keys", "update", "ci-bot");
    expect(nothing.err).toMatch(/^tokenwise: Nothing to change/);
  });

  it("rotates with a grace period: same id, a new secret printed once, the old one still valid", async () => {
    const first = JSON.parse((await cli("keys", "create", "--name", "ci-bot", "--json")).out);
    const rotated = await cli("keys", "rotate", "ci-bot", "--grace", "1h");
    expect(rotated.code).toBe(0);
    expect(rotated.out).toMatch(/The old secret keeps working for 1h, until \d{4}-/);
    const secret = rotated.out.split("\n").at(-1)?.trim() ?? "";
    await registry(async (keys) => {
      expect((await keys.authenticate(secret))?.id).toBe(first.id);
      expect((await keys.authenticate(first.secret))?.id).toBe(first.id);
    });
    const now = await cli("keys", "rotate", "ci-bot");
    expect(now.out).toContain("The old secret stopped working now.");
    await registry(async (keys) => expect(await keys.authenticate(secret)).toBeUndefined());
    const bad = await cli("keys", "rotate", "ci-bot", "--grace", "soon");
    expect(bad.code).toBe(2);
  });

  it("revokes at once, and says when a key was already revoked", async () => {
    const created = JSON.parse((await cli("keys", "create", "--name", "ci-bot", "--json")).out);
    expect((await cli("keys", "revoke", "ci-bot")).out).toBe(`Revoked key ci-bot (${created.id}).`);
    expect((await cli("keys", "revoke", created.id)).out).toBe(
      `Key ci-bot (${created.id}) was already revoked.`,
    );
    await registry(async (keys) => expect(await keys.authenticate(created.secret)).toBeUndefined());
    expect((await cli("keys", "list")).out).toBe(
      "No keys. Create one with: tokenwise keys create --name <name>",
    );
    expect((await cli("keys", "list", "--all")).out).toContain("revoked");
  });
});

describe("tokenwise teams", () => {
  it("sets, replaces and lists team budgets", async () => {
    expect((await cli("teams", "list")).out).toBe(
      "No teams. Create one with: tokenwise teams set <name> --budget 500",
    );
    const set = await cli("teams", "set", "data", "--budget", "500", "--period", "none");
    expect(set.out).toBe("Team data: budget $500.00 prepaid (never resets)");
    await cli("keys", "create", "--name", "ci-bot", "--team", "data");
    const table = await cli("teams", "list");
    expect(table.out.split("\n")[2]).toMatch(/^data\s+\$500\.00 prepaid \(never resets\)\s+1$/);
    await cli("teams", "set", "data");
    expect(JSON.parse((await cli("teams", "list", "--json")).out)).toEqual([
      { name: "data", budget: null },
    ]);
    expect((await cli("teams", "show", "dat")).err).toContain("Did you mean data?");
  });
});

/** The CLI without the data dir flag, with the environment variables it reads set for the run. */
async function bare(
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<{ code: number; out: string; err: string }> {
  const saved = Object.fromEntries(
    ["TOKENWISE_POSTGRES_URL", "TOKENWISE_REDIS_URL"].map((name) => [name, process.env[name]]),
  );
  for (const name of Object.keys(saved)) {
    const value = env[name];
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  const out: string[] = [];
  const err: string[] = [];
  const output: Output = { write: (text) => out.push(text), error: (text) => err.push(text) };
  try {
    const code = await run(["node", "tokenwise", ...args], output);
    return { code, out: out.join("\n"), err: err.join("\n") };
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

describe("tokenwise keys: which registry", () => {
  it("refuses --redis or --postgres-schema without PostgreSQL, naming the flag", async () => {
    const redis = await bare(["keys", "list", "--redis", "redis://127.0.0.1:6379"]);
    expect(redis.code).toBe(1);
    expect(redis.err).toBe(
      "tokenwise: --redis needs --postgres (or TOKENWISE_POSTGRES_URL): it is for the shared PostgreSQL registry; the data dir's registry is read by the gateway on every request, so nothing needs announcing",
    );
    const schema = await bare(["keys", "list", "--postgres-schema", "prod", "--data-dir", dataDir]);
    expect(schema.err).toMatch(/^tokenwise: --postgres-schema needs --postgres/);
  });

  it("refuses --data-dir together with PostgreSQL, from the flag or the environment", async () => {
    const flag = await bare([
      "keys",
      "list",
      "--postgres",
      "postgres://x@h/db",
      "--data-dir",
      dataDir,
    ]);
    expect(flag.code).toBe(1);
    expect(flag.err).toBe(
      "tokenwise: --data-dir cannot be combined with --postgres (or TOKENWISE_POSTGRES_URL); keys live in one registry at a time",
    );
    const env = await bare(["keys", "list", "--data-dir", dataDir], {
      TOKENWISE_POSTGRES_URL: "postgres://x@h/db",
    });
    expect(env.err).toContain("--data-dir cannot be combined with --postgres");
  });

  it("names where a bad URL came from and never echoes it", async () => {
    const flag = await bare(["keys", "list", "--postgres", "mysql://root:pw123@h/db"]);
    expect(flag.err).toBe('tokenwise: --postgres must start with "postgres://" or "postgresql://"');
    const env = await bare(["keys", "list"], { TOKENWISE_POSTGRES_URL: "http://root:pw123@h" });
    expect(env.err).toBe(
      'tokenwise: TOKENWISE_POSTGRES_URL must start with "postgres://" or "postgresql://"',
    );
    const redis = await bare(["keys", "list", "--postgres", "postgres://x@h/db"], {
      TOKENWISE_REDIS_URL: "http://:pw123@h",
    });
    expect(redis.err).toBe(
      'tokenwise: TOKENWISE_REDIS_URL must start with "redis://" or "rediss://"',
    );
    const schema = await bare([
      "keys",
      "list",
      "--postgres",
      "postgres://x@h/db",
      "--postgres-schema",
      "a-b",
    ]);
    expect(schema.err).toMatch(/^tokenwise: --postgres-schema must be a plain SQL name/);
    for (const result of [flag, env, redis]) expect(result.err).not.toContain("pw123");
  });

  it("leaves the data dir alone when TOKENWISE_REDIS_URL is set but PostgreSQL is not", async () => {
    const result = await bare(["keys", "create", "--name", "ci-bot", "--data-dir", dataDir], {
      TOKENWISE_REDIS_URL: "redis://127.0.0.1:6379",
    });
    expect(result).toMatchObject({ code: 0, err: "" });
    expect((await registry((keys) => keys.list())).map((key) => key.name)).toEqual(["ci-bot"]);
  });
});

describeWithPostgres("tokenwise keys --postgres", () => {
  const pool = newPostgresPool(1);
  const schema = uniquePostgresSchema("keys_command");
  const shared = ["--postgres", POSTGRES_TEST_URL, "--postgres-schema", schema];

  afterAll(async () => {
    await dropPostgresSchema(pool, schema);
    await pool.end();
  });

  it("manages keys and teams in the shared registry, noting that no replica was told", async () => {
    const team = await bare(["teams", "set", "data", "--budget", "500", ...shared]);
    expect(team.out).toBe("Team data: budget $500.00 per month (UTC)");
    const created = await bare(["keys", "create", "--name", "ci-bot", "--team", "data", ...shared]);
    expect(created.code).toBe(0);
    expect(created.err).toBe(
      "tokenwise: note: no --redis (or TOKENWISE_REDIS_URL) given, so running gateways see this change within their key cache TTL (1 s by default) instead of at once.",
    );
    const secret = created.out.split("\n").at(-1)?.trim() ?? "";
    const keys = createPostgresKeyRegistry({ pool, schema });
    expect((await keys.authenticate(secret))?.team).toBe("data");
    const listed = await bare(["keys", "list", "--json", "--postgres-schema", schema], {
      TOKENWISE_POSTGRES_URL: POSTGRES_TEST_URL,
    });
    expect(JSON.parse(listed.out)).toMatchObject([{ name: "ci-bot", team: "data" }]);
    const shown = await bare(["keys", "show", "ci-bot", ...shared]);
    expect(shown).toMatchObject({ code: 0, err: "" });
    expect(shown.out).toContain("  team budget: $500.00 per month (UTC)");
    expect((await bare(["keys", "revoke", "ci-bot", ...shared])).out).toMatch(
      /^Revoked key ci-bot/,
    );
    expect(await keys.authenticate(secret)).toBeUndefined();
    const teams = await bare(["teams", "list", ...shared]);
    expect(teams.out).toMatch(/data\s+\$500\.00 per month \(UTC\)\s+0/);
    await keys.close();
  });
});
