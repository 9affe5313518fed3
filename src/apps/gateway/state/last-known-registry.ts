/**
 * Keeps a gateway serving its known callers while PostgreSQL (where keys and teams live) does
 * not answer: the last answer PostgreSQL gave for a secret or a team is used when asking it
 * fails. That is safe because nothing can change a key while its database is down (a
 * revocation or budget edit is a write to that database), and an invalidation received for a
 * key or team (a change another replica committed) drops what was remembered of it, so a key
 * revoked just before the outage is not brought back. Only the request path's lookups
 * (`authenticate`, `getTeam`) fall back; writes and listings fail as they are.
 *
 * A PostgreSQL that hangs instead of refusing counts too: a lookup with a remembered answer
 * waits at most `lookupTimeoutMs`, and while that lookup is still out, the next ones for the
 * same secret or team are answered from memory at once.
 */
import { TokenwiseError } from "../../../core/errors/index.js";
import type { GatewayError } from "../gateway-failure.js";
import { hashSecret } from "../keys/index.js";
import type { KeyRegistry, Team, VirtualKey } from "../keys/types.js";

const LATE = Symbol("late");

export interface LastKnownRegistry extends KeyRegistry {
  /** Forgets what is remembered of these keys (ids or names) and teams (or everything: "all"). */
  forget(what: { keyIds?: readonly string[]; teams?: readonly string[] } | "all"): void;
  /** How many lookups were answered from memory because PostgreSQL failed. */
  fallbacks(): number;
}

/**
 * @example
 * ```ts
 * const registry = lastKnownRegistry(postgresRegistry, { unavailable: () => new GatewayError({ status: 503, kind: "server", message }) });
 * ```
 */
export function lastKnownRegistry(
  inner: KeyRegistry,
  options: {
    /** The 503 for a caller this replica has no answer for while PostgreSQL is down. */
    unavailable: () => GatewayError;
    /** Most secrets and teams remembered (default 10,000 each); the oldest go first. */
    maxEntries?: number;
    /** How long a lookup with a remembered answer may take before that answer is used (default 2,000 ms). */
    lookupTimeoutMs?: number;
  },
): LastKnownRegistry {
  const maxEntries = options.maxEntries ?? 10_000;
  /** Secret hash → the live key PostgreSQL last returned for it (never a secret itself). */
  const keys = new Map<string, VirtualKey>();
  const teams = new Map<string, Team | undefined>();
  let fallbacks = 0;
  const remember = <T>(map: Map<string, T>, id: string, value: T) => {
    map.delete(id);
    map.set(id, value);
    if (map.size > maxEntries) map.delete(map.keys().next().value as string);
  };
  const fallBack = <T>(error: unknown, map: Map<string, T>, id: string): T => {
    if (!TokenwiseError.hasCode(error, "store_error")) throw error;
    if (!map.has(id)) throw options.unavailable();
    fallbacks += 1;
    return map.get(id) as T;
  };
  const lookupTimeoutMs = options.lookupTimeoutMs ?? 2000;
  /** Lookups that outlived lookupTimeoutMs and have not ended yet, by secret hash or team. */
  const stalled = new Set<string>();
  /**
   * Runs `lookup`; when `map` remembers `id`, waits at most lookupTimeoutMs for it (none while
   * an earlier lookup of `id` is still stalled) and falls back to the remembered answer.
   */
  const lookUp = async <T>(
    map: Map<string, T>,
    id: string,
    lookup: () => Promise<T>,
  ): Promise<T> => {
    const tag = `${map === keys ? "key" : "team"}:${id}`;
    const remembered = () => {
      // Forgotten meanwhile (a change was announced): no answer to fall back on.
      if (!map.has(id)) throw options.unavailable();
      fallbacks += 1;
      return map.get(id) as T;
    };
    // An earlier lookup of this one is still hanging: do not pile another on it.
    if (stalled.has(tag) && map.has(id)) return remembered();
    const call = lookup();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<typeof LATE>((resolve) => {
      if (!map.has(id)) return;
      timer = setTimeout(() => resolve(LATE), lookupTimeoutMs);
      timer.unref();
    });
    try {
      const first = await Promise.race([call, late]);
      if (first !== LATE) return first as T;
    } catch (error) {
      return fallBack(error, map, id);
    } finally {
      clearTimeout(timer);
    }
    stalled.add(tag);
    call.then(
      () => stalled.delete(tag),
      () => stalled.delete(tag),
    );
    return remembered();
  };
  const forgetKey = (idOrName: string) => {
    for (const [hash, key] of keys) {
      if (key.id === idOrName || key.name === idOrName) keys.delete(hash);
    }
  };
  return {
    ...bindAll(inner),
    // A change made through this replica is forgotten here at once.
    async update(idOrName, changes) {
      forgetKey(idOrName);
      return inner.update(idOrName, changes);
    },
    async revoke(idOrName) {
      forgetKey(idOrName);
      return inner.revoke(idOrName);
    },
    async rotate(idOrName, rotateOptions) {
      forgetKey(idOrName);
      return inner.rotate(idOrName, rotateOptions);
    },
    async setTeam(team) {
      teams.delete(team.name);
      return inner.setTeam(team);
    },
    async authenticate(secret) {
      const hash = hashSecret(secret);
      return lookUp(keys, hash, async () => {
        const key = await inner.authenticate(secret);
        if (key === undefined) keys.delete(hash);
        else remember(keys, hash, key);
        return key;
      });
    },
    async getTeam(name) {
      return lookUp(teams, name, async () => {
        const team = await inner.getTeam(name);
        remember(teams, name, team);
        return team;
      });
    },
    forget(what) {
      if (what === "all") {
        keys.clear();
        teams.clear();
        return;
      }
      const ids = new Set(what.keyIds ?? []);
      for (const [hash, key] of keys) if (ids.has(key.id) || ids.has(key.name)) keys.delete(hash);
      for (const team of what.teams ?? []) teams.delete(team);
    },
    fallbacks: () => fallbacks,
  };
}

/** Every method of `registry`, bound to it, so a spread copy keeps working. */
function bindAll(registry: KeyRegistry): KeyRegistry {
  return {
    create: (input) => registry.create(input),
    list: (listOptions) => registry.list(listOptions),
    get: (idOrName) => registry.get(idOrName),
    update: (idOrName, changes) => registry.update(idOrName, changes),
    revoke: (idOrName) => registry.revoke(idOrName),
    rotate: (idOrName, rotateOptions) => registry.rotate(idOrName, rotateOptions),
    authenticate: (secret) => registry.authenticate(secret),
    explain: (secret) => registry.explain(secret),
    setTeam: (team) => registry.setTeam(team),
    getTeam: (name) => registry.getTeam(name),
    listTeams: () => registry.listTeams(),
    close: () => registry.close(),
  };
}
