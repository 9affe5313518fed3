/**
 * The key registry in SQLite: keys, their secrets' hashes and teams in three tables of one
 * file (the data dir's tokenwise.db by default), shared by the gateway and `tokenwise keys`,
 * so a key created or revoked from the command line takes effect on the next request.
 *
 * Lookups are remembered in process, keyed by the registry's version: triggers bump one
 * counter on every change to the three tables, whoever makes it (the command line, the admin
 * API, another process, an older tokenwise), and a lookup reads that counter (one row) before
 * trusting what it remembers. So a busy gateway reads one small row per request instead of
 * joining keys and secrets, and a change still takes effect on the next request.
 *
 * The SQL is plain (no SQLite-only functions in queries) so a PostgreSQL engine can follow it.
 */
import { randomBytes } from "node:crypto";
// Internal: createEngineLifecycle stays out of the public index of adapters/stores.
import { createEngineLifecycle } from "../../../adapters/stores/engine-lifecycle.js";
// Internal: createSqliteTables stays out of the public index of adapters/stores.
import {
  createSqliteTables,
  openSqliteConnection,
  type SqliteConnectionOptions,
} from "../../../adapters/stores/sqlite-database.js";
import { invalidInput, TokenwiseError } from "../../../core/errors/index.js";
import { keyNotFoundError, revokedKeyError, teamNotFoundError } from "./key-errors.js";
import {
  KEY_ID_PREFIX,
  normalizeCreateKeyInput,
  normalizeKeyChanges,
  normalizeTeam,
} from "./key-input.js";
import { generateSecret, hashesEqual, hashSecret, secretHint } from "./secret.js";
import type {
  BudgetPeriod,
  BudgetSpec,
  IssuedKey,
  KeyRegistry,
  SecretStatus,
  Team,
  VirtualKey,
} from "./types.js";

export interface SqliteKeyRegistryOptions extends SqliteConnectionOptions {
  /** Clock in epoch milliseconds (default `Date.now`); inject one to test grace periods. */
  now?: () => number;
}

interface KeyRow {
  id: string;
  name: string;
  team: string | null;
  models: string | null;
  budget_limit: string | null;
  budget_period: string | null;
  budget_time_zone: string | null;
  rpm: number | null;
  tpm: number | null;
  secret_hint: string;
  created_at: number;
  revoked_at: number | null;
}

interface TeamRow {
  name: string;
  budget_limit: string | null;
  budget_period: string | null;
  budget_time_zone: string | null;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS tokenwise_keys (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    team TEXT,
    models TEXT,
    budget_limit TEXT,
    budget_period TEXT,
    budget_time_zone TEXT,
    rpm INTEGER,
    tpm INTEGER,
    secret_hint TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
  );
  CREATE UNIQUE INDEX IF NOT EXISTS tokenwise_keys_live_name ON tokenwise_keys (name)
    WHERE revoked_at IS NULL;
  CREATE INDEX IF NOT EXISTS tokenwise_keys_name ON tokenwise_keys (name, created_at);
  CREATE TABLE IF NOT EXISTS tokenwise_key_secrets (
    hash TEXT PRIMARY KEY NOT NULL,
    key_id TEXT NOT NULL,
    expires_at INTEGER
  );
  CREATE INDEX IF NOT EXISTS tokenwise_key_secrets_key_id ON tokenwise_key_secrets (key_id);
  CREATE TABLE IF NOT EXISTS tokenwise_teams (
    name TEXT PRIMARY KEY NOT NULL,
    budget_limit TEXT,
    budget_period TEXT,
    budget_time_zone TEXT
  );
  CREATE TABLE IF NOT EXISTS tokenwise_keys_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
  );
  INSERT OR IGNORE INTO tokenwise_keys_version (id, version) VALUES (1, 0);
  ${["tokenwise_keys", "tokenwise_key_secrets", "tokenwise_teams"]
    .flatMap((table) =>
      ["INSERT", "UPDATE", "DELETE"].map(
        (change) => `
  CREATE TRIGGER IF NOT EXISTS ${table}_${change.toLowerCase()}_version AFTER ${change} ON ${table}
  BEGIN
    UPDATE tokenwise_keys_version SET version = version + 1 WHERE id = 1;
  END;`,
      ),
    )
    .join("")}
`;

/** Changes made through any registry of this process (each makes every registry re-read). */
let localWrites = 0;

/** How many secrets and teams the in-process memory holds before it starts over. */
const REMEMBERED_LOOKUPS = 10_000;

/** How long a secret that stopped working is remembered, to explain a refusal. */
const FORGET_SECRETS_AFTER_MS = 30 * 86_400_000;

const KEY_COLUMNS =
  "k.id, k.name, k.team, k.models, k.budget_limit, k.budget_period, k.budget_time_zone, k.rpm, k.tpm, k.secret_hint, k.created_at, k.revoked_at";

/**
 * Opens (creating if needed) the key registry in a SQLite file.
 *
 * @example
 * ```ts
 * const registry = createSqliteKeyRegistry({ path: ".tokenwise/tokenwise.db" });
 * const { key, secret } = await registry.create({ name: "ci-bot", rpm: 600 });
 * (await registry.authenticate(secret))?.id === key.id; // true
 * await registry.close();
 * ```
 */
export function createSqliteKeyRegistry(options: SqliteKeyRegistryOptions): KeyRegistry {
  const now = options.now ?? Date.now;
  const connection = openSqliteConnection(options);
  const { database, owned } = connection;
  createSqliteTables({ connection, schema: SCHEMA, tables: "SQLite key registry tables" });

  const selectById = database.prepare<[string], KeyRow>(
    `SELECT ${KEY_COLUMNS} FROM tokenwise_keys k WHERE k.id = ?`,
  );
  // The live key with the name, else the most recently revoked one.
  const selectByName = database.prepare<[string], KeyRow>(
    `SELECT ${KEY_COLUMNS} FROM tokenwise_keys k WHERE k.name = ?
     ORDER BY CASE WHEN k.revoked_at IS NULL THEN 0 ELSE 1 END, k.created_at DESC LIMIT 1`,
  );
  const selectLiveNames = database.prepare<[], { name: string }>(
    "SELECT name FROM tokenwise_keys WHERE revoked_at IS NULL",
  );
  const selectLiveByName = database.prepare<[string], { id: string }>(
    "SELECT id FROM tokenwise_keys WHERE name = ? AND revoked_at IS NULL",
  );
  const selectAll = database.prepare<[number], KeyRow>(
    `SELECT ${KEY_COLUMNS} FROM tokenwise_keys k WHERE ? = 1 OR k.revoked_at IS NULL
     ORDER BY k.created_at DESC, k.id DESC`,
  );
  const insertKey = database.prepare<KeyRow>(
    `INSERT INTO tokenwise_keys (id, name, team, models, budget_limit, budget_period,
       budget_time_zone, rpm, tpm, secret_hint, created_at, revoked_at)
     VALUES (@id, @name, @team, @models, @budget_limit, @budget_period, @budget_time_zone,
       @rpm, @tpm, @secret_hint, @created_at, @revoked_at)`,
  );
  const updateLimits = database.prepare<KeyRow>(
    `UPDATE tokenwise_keys SET team = @team, models = @models, budget_limit = @budget_limit,
       budget_period = @budget_period, budget_time_zone = @budget_time_zone, rpm = @rpm,
       tpm = @tpm WHERE id = @id`,
  );
  const updateHint = database.prepare<[string, string]>(
    "UPDATE tokenwise_keys SET secret_hint = ? WHERE id = ?",
  );
  const markRevoked = database.prepare<[number, string]>(
    "UPDATE tokenwise_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
  );
  const insertSecret = database.prepare<[string, string, number | null]>(
    "INSERT INTO tokenwise_key_secrets (hash, key_id, expires_at) VALUES (?, ?, ?)",
  );
  // Secrets that stopped working are kept a while, so a caller can be told why.
  const deleteForgottenSecrets = database.prepare<[string, number]>(
    "DELETE FROM tokenwise_key_secrets WHERE key_id = ? AND expires_at IS NOT NULL AND expires_at <= ?",
  );
  // A secret already in its grace period keeps its own end if that comes sooner.
  const capSecrets = database.prepare<{ keyId: string; until: number }>(
    `UPDATE tokenwise_key_secrets SET expires_at = @until
     WHERE key_id = @keyId AND (expires_at IS NULL OR expires_at > @until)`,
  );
  const explainSecret = database.prepare<
    [string],
    KeyRow & { hash: string; expires_at: number | null }
  >(
    `SELECT ${KEY_COLUMNS}, s.hash, s.expires_at FROM tokenwise_key_secrets s
     JOIN tokenwise_keys k ON k.id = s.key_id WHERE s.hash = ?`,
  );
  const selectBySecret = database.prepare<
    [string, number],
    KeyRow & { hash: string; expires_at: number | null }
  >(
    `SELECT ${KEY_COLUMNS}, s.hash, s.expires_at FROM tokenwise_key_secrets s
     JOIN tokenwise_keys k ON k.id = s.key_id
     WHERE s.hash = ? AND k.revoked_at IS NULL AND (s.expires_at IS NULL OR s.expires_at > ?)`,
  );
  const upsertTeam = database.prepare<TeamRow>(
    `INSERT INTO tokenwise_teams (name, budget_limit, budget_period, budget_time_zone)
     VALUES (@name, @budget_limit, @budget_period, @budget_time_zone)
     ON CONFLICT (name) DO UPDATE SET budget_limit = excluded.budget_limit,
       budget_period = excluded.budget_period, budget_time_zone = excluded.budget_time_zone`,
  );
  const selectTeam = database.prepare<[string], TeamRow>(
    "SELECT name, budget_limit, budget_period, budget_time_zone FROM tokenwise_teams WHERE name = ?",
  );
  const selectTeams = database.prepare<[], TeamRow>(
    "SELECT name, budget_limit, budget_period, budget_time_zone FROM tokenwise_teams ORDER BY name",
  );

  const selectVersion = database
    .prepare<[], number>("SELECT version FROM tokenwise_keys_version WHERE id = 1")
    .pluck();

  const lifecycle = createEngineLifecycle("SQLite key registry");
  const { run } = lifecycle;

  // What lookups found at `rememberedVersion`: a secret's hash -> its key and when the secret
  // stops working, a team's name -> the team. Forgotten whenever the version moves.
  let rememberedVersion: number | undefined;
  const secrets = new Map<string, { key: VirtualKey; expiresAt: number | null }>();
  const teams = new Map<string, Team | undefined>();
  // The version is read at most once per turn of the event loop: another process's change is
  // seen from the next turn on (it could not have arrived sooner), a change made through any
  // registry of this process at once.
  let checkedAt: number | undefined;
  let checkedThisTurn = false;
  const currentMemory = () => {
    if (checkedThisTurn && checkedAt === localWrites) return;
    if (!checkedThisTurn) {
      checkedThisTurn = true;
      setImmediate(() => {
        checkedThisTurn = false;
      });
    }
    checkedAt = localWrites;
    const version = selectVersion.get();
    if (version !== rememberedVersion || secrets.size + teams.size >= REMEMBERED_LOOKUPS) {
      secrets.clear();
      teams.clear();
      rememberedVersion = version;
    }
  };

  const findRow = (idOrName: string): KeyRow | undefined =>
    idOrName.startsWith(KEY_ID_PREFIX) ? selectById.get(idOrName) : selectByName.get(idOrName);

  const requireRow = (idOrName: unknown): KeyRow => {
    if (typeof idOrName !== "string" || idOrName.trim() === "") {
      throw invalidInput("key", 'must be a key id ("key_...") or name such as "ci-bot"');
    }
    const row = findRow(idOrName.trim());
    if (row !== undefined) return row;
    throw keyNotFoundError(
      idOrName.trim(),
      selectLiveNames.all().map((named) => named.name),
    );
  };

  const requireTeam = (name: string | null | undefined) => {
    if (typeof name !== "string" || selectTeam.get(name) !== undefined) return;
    throw teamNotFoundError(
      name,
      selectTeams.all().map((team) => team.name),
    );
  };

  const create = database.transaction((input: unknown): IssuedKey => {
    const normalized = normalizeCreateKeyInput(input);
    requireTeam(normalized.team);
    if (selectLiveByName.get(normalized.name) !== undefined) {
      throw invalidInput(
        "name",
        `"${normalized.name}" is taken by a live key; pick another name, or revoke or rotate that key`,
      );
    }
    const secret = generateSecret();
    const key: VirtualKey = {
      id: `${KEY_ID_PREFIX}${randomBytes(8).toString("hex")}`,
      ...normalized,
      secretHint: secretHint(secret),
      createdAt: now(),
    };
    insertKey.run(keyToRow(key));
    insertSecret.run(hashSecret(secret), key.id, null);
    return { key, secret };
  });

  const update = database.transaction((idOrName: string, changes: unknown): VirtualKey => {
    const normalized = normalizeKeyChanges(changes);
    const current = rowToKey(requireRow(idOrName));
    if (current.revokedAt !== undefined) throw revokedKeyError(current.name, "be updated");
    requireTeam(normalized.team);
    const next: VirtualKey = { ...current };
    for (const field of ["team", "models", "budget", "rpm", "tpm"] as const) {
      const value = normalized[field];
      if (value === null) delete next[field];
      else if (value !== undefined) Object.assign(next, { [field]: value });
    }
    updateLimits.run(keyToRow(next));
    return next;
  });

  const revoke = database.transaction((idOrName: string): boolean => {
    const row = requireRow(idOrName);
    const at = now();
    capSecrets.run({ keyId: row.id, until: at });
    return markRevoked.run(at, row.id).changes > 0;
  });

  const rotate = database.transaction((idOrName: string, graceMs: number): IssuedKey => {
    const current = rowToKey(requireRow(idOrName));
    if (current.revokedAt !== undefined) throw revokedKeyError(current.name, "be rotated");
    const at = now();
    capSecrets.run({ keyId: current.id, until: at + graceMs });
    deleteForgottenSecrets.run(current.id, at - FORGET_SECRETS_AFTER_MS);
    const secret = generateSecret();
    insertSecret.run(hashSecret(secret), current.id, null);
    updateHint.run(secretHint(secret), current.id);
    return { key: { ...current, secretHint: secretHint(secret) }, secret };
  });

  /** Runs a change; every registry of this process reads the version again after it. */
  const change = <T>(operation: string, work: () => T): T =>
    run(operation, () => {
      try {
        return work();
      } finally {
        localWrites += 1;
      }
    });

  return {
    async create(input) {
      return change("create", () => translateUniqueName(() => create(input)));
    },
    async list(listOptions = {}) {
      return run("list", () =>
        selectAll.all(listOptions.includeRevoked === true ? 1 : 0).map(rowToKey),
      );
    },
    async get(idOrName) {
      if (typeof idOrName !== "string") return undefined;
      return run("get", () => {
        const row = findRow(idOrName.trim());
        return row === undefined ? undefined : rowToKey(row);
      });
    },
    async update(idOrName, changes) {
      return change("update", () => update(idOrName, changes));
    },
    async revoke(idOrName) {
      return change("revoke", () => revoke(idOrName));
    },
    async rotate(idOrName, rotateOptions) {
      const graceMs = rotateOptions?.graceMs;
      if (typeof graceMs !== "number" || !Number.isSafeInteger(graceMs) || graceMs < 0) {
        throw invalidInput(
          "graceMs",
          `must be a whole number of milliseconds of 0 or more (0: the old secret stops at once), got ${String(graceMs)}`,
        );
      }
      return change("rotate", () => rotate(idOrName, graceMs));
    },
    async authenticate(secret) {
      if (typeof secret !== "string" || secret === "") return undefined;
      const hash = hashSecret(secret);
      return run("authenticate", () => {
        currentMemory();
        const at = now();
        const remembered = secrets.get(hash);
        if (
          remembered !== undefined &&
          (remembered.expiresAt === null || remembered.expiresAt > at)
        ) {
          return copyKey(remembered.key);
        }
        const row = selectBySecret.get(hash, at);
        if (row === undefined || !hashesEqual(row.hash, hash)) return undefined;
        const key = rowToKey(row);
        secrets.set(hash, { key, expiresAt: row.expires_at });
        return copyKey(key);
      });
    },
    async explain(secret) {
      if (typeof secret !== "string" || secret === "") return { state: "unknown" };
      const hash = hashSecret(secret);
      return run("explain", (): SecretStatus => {
        const row = explainSecret.get(hash);
        if (row === undefined || !hashesEqual(row.hash, hash)) return { state: "unknown" };
        const key = rowToKey(row);
        if (key.revokedAt !== undefined) {
          return { state: "revoked", keyId: key.id, name: key.name, revokedAt: key.revokedAt };
        }
        if (row.expires_at !== null && row.expires_at <= now()) {
          return { state: "expired", keyId: key.id, name: key.name, expiredAt: row.expires_at };
        }
        return { state: "live", key };
      });
    },
    async setTeam(team) {
      const normalized = normalizeTeam(team);
      return change("setTeam", () => {
        upsertTeam.run(teamToRow(normalized));
        return normalized;
      });
    },
    async getTeam(name) {
      if (typeof name !== "string") return undefined;
      return run("getTeam", () => {
        currentMemory();
        if (!teams.has(name)) {
          const row = selectTeam.get(name);
          teams.set(name, row === undefined ? undefined : rowToTeam(row));
        }
        const team = teams.get(name);
        return team === undefined ? undefined : copyTeam(team);
      });
    },
    async listTeams() {
      return run("listTeams", () => selectTeams.all().map(rowToTeam));
    },
    async close() {
      if (lifecycle.close() && owned) database.close();
    },
  };
}

/** Two creates racing for one name: the unique index decides, with the same clear error. */
function translateUniqueName<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code !== "SQLITE_CONSTRAINT_UNIQUE") throw error;
    throw new TokenwiseError(
      "invalid_input",
      "name is taken by a live key; pick another name, or revoke or rotate that key",
      { details: { field: "name" }, cause: error },
    );
  }
}

function budgetColumns(budget: BudgetSpec | undefined) {
  return {
    budget_limit: budget === undefined ? null : budget.limit.toString(),
    budget_period: budget?.period ?? null,
    budget_time_zone: budget?.timeZone ?? null,
  };
}

function budgetFromColumns(row: {
  budget_limit: string | null;
  budget_period: string | null;
  budget_time_zone: string | null;
}): BudgetSpec | undefined {
  if (row.budget_limit === null || row.budget_period === null) return undefined;
  return {
    limit: BigInt(row.budget_limit),
    period: row.budget_period as BudgetPeriod,
    timeZone: row.budget_time_zone ?? "UTC",
  };
}

function keyToRow(key: VirtualKey): KeyRow {
  return {
    id: key.id,
    name: key.name,
    team: key.team ?? null,
    models: key.models === undefined ? null : JSON.stringify(key.models),
    ...budgetColumns(key.budget),
    rpm: key.rpm ?? null,
    tpm: key.tpm ?? null,
    secret_hint: key.secretHint,
    created_at: key.createdAt,
    revoked_at: key.revokedAt ?? null,
  };
}

function rowToKey(row: KeyRow): VirtualKey {
  const key: VirtualKey = {
    id: row.id,
    name: row.name,
    secretHint: row.secret_hint,
    createdAt: row.created_at,
  };
  if (row.team !== null) key.team = row.team;
  if (row.models !== null) key.models = JSON.parse(row.models) as string[];
  const budget = budgetFromColumns(row);
  if (budget !== undefined) key.budget = budget;
  if (row.rpm !== null) key.rpm = row.rpm;
  if (row.tpm !== null) key.tpm = row.tpm;
  if (row.revoked_at !== null) key.revokedAt = row.revoked_at;
  return key;
}

/** A copy a caller may change without changing what the registry remembers. */
function copyKey(key: VirtualKey): VirtualKey {
  const copy: VirtualKey = { ...key };
  if (key.models !== undefined) copy.models = [...key.models];
  if (key.budget !== undefined) copy.budget = { ...key.budget };
  return copy;
}

function copyTeam(team: Team): Team {
  return team.budget === undefined ? { ...team } : { ...team, budget: { ...team.budget } };
}

function teamToRow(team: Team): TeamRow {
  return { name: team.name, ...budgetColumns(team.budget) };
}

function rowToTeam(row: TeamRow): Team {
  const budget = budgetFromColumns(row);
  return budget === undefined ? { name: row.name } : { name: row.name, budget };
}
