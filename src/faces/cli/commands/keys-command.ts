/**
 * `tokenwise keys` and `tokenwise teams`: the gateway's virtual keys and team budgets, kept in
 * the data dir's SQLite file that the gateway reads, so a change here applies to its next
 * request; or, with `--postgres` (or TOKENWISE_POSTGRES_URL), in the PostgreSQL registry that
 * gateway replicas share, telling the running replicas over Redis (`--redis`, or
 * TOKENWISE_REDIS_URL) so they drop what they cached. A key's secret is printed once, by create
 * and rotate, and never again.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Command, InvalidArgumentError } from "commander";
import {
  DATABASE_FILE,
  DEFAULT_POSTGRES_SCHEMA,
  openPostgresPool,
  resolveDataDir,
} from "../../../adapters/stores/index.js";
import {
  BUDGET_PERIODS,
  type BudgetPeriod,
  type BudgetSpec,
  budgetScopes,
  type CreateKeyInput,
  canonicalTimeZone,
  createCachedKeyRegistry,
  createMemoryKeyRegistry,
  createPostgresKeyRegistry,
  createRedisKeyInvalidation,
  createSqliteKeyRegistry,
  formatDuration,
  type IssuedKey,
  type KeyChanges,
  type KeyRegistry,
  keyInvalidationChannel,
  keyNotFoundError,
  keyToJson,
  parseDuration,
  type Team,
  teamNotFoundError,
  teamToJson,
  type VirtualKey,
} from "../../../apps/gateway/keys/index.js";
import { invalidInput, TokenwiseError } from "../../../core/errors/index.js";
import { type Picodollars, toDecimalString } from "../../../core/money/index.js";
import { type Output, processOutput, toJson } from "../output.js";
import { dollars, list, positiveInteger } from "../parse-options.js";
import { formatInteger, formatTable } from "../table.js";

interface DataFlags {
  dataDir?: string;
  postgres?: string;
  postgresSchema?: string;
  redis?: string;
  json?: boolean;
}

interface BudgetFlags {
  budget?: Picodollars | false;
  period?: BudgetPeriod;
  tz?: string;
}

interface LimitFlags extends BudgetFlags, DataFlags {
  team?: string | false;
  models?: string[] | false;
  rpm?: number | false;
  tpm?: number | false;
}

const DATA_DIR_HELP = "where the keys live (default .tokenwise, or TOKENWISE_DATA_DIR)";
const POSTGRES_URL_ENV = "TOKENWISE_POSTGRES_URL";
const REDIS_URL_ENV = "TOKENWISE_REDIS_URL";

const POSTGRES_HELP = `the PostgreSQL registry gateway replicas share, instead of the data dir (or ${POSTGRES_URL_ENV})`;
const SCHEMA_HELP = `schema of the PostgreSQL registry (default ${DEFAULT_POSTGRES_SCHEMA})`;
const REDIS_HELP = `Redis the replicas listen on: each change is announced there, so they drop their cached keys at once (or ${REDIS_URL_ENV})`;

/** `--data-dir`, or the shared registry's `--postgres`, `--postgres-schema` and `--redis`. */
function addRegistryOptions(command: Command): Command {
  return command
    .option("--data-dir <dir>", DATA_DIR_HELP)
    .option("--postgres <url>", POSTGRES_HELP)
    .option("--postgres-schema <name>", SCHEMA_HELP)
    .option("--redis <url>", REDIS_HELP);
}

function period(value: string): BudgetPeriod {
  if (!BUDGET_PERIODS.includes(value as BudgetPeriod)) {
    throw new InvalidArgumentError(`expected one of ${BUDGET_PERIODS.join(", ")}, got "${value}".`);
  }
  return value as BudgetPeriod;
}

function grace(value: string): number {
  try {
    return parseDuration(value, "--grace");
  } catch {
    throw new InvalidArgumentError(
      `expected a duration such as 0, 30s, 15m, 1h or 7d, got "${value}".`,
    );
  }
}

function fromEnv(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value.trim() === "" ? undefined : value;
}

/**
 * The shared PostgreSQL registry, when `--postgres` or TOKENWISE_POSTGRES_URL names one. A
 * write announces itself on Redis when `--redis` or TOKENWISE_REDIS_URL names it.
 */
async function withSharedRegistry<T>(
  flags: DataFlags,
  postgres: { url: string; field: string },
  options: { write: boolean },
  output: Output,
  work: (registry: KeyRegistry) => Promise<T>,
): Promise<T> {
  const schema = flags.postgresSchema ?? DEFAULT_POSTGRES_SCHEMA;
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    throw invalidInput(
      "--postgres-schema",
      `must be a plain SQL name (letters, digits, _; not starting with a digit), got "${schema}"`,
    );
  }
  const redisField = flags.redis === undefined ? REDIS_URL_ENV : "--redis";
  const redis = flags.redis ?? fromEnv(REDIS_URL_ENV);
  if (redis !== undefined && !/^rediss?:\/\//.test(redis)) {
    // The URL may hold a password: never echo it.
    throw invalidInput(redisField, 'must start with "redis://" or "rediss://"');
  }
  const pool = openPostgresPool(postgres.url, postgres.field);
  let registry: KeyRegistry;
  try {
    registry = createPostgresKeyRegistry({ pool, schema });
  } catch (error) {
    await pool.end();
    throw error;
  }
  if (options.write && redis !== undefined) {
    // No cache (ttlMs 0): the wrapper only writes through and announces each change.
    registry = createCachedKeyRegistry(registry, {
      ttlMs: 0,
      invalidation: createRedisKeyInvalidation({
        url: redis,
        channel: keyInvalidationChannel(schema),
        listen: false,
      }),
      onPublishError: (error) =>
        output.error(
          `tokenwise: warning: the change is saved in PostgreSQL, but the running gateways could not be told over Redis (${error.message}); each sees it within its key cache TTL (1 s by default).`,
        ),
    });
  }
  try {
    const result = await work(registry);
    if (options.write && redis === undefined) {
      output.error(
        `tokenwise: note: no --redis (or ${REDIS_URL_ENV}) given, so running gateways see this change within their key cache TTL (1 s by default) instead of at once.`,
      );
    }
    return result;
  } finally {
    await registry.close();
    await pool.end();
  }
}

/**
 * Opens the registry: the shared PostgreSQL one (see {@link withSharedRegistry}), else the data
 * dir's; a read on a data dir with no file yet sees no keys.
 */
async function withRegistry<T>(
  flags: DataFlags,
  options: { write: boolean },
  output: Output,
  work: (registry: KeyRegistry) => Promise<T>,
): Promise<T> {
  const postgresUrl = flags.postgres ?? fromEnv(POSTGRES_URL_ENV);
  if (postgresUrl !== undefined) {
    if (flags.dataDir !== undefined) {
      throw invalidInput(
        "--data-dir",
        `cannot be combined with --postgres (or ${POSTGRES_URL_ENV}); keys live in one registry at a time`,
      );
    }
    const field = flags.postgres === undefined ? POSTGRES_URL_ENV : "--postgres";
    return withSharedRegistry(flags, { url: postgresUrl, field }, options, output, work);
  }
  for (const [flag, given] of [
    ["--redis", flags.redis],
    ["--postgres-schema", flags.postgresSchema],
  ] as const) {
    if (given !== undefined) {
      throw invalidInput(
        flag,
        `needs --postgres (or ${POSTGRES_URL_ENV}): it is for the shared PostgreSQL registry; the data dir's registry is read by the gateway on every request, so nothing needs announcing`,
      );
    }
  }
  const dataDir = resolveDataDir({ dataDir: flags.dataDir });
  const path = join(dataDir, DATABASE_FILE);
  let registry: KeyRegistry;
  if (options.write) {
    mkdirSync(dataDir, { recursive: true });
    registry = createSqliteKeyRegistry({ path });
  } else {
    registry = existsSync(path) ? createSqliteKeyRegistry({ path }) : createMemoryKeyRegistry();
  }
  try {
    return await work(registry);
  } finally {
    await registry.close();
  }
}

/** The budget the flags describe, on top of `current` (what the key or team has now). */
function budgetOf(
  flags: BudgetFlags,
  current: BudgetSpec | undefined,
): BudgetSpec | null | undefined {
  if (flags.budget === false) {
    if (flags.period !== undefined || flags.tz !== undefined) {
      throw invalidInput("--no-budget", "cannot be combined with --period or --tz");
    }
    return null;
  }
  if (flags.budget === undefined && flags.period === undefined && flags.tz === undefined) {
    return undefined;
  }
  const limit = flags.budget ?? current?.limit;
  if (limit === undefined) {
    throw invalidInput(
      "--budget",
      "is needed with --period and --tz (an amount such as --budget 50)",
    );
  }
  return {
    limit,
    period: flags.period ?? current?.period ?? "month",
    timeZone:
      flags.tz === undefined ? (current?.timeZone ?? "UTC") : canonicalTimeZone(flags.tz, "--tz"),
  };
}

function changesOf(flags: LimitFlags, current: VirtualKey | undefined): KeyChanges {
  const changes: KeyChanges = {};
  if (flags.team !== undefined) changes.team = flags.team === false ? null : flags.team;
  if (flags.models !== undefined) changes.models = flags.models === false ? null : flags.models;
  const budget = budgetOf(flags, current?.budget);
  if (budget !== undefined) changes.budget = budget;
  if (flags.rpm !== undefined) changes.rpm = flags.rpm === false ? null : flags.rpm;
  if (flags.tpm !== undefined) changes.tpm = flags.tpm === false ? null : flags.tpm;
  return changes;
}

function describeBudget(budget: BudgetSpec | undefined): string {
  if (budget === undefined) return "none";
  const amount = `$${toDecimalString(budget.limit)}`;
  if (budget.period === "none") return `${amount} prepaid (never resets)`;
  return `${amount} per ${budget.period} (${budget.timeZone})`;
}

function perMinute(limit: number | undefined): string {
  return limit === undefined ? "unlimited" : formatInteger(limit);
}

function keyLines(key: VirtualKey, team: Team | undefined, now: number): string[] {
  const lines = [
    `Key ${key.name}${key.revokedAt === undefined ? "" : " (revoked)"}`,
    `  id:       ${key.id}`,
    `  team:     ${key.team ?? "none"}`,
    `  models:   ${key.models?.join(", ") ?? "all"}`,
    `  budget:   ${describeBudget(key.budget)}`,
    `  rpm:      ${perMinute(key.rpm)}`,
    `  tpm:      ${perMinute(key.tpm)}`,
    `  secret:   ${key.secretHint}`,
    `  created:  ${new Date(key.createdAt).toISOString()}`,
  ];
  if (key.revokedAt !== undefined)
    lines.push(`  revoked:  ${new Date(key.revokedAt).toISOString()}`);
  if (team?.budget !== undefined) lines.push(`  team budget: ${describeBudget(team.budget)}`);
  for (const scope of budgetScopes(key, team, now)) {
    const resets =
      scope.resetsAt === undefined
        ? "never resets"
        : `resets ${new Date(scope.resetsAt).toISOString()}`;
    lines.push(`  ledger scope: ${scope.scope} (${resets})`);
  }
  return lines;
}

function printIssued(
  output: Output,
  issued: IssuedKey,
  json: boolean | undefined,
  heading: string,
  note?: string,
) {
  if (json) {
    output.write(toJson({ ...keyToJson(issued.key), secret: issued.secret }));
    return;
  }
  output.write(
    [
      heading,
      ...(note === undefined ? [] : [note]),
      "",
      "Secret (shown once; it cannot be shown again, so store it now):",
      `  ${issued.secret}`,
    ].join("\n"),
  );
}

async function requireKey(registry: KeyRegistry, idOrName: string): Promise<VirtualKey> {
  const key = await registry.get(idOrName);
  if (key !== undefined) return key;
  throw keyNotFoundError(
    idOrName,
    (await registry.list()).map((live) => live.name),
  );
}

function addLimitOptions(command: Command, forUpdate: boolean): Command {
  command
    .option("--team <name>", "the team the key spends for (its budget applies too)")
    .option("--budget <usd>", "budget in dollars per period, such as 50", dollars)
    .option(
      "--period <period>",
      `when the budget resets: ${BUDGET_PERIODS.join(", ")} (default month)`,
      period,
    )
    .option("--tz <zone>", "IANA time zone the periods follow (default UTC)")
    .option("--models <names>", "models the key may call, comma-separated (default all)", list)
    .option("--rpm <n>", "requests per minute (default unlimited)", positiveInteger)
    .option(
      "--tpm <n>",
      "tokens per minute, prompt plus max output (default unlimited)",
      positiveInteger,
    );
  if (forUpdate) {
    command
      .option("--no-team", "take the key out of its team")
      .option("--no-budget", "remove the key's budget")
      .option("--no-models", "allow every model")
      .option("--no-rpm", "no request limit")
      .option("--no-tpm", "no token limit");
  }
  return addRegistryOptions(command).option("--json", "print JSON");
}

/** `tokenwise keys ...` and `tokenwise teams ...`. */
export function registerKeysCommand(
  program: Command,
  output: Output = processOutput,
  now: () => number = Date.now,
): void {
  const keys = program
    .command("keys")
    .description("virtual keys for the gateway: create, list, show, update, rotate, revoke");

  addLimitOptions(
    keys
      .command("create")
      .description("create a key and print its secret once")
      .requiredOption("--name <name>", "a name unique among live keys, such as ci-bot"),
    false,
  )
    .addHelpText(
      "after",
      `
Example:
  tokenwise keys create --name ci-bot --team data --budget 50 --period month \\
    --models gpt-4o-mini,claude-haiku-4-5 --rpm 600`,
    )
    .action(async (flags: LimitFlags & { name: string }) => {
      await withRegistry(flags, { write: true }, output, async (registry) => {
        // create has no --no-* flags, so no limit here is null; the registry checks the rest.
        const input = { name: flags.name, ...changesOf(flags, undefined) } as CreateKeyInput;
        const issued = await registry.create(input);
        const team =
          issued.key.team === undefined ? undefined : await registry.getTeam(issued.key.team);
        const details = keyLines(issued.key, team, now()).slice(1);
        printIssued(
          output,
          issued,
          flags.json,
          [`Created key ${issued.key.name}`, ...details].join("\n"),
        );
      });
    });

  keys
    .command("list")
    .description("list keys, newest first")
    .option("--all", "include revoked keys")
    .option("--data-dir <dir>", DATA_DIR_HELP)
    .option("--postgres <url>", POSTGRES_HELP)
    .option("--postgres-schema <name>", SCHEMA_HELP)
    .option("--redis <url>", REDIS_HELP)
    .option("--json", "print JSON")
    .action(async (flags: DataFlags & { all?: boolean }) => {
      await withRegistry(flags, { write: false }, output, async (registry) => {
        const found = await registry.list({ includeRevoked: flags.all === true });
        if (flags.json) {
          output.write(toJson(found.map(keyToJson)));
          return;
        }
        if (found.length === 0) {
          output.write("No keys. Create one with: tokenwise keys create --name <name>");
          return;
        }
        output.write(
          formatTable(found, [
            { header: "name", value: (key) => key.name },
            { header: "id", value: (key) => key.id },
            { header: "team", value: (key) => key.team ?? "" },
            {
              header: "budget",
              value: (key) => (key.budget === undefined ? "" : describeBudget(key.budget)),
            },
            { header: "models", value: (key) => key.models?.join(",") ?? "all" },
            {
              header: "rpm",
              value: (key) => (key.rpm === undefined ? "" : formatInteger(key.rpm)),
              align: "right",
            },
            {
              header: "tpm",
              value: (key) => (key.tpm === undefined ? "" : formatInteger(key.tpm)),
              align: "right",
            },
            { header: "secret", value: (key) => key.secretHint },
            {
              header: "created",
              value: (key) => new Date(key.createdAt).toISOString().slice(0, 10),
            },
            {
              header: "status",
              value: (key) => (key.revokedAt === undefined ? "live" : "revoked"),
            },
          ]),
        );
      });
    });

  keys
    .command("show")
    .description("show one key by id or name, with its current ledger scopes")
    .argument("<key>", "key id or name")
    .option("--data-dir <dir>", DATA_DIR_HELP)
    .option("--postgres <url>", POSTGRES_HELP)
    .option("--postgres-schema <name>", SCHEMA_HELP)
    .option("--redis <url>", REDIS_HELP)
    .option("--json", "print JSON")
    .action(async (idOrName: string, flags: DataFlags) => {
      await withRegistry(flags, { write: false }, output, async (registry) => {
        const key = await requireKey(registry, idOrName);
        if (flags.json) {
          output.write(toJson(keyToJson(key)));
          return;
        }
        const team = key.team === undefined ? undefined : await registry.getTeam(key.team);
        output.write(keyLines(key, team, now()).join("\n"));
      });
    });

  addLimitOptions(
    keys
      .command("update")
      .description("change a key's team, budget, models or rate limits (its secret stays)")
      .argument("<key>", "key id or name"),
    true,
  ).action(async (idOrName: string, flags: LimitFlags) => {
    await withRegistry(flags, { write: true }, output, async (registry) => {
      const current = await requireKey(registry, idOrName);
      const changes = changesOf(flags, current);
      if (Object.keys(changes).length === 0) {
        throw new TokenwiseError(
          "invalid_input",
          "Nothing to change: give --team, --budget, --period, --tz, --models, --rpm, --tpm or a --no-... flag",
        );
      }
      const updated = await registry.update(current.id, changes);
      if (flags.json) {
        output.write(toJson(keyToJson(updated)));
        return;
      }
      const team = updated.team === undefined ? undefined : await registry.getTeam(updated.team);
      output.write(
        [`Updated key ${updated.name}`, ...keyLines(updated, team, now()).slice(1)].join("\n"),
      );
    });
  });

  keys
    .command("rotate")
    .description("issue a new secret for the same key id; the old one works for --grace")
    .argument("<key>", "key id or name")
    .option(
      "--grace <duration>",
      "how long the old secret keeps working: 0, 30s, 15m, 1h, 7d",
      grace,
      0,
    )
    .option("--data-dir <dir>", DATA_DIR_HELP)
    .option("--postgres <url>", POSTGRES_HELP)
    .option("--postgres-schema <name>", SCHEMA_HELP)
    .option("--redis <url>", REDIS_HELP)
    .option("--json", "print JSON")
    .action(async (idOrName: string, flags: DataFlags & { grace: number }) => {
      await withRegistry(flags, { write: true }, output, async (registry) => {
        const issued = await registry.rotate(idOrName, { graceMs: flags.grace });
        const until = new Date(now() + flags.grace).toISOString();
        const note =
          flags.grace === 0
            ? "The old secret stopped working now."
            : `The old secret keeps working for ${formatDuration(flags.grace)}, until ${until}.`;
        printIssued(
          output,
          issued,
          flags.json,
          `Rotated key ${issued.key.name} (${issued.key.id})`,
          note,
        );
      });
    });

  keys
    .command("revoke")
    .description("revoke a key at once (its secrets in a grace period too)")
    .argument("<key>", "key id or name")
    .option("--data-dir <dir>", DATA_DIR_HELP)
    .option("--postgres <url>", POSTGRES_HELP)
    .option("--postgres-schema <name>", SCHEMA_HELP)
    .option("--redis <url>", REDIS_HELP)
    .option("--json", "print JSON")
    .action(async (idOrName: string, flags: DataFlags) => {
      await withRegistry(flags, { write: true }, output, async (registry) => {
        const revoked = await registry.revoke(idOrName);
        const key = await requireKey(registry, idOrName);
        if (flags.json) output.write(toJson({ revoked, key: keyToJson(key) }));
        else
          output.write(
            revoked
              ? `Revoked key ${key.name} (${key.id}).`
              : `Key ${key.name} (${key.id}) was already revoked.`,
          );
      });
    });

  const teams = program
    .command("teams")
    .description("teams and their budgets, shared by their keys");

  teams
    .command("set")
    .description("create a team or replace its budget")
    .argument("<name>", "team name, such as data")
    .option("--budget <usd>", "budget in dollars per period, such as 500 (default none)", dollars)
    .option(
      "--period <period>",
      `when the budget resets: ${BUDGET_PERIODS.join(", ")} (default month)`,
      period,
    )
    .option("--tz <zone>", "IANA time zone the periods follow (default UTC)")
    .option("--data-dir <dir>", DATA_DIR_HELP)
    .option("--postgres <url>", POSTGRES_HELP)
    .option("--postgres-schema <name>", SCHEMA_HELP)
    .option("--redis <url>", REDIS_HELP)
    .option("--json", "print JSON")
    .action(async (name: string, flags: BudgetFlags & DataFlags) => {
      await withRegistry(flags, { write: true }, output, async (registry) => {
        const budget = budgetOf(flags, undefined);
        const team = await registry.setTeam(budget ? { name, budget } : { name });
        if (flags.json) output.write(toJson(teamToJson(team)));
        else output.write(`Team ${team.name}: budget ${describeBudget(team.budget)}`);
      });
    });

  teams
    .command("list")
    .description("list teams and their budgets")
    .option("--data-dir <dir>", DATA_DIR_HELP)
    .option("--postgres <url>", POSTGRES_HELP)
    .option("--postgres-schema <name>", SCHEMA_HELP)
    .option("--redis <url>", REDIS_HELP)
    .option("--json", "print JSON")
    .action(async (flags: DataFlags) => {
      await withRegistry(flags, { write: false }, output, async (registry) => {
        const found = await registry.listTeams();
        const members = await registry.list();
        if (flags.json) {
          output.write(toJson(found.map(teamToJson)));
          return;
        }
        if (found.length === 0) {
          output.write("No teams. Create one with: tokenwise teams set <name> --budget 500");
          return;
        }
        output.write(
          formatTable(found, [
            { header: "team", value: (team) => team.name },
            { header: "budget", value: (team) => describeBudget(team.budget) },
            {
              header: "live keys",
              value: (team) =>
                formatInteger(members.filter((key) => key.team === team.name).length),
              align: "right",
            },
          ]),
        );
      });
    });

  teams
    .command("show")
    .description("show one team")
    .argument("<name>", "team name")
    .option("--data-dir <dir>", DATA_DIR_HELP)
    .option("--postgres <url>", POSTGRES_HELP)
    .option("--postgres-schema <name>", SCHEMA_HELP)
    .option("--redis <url>", REDIS_HELP)
    .option("--json", "print JSON")
    .action(async (name: string, flags: DataFlags) => {
      await withRegistry(flags, { write: false }, output, async (registry) => {
        const team = await registry.getTeam(name);
        if (team === undefined)
          throw teamNotFoundError(
            name,
            (await registry.listTeams()).map((known) => known.name),
          );
        if (flags.json) output.write(toJson(teamToJson(team)));
        else output.write(`Team ${team.name}: budget ${describeBudget(team.budget)}`);
      });
    });
}
