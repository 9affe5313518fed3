import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TokenwiseError } from "../../../core/errors/index.js";
import { usd } from "../../../core/money/index.js";
import { type CachedKeyRegistry, createCachedKeyRegistry } from "./cached-key-registry.js";
import type { KeyInvalidation, KeyInvalidationEvent } from "./key-invalidation.js";
import { createMemoryKeyRegistry } from "./memory-key-registry.js";
import { createSqliteKeyRegistry } from "./sqlite-key-registry.js";
import { describeKeyRegistryConformance } from "./test-support/key-registry-conformance.js";
import type { KeyRegistry } from "./types.js";

// Every write goes through the wrapper, so every test but the time-driven ones checks that a
// write drops what the cache held. The end of a rotation's grace is the one change no write
// announces: the cache sees it within its TTL (tested below), so advancing the registry's clock
// here also drops the cache.
describeKeyRegistryConformance("cached (memory, 60 s TTL)", async () => {
  let now = Date.UTC(2026, 11, 3, 12);
  const registry = createCachedKeyRegistry(createMemoryKeyRegistry({ now: () => now }), {
    ttlMs: 60_000,
    negativeTtlMs: 60_000,
  });
  return {
    registry,
    advance: (ms) => {
      now += ms;
      registry.invalidate({ all: true });
    },
    cleanup: () => registry.close(),
  };
});

/** Counts the inner registry's lookups, and can hold one until the test lets it go. */
function instrumented(inner: KeyRegistry) {
  const calls = { authenticate: 0, get: 0, getTeam: 0, explain: 0 };
  let gate: Promise<void> | undefined;
  const registry: KeyRegistry = {
    ...inner,
    async authenticate(secret) {
      calls.authenticate += 1;
      const result = await inner.authenticate(secret);
      await gate;
      return result;
    },
    async get(idOrName) {
      calls.get += 1;
      return inner.get(idOrName);
    },
    async getTeam(name) {
      calls.getTeam += 1;
      return inner.getTeam(name);
    },
    async explain(secret) {
      calls.explain += 1;
      return inner.explain(secret);
    },
  };
  return {
    registry,
    calls,
    hold: () => {
      let release: () => void = () => undefined;
      gate = new Promise((resolve) => {
        release = resolve;
      });
      return () => {
        gate = undefined;
        release();
      };
    },
  };
}

describe("createCachedKeyRegistry", () => {
  let directory: string;
  let path: string;
  let clock: number;
  const now = () => clock;
  const open: KeyRegistry[] = [];
  /** Another process writing the same SQLite file behind the wrapper's back. */
  const writer = () => {
    const registry = createSqliteKeyRegistry({ path });
    open.push(registry);
    return registry;
  };
  const cachedReader = (options: Parameters<typeof createCachedKeyRegistry>[1] = {}) => {
    const inner = instrumented(createSqliteKeyRegistry({ path }));
    const registry = createCachedKeyRegistry(inner.registry, { ttlMs: 1000, now, ...options });
    open.push(registry);
    return { registry, calls: inner.calls, hold: inner.hold };
  };

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), "tokenwise-cached-keys-"));
    path = join(directory, "keys.db");
    clock = 0;
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((registry) => registry.close()));
    rmSync(directory, { recursive: true, force: true });
  });

  it("answers a repeated lookup from memory", async () => {
    const { registry, calls } = cachedReader();
    const { key, secret } = await registry.create({ name: "ci-bot" });
    await registry.setTeam({ name: "data" });
    for (let round = 0; round < 3; round++) {
      expect(await registry.authenticate(secret)).toEqual(key);
      expect(await registry.get("ci-bot")).toEqual(key);
      expect(await registry.getTeam("data")).toEqual({ name: "data" });
      expect(await registry.explain(secret)).toEqual({ state: "live", key });
    }
    expect(calls).toEqual({ authenticate: 1, get: 1, getTeam: 1, explain: 1 });
    expect(registry.stats()).toMatchObject({ hits: 8, misses: 4, entries: 4 });
  });

  it("sees a change made behind its back within ttlMs, and not before", async () => {
    const { registry } = cachedReader({ ttlMs: 1000 });
    const { secret } = await writer().create({ name: "ci-bot", rpm: 10 });
    expect((await registry.authenticate(secret))?.rpm).toBe(10);
    await writer().update("ci-bot", { rpm: 20 });
    clock += 999;
    expect((await registry.authenticate(secret))?.rpm).toBe(10);
    clock += 1;
    expect((await registry.authenticate(secret))?.rpm).toBe(20);
    await writer().revoke("ci-bot");
    clock += 999;
    expect(await registry.authenticate(secret)).toBeDefined();
    clock += 1;
    expect(await registry.authenticate(secret)).toBeUndefined();
  });

  it("honours the end of a rotation's grace within ttlMs", async () => {
    const { registry } = cachedReader({ ttlMs: 1000 });
    const issued = await registry.create({ name: "ci-bot" });
    await registry.rotate("ci-bot", { graceMs: 50 });
    expect(await registry.authenticate(issued.secret)).toBeDefined();
    // The grace runs on the registry's (real) clock; the cached answer lasts up to ttlMs more.
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(await registry.authenticate(issued.secret)).toBeDefined();
    clock += 1000;
    expect(await registry.authenticate(issued.secret)).toBeUndefined();
  });

  it("keeps negative results only for negativeTtlMs", async () => {
    const { registry } = cachedReader({ ttlMs: 1000, negativeTtlMs: 100 });
    expect(await registry.get("ci-bot")).toBeUndefined();
    expect(await registry.getTeam("data")).toBeUndefined();
    await writer().setTeam({ name: "data" });
    const { key } = await writer().create({ name: "ci-bot", team: "data" });
    clock += 99;
    expect(await registry.get("ci-bot")).toBeUndefined();
    expect(await registry.getTeam("data")).toBeUndefined();
    clock += 1;
    expect(await registry.get("ci-bot")).toEqual(key);
    expect(await registry.getTeam("data")).toEqual({ name: "data" });
  });

  it("drops what it cached about a key or team when a write goes through it", async () => {
    const { registry } = cachedReader({ ttlMs: 60_000, negativeTtlMs: 60_000 });
    expect(await registry.get("ci-bot")).toBeUndefined();
    const { key, secret } = await registry.create({ name: "ci-bot" });
    expect(await registry.get("ci-bot")).toEqual(key);
    expect(await registry.get(key.id)).toEqual(key);
    const budget = { limit: usd("5"), period: "day" as const, timeZone: "UTC" };
    const updated = await registry.update(key.id, { budget });
    expect(await registry.get("ci-bot")).toEqual(updated);
    expect(await registry.authenticate(secret)).toEqual(updated);
    await registry.revoke("ci-bot");
    expect(await registry.authenticate(secret)).toBeUndefined();
    expect((await registry.get(key.id))?.revokedAt).toBeTypeOf("number");
    await registry.setTeam({ name: "data" });
    expect(await registry.getTeam("data")).toEqual({ name: "data" });
    await registry.setTeam({ name: "data", budget });
    expect(await registry.getTeam("data")).toEqual({ name: "data", budget });
  });

  it("drops entries named by an invalidation: by id, by name, by team, or all", async () => {
    const { registry, calls } = cachedReader({ ttlMs: 60_000 });
    const other = writer();
    await other.setTeam({ name: "data" });
    const first = await other.create({ name: "first", team: "data" });
    const second = await other.create({ name: "second" });
    const lookups = async () => {
      await registry.authenticate(first.secret);
      await registry.authenticate(second.secret);
      await registry.getTeam("data");
    };
    await lookups();
    expect(calls).toMatchObject({ authenticate: 2, getTeam: 1 });
    registry.invalidate({ keys: [first.key.id] });
    await lookups();
    expect(calls).toMatchObject({ authenticate: 3, getTeam: 1 });
    registry.invalidate({ keys: ["second"] });
    await lookups();
    expect(calls).toMatchObject({ authenticate: 4, getTeam: 1 });
    registry.invalidate({ teams: ["data"] });
    await lookups();
    expect(calls).toMatchObject({ authenticate: 4, getTeam: 2 });
    registry.invalidate({ all: true });
    await lookups();
    expect(calls).toMatchObject({ authenticate: 6, getTeam: 3 });
  });

  it("does not cache a lookup that was in flight when an invalidation arrived", async () => {
    const { registry, calls, hold } = cachedReader({ ttlMs: 60_000 });
    const { secret } = await writer().create({ name: "ci-bot" });
    const release = hold();
    const inFlight = registry.authenticate(secret);
    // The read has its (soon stale) answer; the revocation's message arrives before it returns.
    await writer().revoke("ci-bot");
    registry.invalidate({ keys: ["ci-bot"] });
    release();
    expect(await inFlight).toBeDefined();
    expect(await registry.authenticate(secret)).toBeUndefined();
    expect(calls.authenticate).toBe(2);
  });

  it("shares one inner lookup among concurrent callers", async () => {
    const { registry, calls, hold } = cachedReader();
    const { key, secret } = await writer().create({ name: "ci-bot" });
    const release = hold();
    const pending = Array.from({ length: 20 }, () => registry.authenticate(secret));
    release();
    expect(await Promise.all(pending)).toEqual(Array.from({ length: 20 }, () => key));
    expect(calls.authenticate).toBe(1);
  });

  it("hands every caller its own copy", async () => {
    const { registry } = cachedReader();
    const { secret } = await registry.create({
      name: "ci-bot",
      models: ["gpt-4o-mini"],
      budget: { limit: usd("5"), period: "day", timeZone: "UTC" },
    });
    // The first answer is loaded, the later ones come from the cache: none may change it.
    for (let round = 0; round < 3; round++) {
      const key = await registry.authenticate(secret);
      expect(key?.models).toEqual(["gpt-4o-mini"]);
      expect(key?.budget?.limit).toBe(usd("5"));
      key?.models?.push("gpt-4o");
      if (key?.budget !== undefined) key.budget.limit = 0n;
    }
  });

  it("keeps at most maxEntries results, dropping the least recently used", async () => {
    const { registry, calls } = cachedReader({ maxEntries: 3, negativeTtlMs: 1000 });
    const { secret } = await writer().create({ name: "ci-bot" });
    await registry.authenticate(secret);
    for (let index = 0; index < 50; index++) {
      await registry.authenticate(`tw-unknown-${index}`);
      await registry.authenticate(secret);
    }
    expect(registry.stats().entries).toBe(3);
    // The key in use stayed cached while 50 unknown secrets came and went.
    expect(calls.authenticate).toBe(51);
  });

  it("reads through every time with ttlMs 0", async () => {
    const { registry, calls } = cachedReader({ ttlMs: 0 });
    const { secret } = await registry.create({ name: "ci-bot" });
    await registry.authenticate(secret);
    await registry.authenticate(secret);
    expect(calls.authenticate).toBe(2);
    expect(registry.stats().entries).toBe(0);
  });

  it("refuses bad options with the field and the fix", () => {
    const inner = createMemoryKeyRegistry();
    open.push(inner);
    expect(() => createCachedKeyRegistry(inner, { ttlMs: -1 })).toThrow(
      /^ttlMs must be a whole number of milliseconds of 0 or more, got -1$/,
    );
    expect(() => createCachedKeyRegistry(inner, { ttlMs: 100, negativeTtlMs: 200 })).toThrow(
      "negativeTtlMs must not exceed ttlMs (100), got 200",
    );
    expect(() => createCachedKeyRegistry(inner, { maxEntries: 0 })).toThrow(
      "maxEntries must be a whole number of 1 or more, got 0",
    );
  });
});

describe("createCachedKeyRegistry with an invalidation channel", () => {
  /** A channel that connects the wrappers of one test in process; publishing can be broken. */
  function localChannel() {
    const listeners = new Set<(event: KeyInvalidationEvent) => void>();
    const published: KeyInvalidationEvent[] = [];
    let broken = false;
    let closed = 0;
    const channel = (): KeyInvalidation => ({
      async publish(event) {
        if (broken) throw new TokenwiseError("store_error", "Redis did not answer");
        published.push(event);
        for (const listener of listeners) listener(event);
      },
      subscribe(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      ready: async () => undefined,
      status: () => ({ subscribed: true, subscriptions: 1, received: published.length }),
      async close() {
        closed += 1;
      },
    });
    return {
      channel,
      published,
      closed: () => closed,
      breakPublishing: () => {
        broken = true;
      },
    };
  }

  it("publishes every write, naming the key's id and name, or the team", async () => {
    const local = localChannel();
    const registry = createCachedKeyRegistry(createMemoryKeyRegistry(), {
      invalidation: local.channel(),
    });
    await registry.setTeam({ name: "data" });
    const { key } = await registry.create({ name: "ci-bot" });
    await registry.update("ci-bot", { rpm: 5 });
    await registry.rotate(key.id, { graceMs: 0 });
    await registry.revoke(" ci-bot ");
    expect(local.published).toEqual([
      { teams: ["data"] },
      { keys: [key.id, "ci-bot"] },
      { keys: ["ci-bot", key.id, "ci-bot"] },
      { keys: [key.id, key.id, "ci-bot"] },
      { keys: ["ci-bot"] },
    ]);
    await registry.close();
    expect(local.closed()).toBe(1);
  });

  it("keeps the write and reports when the change cannot be published", async () => {
    const local = localChannel();
    const failures: TokenwiseError[] = [];
    const registry = createCachedKeyRegistry(createMemoryKeyRegistry(), {
      invalidation: local.channel(),
      onPublishError: (error) => failures.push(error),
    });
    local.breakPublishing();
    const { secret } = await registry.create({ name: "ci-bot" });
    expect(await registry.authenticate(secret)).toBeDefined();
    expect(failures.map((failure) => failure.message)).toEqual(["Redis did not answer"]);
    expect(registry.stats().publishFailures).toBe(1);
    await registry.close();
  });

  it("drops another wrapper's entries when one of them writes", async () => {
    const local = localChannel();
    const directory = mkdtempSync(join(tmpdir(), "tokenwise-cached-keys-"));
    const path = join(directory, "keys.db");
    const replicas: CachedKeyRegistry[] = [0, 1].map(() =>
      createCachedKeyRegistry(createSqliteKeyRegistry({ path }), {
        ttlMs: 60_000,
        invalidation: local.channel(),
      }),
    );
    const [admin, gateway] = replicas as [CachedKeyRegistry, CachedKeyRegistry];
    try {
      const { secret } = await admin.create({ name: "ci-bot" });
      expect(await gateway.authenticate(secret)).toBeDefined();
      await admin.revoke("ci-bot");
      expect(await gateway.authenticate(secret)).toBeUndefined();
    } finally {
      await Promise.all(replicas.map((replica) => replica.close()));
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
