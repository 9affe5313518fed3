import { describe, expect, it } from "vitest";
import { TokenwiseError } from "../../../core/errors/index.js";
import { usd } from "../../../core/money/index.js";
import { GatewayError } from "../gateway-failure.js";
import { createMemoryKeyRegistry } from "../keys/index.js";
import type { KeyRegistry } from "../keys/types.js";
import { lastKnownRegistry } from "./last-known-registry.js";

type Mode = "answers" | "fails" | "hangs";

/** A registry whose database answers, fails, or hangs on command; counts the lookups. */
function controlled(inner: KeyRegistry) {
  const state = { mode: "answers" as Mode, lookups: 0 };
  const guard =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      state.lookups += 1;
      if (state.mode === "fails") {
        throw new TokenwiseError("store_error", "PostgreSQL key registry failed: ECONNREFUSED");
      }
      if (state.mode === "hangs") await new Promise(() => undefined);
      return call(...args);
    };
  return {
    state,
    registry: {
      ...inner,
      authenticate: guard((secret: string) => inner.authenticate(secret)),
      getTeam: guard((name: string) => inner.getTeam(name)),
    } satisfies KeyRegistry,
  };
}

function setup() {
  const inner = createMemoryKeyRegistry();
  const { state, registry } = controlled(inner);
  const wrapped = lastKnownRegistry(registry, {
    unavailable: () =>
      new GatewayError({ status: 503, kind: "server", message: "PostgreSQL did not answer" }),
    lookupTimeoutMs: 50,
  });
  return { inner, state, wrapped };
}

describe("lastKnownRegistry", () => {
  it("answers a key and team it has seen while PostgreSQL fails, and nothing else", async () => {
    const { state, wrapped } = setup();
    await wrapped.setTeam({
      name: "data",
      budget: { limit: usd("5"), period: "none", timeZone: "UTC" },
    });
    const { key, secret } = await wrapped.create({ name: "seen", team: "data" });
    const other = await wrapped.create({ name: "unseen" });
    expect((await wrapped.authenticate(secret))?.id).toBe(key.id);
    expect(await wrapped.getTeam("data")).toMatchObject({ name: "data" });
    expect(await wrapped.authenticate("tw-not-a-key")).toBeUndefined();

    state.mode = "fails";
    expect((await wrapped.authenticate(secret))?.id).toBe(key.id);
    expect(await wrapped.getTeam("data")).toMatchObject({ name: "data" });
    expect(wrapped.fallbacks()).toBe(2);
    for (const secretOrUnknown of [other.secret, "tw-not-a-key"]) {
      await expect(wrapped.authenticate(secretOrUnknown)).rejects.toBeInstanceOf(GatewayError);
    }
    await expect(wrapped.getTeam("nope")).rejects.toMatchObject({ failure: { status: 503 } });
  });

  it("forgets a key changed through it or announced by another replica", async () => {
    const { state, wrapped } = setup();
    const first = await wrapped.create({ name: "first" });
    const second = await wrapped.create({ name: "second" });
    const third = await wrapped.create({ name: "third" });
    for (const { secret } of [first, second, third]) await wrapped.authenticate(secret);
    await wrapped.revoke("first");
    wrapped.forget({ keyIds: [second.key.id] });
    state.mode = "fails";
    await expect(wrapped.authenticate(first.secret)).rejects.toBeInstanceOf(GatewayError);
    await expect(wrapped.authenticate(second.secret)).rejects.toBeInstanceOf(GatewayError);
    expect((await wrapped.authenticate(third.secret))?.name).toBe("third");
    wrapped.forget("all");
    await expect(wrapped.authenticate(third.secret)).rejects.toBeInstanceOf(GatewayError);
  });

  it("passes on a failure that is not the database's", async () => {
    const inner = createMemoryKeyRegistry();
    const wrapped = lastKnownRegistry(
      { ...inner, authenticate: async () => Promise.reject(new Error("a bug")) },
      { unavailable: () => new GatewayError({ status: 503, kind: "server", message: "down" }) },
    );
    await expect(wrapped.authenticate("tw-x")).rejects.toThrow("a bug");
  });

  it("does not wait on a hung PostgreSQL longer than lookupTimeoutMs, nor pile lookups on it", async () => {
    const { state, wrapped } = setup();
    const { key, secret } = await wrapped.create({ name: "hung" });
    await wrapped.authenticate(secret);
    state.mode = "hangs";
    const lookups = state.lookups;
    expect((await wrapped.authenticate(secret))?.id).toBe(key.id);
    expect(state.lookups).toBe(lookups + 1);
    // The first lookup is still out: the next ones are answered at once, without asking again.
    expect((await wrapped.authenticate(secret))?.id).toBe(key.id);
    expect((await wrapped.authenticate(secret))?.id).toBe(key.id);
    expect(state.lookups).toBe(lookups + 1);
    expect(wrapped.fallbacks()).toBe(3);
  });
});
