/**
 * The key registry in PostgreSQL, shared by every gateway replica and by
 * `tokenwise keys --postgres`: keys, their secrets' SHA-256 hashes and teams in three tables the
 * shipped migrations create (0005_key_registry). It behaves exactly like the SQLite engine.
 *
 * Concurrency: a write runs in one transaction that locks the key's row first (`FOR UPDATE`),
 * so two replicas rotating, updating or revoking one key at once act one after the other (two
 * racing rotations leave exactly one current secret, never two); two creates racing for one
 * name are decided by the unique index on live names. Times come from the database server's
 * clock, so replicas with drifting clocks agree on when a rotated secret's grace ends.
 */
import { randomBytes } from "node:crypto";
// Internal: createEngineLifecycle stays out of the public index of adapters/stores.
import { createEngineLifecycle } from "../../../adapters/stores/engine-lifecycle.js";
import {
  openPostgresConnection,
  type PostgresConnectionOptions,
  type PostgresQueryable,
  withPostgresTransaction,
} from "../../../adapters/stores/index.js";
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

export interface PostgresKeyRegistryOptions extends PostgresConnectionOptions {
  /**
   * Clock in epoch milliseconds. By default every time (creation, revocation, the end of a
   * rotation's grace) comes from the database server's clock, which all replicas share; inject
   * one only to test grace periods.
   */
  now?: () => number;
}

interface BudgetColumns {
  budget_limit: string | null;
  budget_period: string | null;
  budget_time_zone: string | null;
}

interface KeyRow extends BudgetColumns {
  id: string;
  name: string;
  team: string | null;
  /** Parsed by the driver from the json column. */
  models: unknown;
  rpm: string | null;
  tpm: string | null;
  secret_hint: string;
  created_at: string;
  revoked_at: string | null;
}

interface TeamRow extends BudgetColumns {
  name: string;
}

/** How long a secret that stopped working is remembered, to explain a refusal. */
const FORGET_SECRETS_AFTER_MS = 30 * 86_400_000;

/** The unique index that keeps names unique among live keys (migration 0005). */
const LIVE_NAME_INDEX = "tokenwise_keys_live_name";

const KEY_COLUMNS =
  "k.id, k.name, k.team, k.models, k.budget_limit::text AS budget_limit, k.budget_period, " +
  "k.budget_time_zone, k.rpm, k.tpm, k.secret_hint, k.created_at, k.revoked_at";
const TEAM_COLUMNS = "name, budget_limit::text AS budget_limit, budget_period, budget_time_zone";

/**
 * Opens the key registry in a PostgreSQL schema (default "tokenwise"); its tables come from the
 * shipped migrations, applied before the first operation unless `migrate: false`.
 *
 * @example
 * ```ts
 * const registry = createPostgresKeyRegistry({ url: "postgres://127.0.0.1/app" });
 * const { key, secret } = await registry.create({ name: "ci-bot", rpm: 600 });
 * (await registry.authenticate(secret))?.id === key.id; // true
 * await registry.close();
 * ```
 */
export function createPostgresKeyRegistry(options: PostgresKeyRegistryOptions): KeyRegistry {
  const injectedNow = options.now;
  const { pool, owned, schema, ready } = openPostgresConnection(options);
  const keys = `${schema}.tokenwise_keys`;
  const secrets = `${schema}.tokenwise_key_secrets`;
  const teams = `${schema}.tokenwise_teams`;
  // The injected clock when there is one, else the server's (a function the migrations install).
  const nowSql = (parameter: number) =>
    `coalesce($${parameter}::bigint, ${schema}.tokenwise_clock_ms())`;
  const nowParameter = () => injectedNow?.() ?? null;
  const lifecycle = createEngineLifecycle("PostgreSQL key registry");
  const run = <T>(operation: string, work: () => Promise<T>) =>
    lifecycle.runAsync(operation, async () => {
      await ready();
      return work();
    });

  /** One reading of the clock, for a write that stamps several rows with the same time. */
  const readNow = async (db: PostgresQueryable): Promise<number> => {
    if (injectedNow !== undefined) return injectedNow();
    const { rows } = await db.query<{ now: string }>(
      `SELECT ${schema}.tokenwise_clock_ms() AS now`,
    );
    return Number((rows[0] as { now: string }).now);
  };

  const liveNames = async (db: PostgresQueryable) => {
    const { rows } = await db.query<{ name: string }>(
      `SELECT name FROM ${keys} WHERE revoked_at IS NULL`,
    );
    return rows.map((row) => row.name);
  };

  /** By id, or by name: the live key with the name, else the most recently revoked one. */
  const findRow = async (
    db: PostgresQueryable,
    idOrName: string,
    lock: boolean,
  ): Promise<KeyRow | undefined> => {
    // Ids and names never hold NUL, which PostgreSQL text cannot carry: nothing can match.
    if (idOrName.includes("\u0000")) return undefined;
    const forUpdate = lock ? " FOR UPDATE" : "";
    const { rows } = idOrName.startsWith(KEY_ID_PREFIX)
      ? await db.query<KeyRow>(`SELECT ${KEY_COLUMNS} FROM ${keys} k WHERE k.id = $1${forUpdate}`, [
          idOrName,
        ])
      : await db.query<KeyRow>(
          `SELECT ${KEY_COLUMNS} FROM ${keys} k WHERE k.name = $1
           ORDER BY (k.revoked_at IS NOT NULL), k.created_at DESC LIMIT 1${forUpdate}`,
          [idOrName],
        );
    return rows[0];
  };

  /** The key's row, locked until the transaction ends, or `not_found` with the nearest names. */
  const requireRow = async (db: PostgresQueryable, idOrName: unknown): Promise<KeyRow> => {
    if (typeof idOrName !== "string" || idOrName.trim() === "") {
      throw invalidInput("key", 'must be a key id ("key_...") or name such as "ci-bot"');
    }
    const row = await findRow(db, idOrName.trim(), true);
    if (row !== undefined) return row;
    throw keyNotFoundError(idOrName.trim(), await liveNames(db));
  };

  const selectTeam = async (db: PostgresQueryable, name: string) => {
    if (name.includes("\u0000")) return undefined;
    const { rows } = await db.query<TeamRow>(
      `SELECT ${TEAM_COLUMNS} FROM ${teams} WHERE name = $1`,
      [name],
    );
    return rows[0];
  };

  const selectTeams = async (db: PostgresQueryable) =>
    (await db.query<TeamRow>(`SELECT ${TEAM_COLUMNS} FROM ${teams} ORDER BY name`)).rows;

  // Teams are never deleted, so one that exists now still exists when the key row is written.
  const requireTeam = async (db: PostgresQueryable, name: string | null | undefined) => {
    if (typeof name !== "string" || (await selectTeam(db, name)) !== undefined) return;
    throw teamNotFoundError(
      name,
      (await selectTeams(db)).map((team) => team.name),
    );
  };

  /** A secret already in its grace period keeps its own end if that comes sooner. */
  const capSecrets = (db: PostgresQueryable, keyId: string, until: number) =>
    db.query(
      `UPDATE ${secrets} SET expires_at = $2
       WHERE key_id = $1 AND (expires_at IS NULL OR expires_at > $2)`,
      [keyId, until],
    );

  const insertSecret = (db: PostgresQueryable, secret: string, keyId: string) =>
    db.query(`INSERT INTO ${secrets} (hash, key_id, expires_at) VALUES ($1, $2, NULL)`, [
      hashSecret(secret),
      keyId,
    ]);

  const create = async (input: unknown): Promise<IssuedKey> => {
    const normalized = normalizeCreateKeyInput(input);
    try {
      return await withPostgresTransaction(pool, async (client) => {
        await requireTeam(client, normalized.team);
        const secret = generateSecret();
        const draft = {
          id: `${KEY_ID_PREFIX}${randomBytes(8).toString("hex")}`,
          ...normalized,
          secretHint: secretHint(secret),
        };
        const limits = limitColumns(draft);
        const { rows } = await client.query<{ created_at: string }>(
          `INSERT INTO ${keys} (id, name, team, models, budget_limit, budget_period,
             budget_time_zone, rpm, tpm, secret_hint, created_at, revoked_at)
           VALUES ($1, $2, $3, $4::json, $5::numeric, $6, $7, $8, $9, $10, ${nowSql(11)}, NULL)
           RETURNING created_at`,
          [draft.id, draft.name, ...limits, draft.secretHint, nowParameter()],
        );
        await insertSecret(client, secret, draft.id);
        const key: VirtualKey = {
          ...draft,
          createdAt: Number((rows[0] as { created_at: string }).created_at),
        };
        return { key, secret };
      });
    } catch (error) {
      throw takenNameError(error, normalized.name);
    }
  };

  const update = async (idOrName: string, changes: unknown): Promise<VirtualKey> => {
    const normalized = normalizeKeyChanges(changes);
    return withPostgresTransaction(pool, async (client) => {
      const current = rowToKey(await requireRow(client, idOrName));
      if (current.revokedAt !== undefined) throw revokedKeyError(current.name, "be updated");
      await requireTeam(client, normalized.team);
      const next: VirtualKey = { ...current };
      for (const field of ["team", "models", "budget", "rpm", "tpm"] as const) {
        const value = normalized[field];
        if (value === null) delete next[field];
        else if (value !== undefined) Object.assign(next, { [field]: value });
      }
      await client.query(
        `UPDATE ${keys} SET team = $2, models = $3::json, budget_limit = $4::numeric,
           budget_period = $5, budget_time_zone = $6, rpm = $7, tpm = $8 WHERE id = $1`,
        [next.id, ...limitColumns(next)],
      );
      return next;
    });
  };

  const revoke = (idOrName: string): Promise<boolean> =>
    withPostgresTransaction(pool, async (client) => {
      const row = await requireRow(client, idOrName);
      const at = await readNow(client);
      await capSecrets(client, row.id, at);
      const marked = await client.query(
        `UPDATE ${keys} SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL`,
        [row.id, at],
      );
      return (marked.rowCount ?? 0) > 0;
    });

  const rotate = (idOrName: string, graceMs: number): Promise<IssuedKey> =>
    withPostgresTransaction(pool, async (client) => {
      const current = rowToKey(await requireRow(client, idOrName));
      if (current.revokedAt !== undefined) throw revokedKeyError(current.name, "be rotated");
      const at = await readNow(client);
      await capSecrets(client, current.id, at + graceMs);
      // Secrets that stopped working are kept a while, so a caller can be told why.
      await client.query(
        `DELETE FROM ${secrets}
         WHERE key_id = $1 AND expires_at IS NOT NULL AND expires_at <= $2`,
        [current.id, at - FORGET_SECRETS_AFTER_MS],
      );
      const secret = generateSecret();
      await insertSecret(client, secret, current.id);
      await client.query(`UPDATE ${keys} SET secret_hint = $2 WHERE id = $1`, [
        current.id,
        secretHint(secret),
      ]);
      return { key: { ...current, secretHint: secretHint(secret) }, secret };
    });

  return {
    async create(input) {
      return run("create", () => create(input));
    },
    async list(listOptions = {}) {
      return run("list", async () => {
        const { rows } = await pool.query<KeyRow>(
          `SELECT ${KEY_COLUMNS} FROM ${keys} k WHERE $1::boolean OR k.revoked_at IS NULL
           ORDER BY k.created_at DESC, k.id DESC`,
          [listOptions.includeRevoked === true],
        );
        return rows.map(rowToKey);
      });
    },
    async get(idOrName) {
      if (typeof idOrName !== "string") return undefined;
      return run("get", async () => {
        const row = await findRow(pool, idOrName.trim(), false);
        return row === undefined ? undefined : rowToKey(row);
      });
    },
    async update(idOrName, changes) {
      return run("update", () => update(idOrName, changes));
    },
    async revoke(idOrName) {
      return run("revoke", () => revoke(idOrName));
    },
    async rotate(idOrName, rotateOptions) {
      const graceMs = rotateOptions?.graceMs;
      if (typeof graceMs !== "number" || !Number.isSafeInteger(graceMs) || graceMs < 0) {
        throw invalidInput(
          "graceMs",
          `must be a whole number of milliseconds of 0 or more (0: the old secret stops at once), got ${String(graceMs)}`,
        );
      }
      return run("rotate", () => rotate(idOrName, graceMs));
    },
    async authenticate(secret) {
      if (typeof secret !== "string" || secret === "") return undefined;
      const hash = hashSecret(secret);
      return run("authenticate", async () => {
        const { rows } = await pool.query<KeyRow & { hash: string }>(
          `SELECT ${KEY_COLUMNS}, s.hash FROM ${secrets} s
           JOIN ${keys} k ON k.id = s.key_id
           WHERE s.hash = $1 AND k.revoked_at IS NULL
             AND (s.expires_at IS NULL OR s.expires_at > ${nowSql(2)})`,
          [hash, nowParameter()],
        );
        const row = rows[0];
        return row !== undefined && hashesEqual(row.hash, hash) ? rowToKey(row) : undefined;
      });
    },
    async explain(secret) {
      if (typeof secret !== "string" || secret === "") return { state: "unknown" };
      const hash = hashSecret(secret);
      return run("explain", async (): Promise<SecretStatus> => {
        const { rows } = await pool.query<
          KeyRow & { hash: string; expires_at: string | null; now: string }
        >(
          `SELECT ${KEY_COLUMNS}, s.hash, s.expires_at, ${nowSql(2)} AS now
           FROM ${secrets} s JOIN ${keys} k ON k.id = s.key_id WHERE s.hash = $1`,
          [hash, nowParameter()],
        );
        const row = rows[0];
        if (row === undefined || !hashesEqual(row.hash, hash)) return { state: "unknown" };
        const key = rowToKey(row);
        if (key.revokedAt !== undefined) {
          return { state: "revoked", keyId: key.id, name: key.name, revokedAt: key.revokedAt };
        }
        const expiredAt = row.expires_at === null ? undefined : Number(row.expires_at);
        if (expiredAt !== undefined && expiredAt <= Number(row.now)) {
          return { state: "expired", keyId: key.id, name: key.name, expiredAt };
        }
        return { state: "live", key };
      });
    },
    async setTeam(team) {
      const normalized = normalizeTeam(team);
      return run("setTeam", async () => {
        await pool.query(
          `INSERT INTO ${teams} (name, budget_limit, budget_period, budget_time_zone)
           VALUES ($1, $2::numeric, $3, $4)
           ON CONFLICT (name) DO UPDATE SET budget_limit = excluded.budget_limit,
             budget_period = excluded.budget_period, budget_time_zone = excluded.budget_time_zone`,
          [normalized.name, ...budgetColumns(normalized.budget)],
        );
        return normalized;
      });
    },
    async getTeam(name) {
      if (typeof name !== "string") return undefined;
      return run("getTeam", async () => {
        const row = await selectTeam(pool, name);
        return row === undefined ? undefined : rowToTeam(row);
      });
    },
    async listTeams() {
      return run("listTeams", async () => (await selectTeams(pool)).map(rowToTeam));
    },
    async close() {
      if (lifecycle.close() && owned) await pool.end();
    },
  };
}

/** Two creates racing for one name: the unique index decides, with the same clear error. */
function takenNameError(error: unknown, name: string): unknown {
  const { code, constraint } = (error ?? {}) as { code?: unknown; constraint?: unknown };
  if (code !== "23505" || constraint !== LIVE_NAME_INDEX) return error;
  return new TokenwiseError(
    "invalid_input",
    `name "${name}" is taken by a live key; pick another name, or revoke or rotate that key`,
    { details: { field: "name" }, cause: error },
  );
}

/** budget_limit, budget_period, budget_time_zone as parameters. */
function budgetColumns(
  budget: BudgetSpec | undefined,
): [string | null, string | null, string | null] {
  return budget === undefined
    ? [null, null, null]
    : [budget.limit.toString(), budget.period, budget.timeZone];
}

/** team, models, the three budget columns, rpm and tpm as parameters, in that order. */
function limitColumns(
  key: Pick<VirtualKey, "team" | "models" | "budget" | "rpm" | "tpm">,
): unknown[] {
  return [
    key.team ?? null,
    key.models === undefined ? null : JSON.stringify(key.models),
    ...budgetColumns(key.budget),
    key.rpm ?? null,
    key.tpm ?? null,
  ];
}

function budgetFromColumns(row: BudgetColumns): BudgetSpec | undefined {
  if (row.budget_limit === null || row.budget_period === null) return undefined;
  return {
    limit: BigInt(row.budget_limit),
    period: row.budget_period as BudgetPeriod,
    timeZone: row.budget_time_zone ?? "UTC",
  };
}

function rowToKey(row: KeyRow): VirtualKey {
  const key: VirtualKey = {
    id: row.id,
    name: row.name,
    secretHint: row.secret_hint,
    createdAt: Number(row.created_at),
  };
  if (row.team !== null) key.team = row.team;
  if (Array.isArray(row.models)) key.models = row.models as string[];
  const budget = budgetFromColumns(row);
  if (budget !== undefined) key.budget = budget;
  if (row.rpm !== null) key.rpm = Number(row.rpm);
  if (row.tpm !== null) key.tpm = Number(row.tpm);
  if (row.revoked_at !== null) key.revokedAt = Number(row.revoked_at);
  return key;
}

function rowToTeam(row: TeamRow): Team {
  const budget = budgetFromColumns(row);
  return budget === undefined ? { name: row.name } : { name: row.name, budget };
}
