/**
 * A {@link KeyRegistry} wrapper that keeps lookup results in process for a short time, so a
 * gateway does not ask a shared database on every request, with a stated bound on how stale a
 * result can be:
 *
 * - A write through the wrapper (create, update, revoke, rotate, setTeam) drops what this
 *   process cached about that key or team at once, and publishes the change on the
 *   invalidation channel; every other replica's wrapper drops it on receipt (typically within
 *   milliseconds).
 * - A lookup result is reused for at most `ttlMs` (negative results for at most
 *   `negativeTtlMs`), so a lost message (Redis down, a disconnect) or a change made behind the
 *   registry's back costs at most that long. When the channel reconnects, everything is dropped.
 * - A lookup that was in flight while an invalidation arrived is not cached, so a result read
 *   before a write can never outlive the write's invalidation.
 *
 * Only authenticate, explain, get and getTeam are cached; list and listTeams always read through.
 * Secrets are never kept: results are filed under the secret's SHA-256.
 */
import { invalidInput, TokenwiseError } from "../../../core/errors/index.js";
import type { KeyInvalidation, KeyInvalidationEvent } from "./key-invalidation.js";
import { hashSecret } from "./secret.js";
import type { KeyRegistry, SecretStatus, Team, VirtualKey } from "./types.js";

export interface CachedKeyRegistryOptions {
  /**
   * How long a lookup result is reused at most, in ms (default 1,000). This is the bound on
   * how late a replica sees a change whose invalidation message was lost. 0 turns caching off.
   */
  ttlMs?: number;
  /** How long "no such key / secret / team" is reused at most (default the smaller of ttlMs and 250). */
  negativeTtlMs?: number;
  /** The most results kept; the least recently used go first (default 10,000). */
  maxEntries?: number;
  /**
   * The channel replicas share (e.g. {@link createRedisKeyInvalidation}). Without one, only this
   * process's own writes invalidate at once; other writers' changes take up to `ttlMs`.
   */
  invalidation?: KeyInvalidation;
  /**
   * Called when a write succeeded but its invalidation could not be published: other replicas
   * then see the change within `ttlMs` instead. The write itself is not undone.
   */
  onPublishError?: (error: TokenwiseError) => void;
  /** Monotonic clock in ms for the TTLs (default `performance.now`). */
  now?: () => number;
}

export interface CachedKeyRegistryStats {
  hits: number;
  misses: number;
  /** Results cached now. */
  entries: number;
  /** Invalidations applied: this process's writes, received messages and resets. */
  invalidations: number;
  /** Writes whose invalidation could not be published. */
  publishFailures: number;
}

export interface CachedKeyRegistry extends KeyRegistry {
  /** Drops cached results now, as a received message would (nothing is published). */
  invalidate(event: KeyInvalidationEvent): void;
  stats(): CachedKeyRegistryStats;
}

interface Entry {
  value: unknown;
  expiresAt: number;
  /** Key ids and names the result is about. */
  keys: readonly string[];
  team?: string;
}

interface Load<T> {
  promise: Promise<T>;
  epoch: number;
}

const DEFAULT_TTL_MS = 1000;
const DEFAULT_NEGATIVE_TTL_MS = 250;
const DEFAULT_MAX_ENTRIES = 10_000;

/**
 * Wraps `inner`; closing the wrapper closes `inner` and the invalidation channel too.
 *
 * @example
 * ```ts
 * const registry = createCachedKeyRegistry(createPostgresKeyRegistry({ url: postgresUrl }), {
 *   ttlMs: 1000,
 *   invalidation: createRedisKeyInvalidation({ url: redisUrl, channel: keyInvalidationChannel() }),
 * });
 * await registry.authenticate(secret); // reads PostgreSQL
 * await registry.authenticate(secret); // from memory, for up to 1 s or until a change
 * ```
 */
export function createCachedKeyRegistry(
  inner: KeyRegistry,
  options: CachedKeyRegistryOptions = {},
): CachedKeyRegistry {
  const ttlMs = checkedMs(options.ttlMs ?? DEFAULT_TTL_MS, "ttlMs");
  const negativeTtlMs = checkedMs(
    options.negativeTtlMs ?? Math.min(ttlMs, DEFAULT_NEGATIVE_TTL_MS),
    "negativeTtlMs",
  );
  if (negativeTtlMs > ttlMs) {
    throw invalidInput("negativeTtlMs", `must not exceed ttlMs (${ttlMs}), got ${negativeTtlMs}`);
  }
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
    throw invalidInput("maxEntries", `must be a whole number of 1 or more, got ${maxEntries}`);
  }
  const now = options.now ?? (() => performance.now());
  const { invalidation, onPublishError } = options;

  const entries = new Map<string, Entry>();
  const loads = new Map<string, Load<unknown>>();
  // Bumped by every invalidation: a load that started under an older epoch is not cached.
  let epoch = 0;
  let closed = false;
  const stats = { hits: 0, misses: 0, invalidations: 0, publishFailures: 0 };

  const invalidate = (event: KeyInvalidationEvent) => {
    epoch += 1;
    stats.invalidations += 1;
    loads.clear();
    if (event.all === true) {
      entries.clear();
      return;
    }
    const keys = new Set(event.keys ?? []);
    const teams = new Set(event.teams ?? []);
    if (keys.size === 0 && teams.size === 0) return;
    for (const [cacheKey, entry] of entries) {
      const aboutKey = entry.keys.some((ref) => keys.has(ref));
      const aboutTeam = entry.team !== undefined && teams.has(entry.team);
      if (aboutKey || aboutTeam) entries.delete(cacheKey);
    }
  };
  const unsubscribe = invalidation?.subscribe(invalidate);

  /**
   * The cached result for `cacheKey`, else `load()`'s (shared by concurrent callers), cached
   * unless an invalidation arrived while it ran. `copy` hands each caller its own object.
   */
  const cached = async <T>(
    cacheKey: string,
    load: () => Promise<T>,
    describe: (value: T) => { keys: readonly string[]; team?: string; negative: boolean },
    copy: (value: T) => T,
  ): Promise<T> => {
    if (ttlMs === 0 || closed) return load();
    const entry = entries.get(cacheKey);
    if (entry !== undefined) {
      if (entry.expiresAt > now()) {
        stats.hits += 1;
        // Least recently used goes first: a hit moves the entry to the end.
        entries.delete(cacheKey);
        entries.set(cacheKey, entry);
        return copy(entry.value as T);
      }
      entries.delete(cacheKey);
    }
    stats.misses += 1;
    const pending = loads.get(cacheKey) as Load<T> | undefined;
    if (pending !== undefined && pending.epoch === epoch) return copy(await pending.promise);
    const startedAt = epoch;
    const promise = load();
    loads.set(cacheKey, { promise, epoch: startedAt });
    try {
      const value = await promise;
      if (epoch === startedAt && !closed) {
        const about = describe(value);
        const lifetime = about.negative ? negativeTtlMs : ttlMs;
        if (lifetime > 0) {
          const fresh: Entry = { value, expiresAt: now() + lifetime, keys: about.keys };
          if (about.team !== undefined) fresh.team = about.team;
          entries.delete(cacheKey);
          entries.set(cacheKey, fresh);
          while (entries.size > maxEntries) {
            const oldest = entries.keys().next().value as string;
            entries.delete(oldest);
          }
        }
      }
      return copy(value);
    } finally {
      if (loads.get(cacheKey)?.promise === promise) loads.delete(cacheKey);
    }
  };

  /** After a write: drop here at once, then tell the other replicas. */
  const changed = async (event: KeyInvalidationEvent) => {
    invalidate(event);
    if (invalidation === undefined) return;
    try {
      await invalidation.publish(event);
    } catch (error) {
      stats.publishFailures += 1;
      const failure = TokenwiseError.isInstance(error)
        ? error
        : new TokenwiseError("store_error", "Could not publish the key change", { cause: error });
      onPublishError?.(failure);
    }
  };

  /**
   * Runs a write, then invalidates what it changed. A write that failed in the store may still
   * have been committed (say, the connection dropped before the answer), so it invalidates too.
   */
  const write = async <T>(
    work: () => Promise<T>,
    changes: (result: T | undefined) => KeyInvalidationEvent,
  ): Promise<T> => {
    let result: T;
    try {
      result = await work();
    } catch (error) {
      if (!closed && TokenwiseError.isInstance(error) && error.code === "store_error") {
        await changed(changes(undefined));
      }
      throw error;
    }
    await changed(changes(result));
    return result;
  };

  const aboutKey = (key: VirtualKey | undefined, ...refs: string[]) => ({
    keys: key === undefined ? refs : [...refs, key.id, key.name],
    negative: key === undefined,
  });

  return {
    create(input) {
      return write(
        () => inner.create(input),
        (issued) => ({ keys: issued === undefined ? nameOf(input) : refsOf(issued.key) }),
      );
    },
    list(listOptions) {
      return inner.list(listOptions);
    },
    async get(idOrName) {
      if (typeof idOrName !== "string") return inner.get(idOrName);
      const lookup = idOrName.trim();
      return cached(
        `get:${lookup}`,
        () => inner.get(idOrName),
        (key) => aboutKey(key, lookup),
        copyOptionalKey,
      );
    },
    update(idOrName, changes) {
      return write(
        () => inner.update(idOrName, changes),
        (key) => ({ keys: [...lookupOf(idOrName), ...refsOf(key)] }),
      );
    },
    revoke(idOrName) {
      // Every cached result about a key carries its id and its name, so either finds them.
      return write(
        () => inner.revoke(idOrName),
        () => ({ keys: lookupOf(idOrName) }),
      );
    },
    rotate(idOrName, rotateOptions) {
      return write(
        () => inner.rotate(idOrName, rotateOptions),
        (issued) => ({ keys: [...lookupOf(idOrName), ...refsOf(issued?.key)] }),
      );
    },
    async authenticate(secret) {
      if (typeof secret !== "string" || secret === "") return inner.authenticate(secret);
      return cached(
        `auth:${hashSecret(secret)}`,
        () => inner.authenticate(secret),
        (key) => aboutKey(key),
        copyOptionalKey,
      );
    },
    async explain(secret) {
      if (typeof secret !== "string" || secret === "") return inner.explain(secret);
      return cached(
        `explain:${hashSecret(secret)}`,
        () => inner.explain(secret),
        (status) => {
          if (status.state === "unknown") return { keys: [], negative: true };
          if (status.state === "live") return aboutKey(status.key);
          return { keys: [status.keyId, status.name], negative: false };
        },
        copyStatus,
      );
    },
    setTeam(team) {
      return write(
        () => inner.setTeam(team),
        (saved) => ({ teams: saved === undefined ? nameOf(team) : [saved.name] }),
      );
    },
    async getTeam(name) {
      if (typeof name !== "string") return inner.getTeam(name);
      return cached(
        `team:${name}`,
        () => inner.getTeam(name),
        (team) => ({ keys: [], team: name, negative: team === undefined }),
        copyOptionalTeam,
      );
    },
    listTeams() {
      return inner.listTeams();
    },
    invalidate,
    stats() {
      return { ...stats, entries: entries.size };
    },
    async close() {
      if (closed) return;
      closed = true;
      unsubscribe?.();
      entries.clear();
      loads.clear();
      try {
        await inner.close();
      } finally {
        await invalidation?.close();
      }
    },
  };
}

function checkedMs(value: unknown, field: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw invalidInput(
      field,
      `must be a whole number of milliseconds of 0 or more, got ${String(value)}`,
    );
  }
  return value;
}

/** The id or name a write was given, as the registry reads it. */
function lookupOf(idOrName: unknown): string[] {
  return typeof idOrName === "string" && idOrName.trim() !== "" ? [idOrName.trim()] : [];
}

function refsOf(key: VirtualKey | undefined): string[] {
  return key === undefined ? [] : [key.id, key.name];
}

/** The name in a create or setTeam input, when it has one. */
function nameOf(input: unknown): string[] {
  const name = (input as { name?: unknown } | null)?.name;
  return typeof name === "string" && name.trim() !== "" ? [name.trim()] : [];
}

function copyKey(key: VirtualKey): VirtualKey {
  const copy: VirtualKey = { ...key };
  if (key.models !== undefined) copy.models = [...key.models];
  if (key.budget !== undefined) copy.budget = { ...key.budget };
  return copy;
}

function copyOptionalKey(key: VirtualKey | undefined): VirtualKey | undefined {
  return key === undefined ? undefined : copyKey(key);
}

function copyStatus(status: SecretStatus): SecretStatus {
  return status.state === "live" ? { state: "live", key: copyKey(status.key) } : { ...status };
}

function copyOptionalTeam(team: Team | undefined): Team | undefined {
  if (team === undefined) return undefined;
  return team.budget === undefined ? { ...team } : { ...team, budget: { ...team.budget } };
}
