/**
 * The behaviour every {@link KeyRegistry} engine must show. Each engine's test file calls
 * {@link describeKeyRegistryConformance} with a factory; the tests themselves never change.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TokenwiseError } from "../../../../core/errors/index.js";
import { usd } from "../../../../core/money/index.js";
import type { KeyRegistry } from "../types.js";

export interface KeyRegistryHarness {
  registry: KeyRegistry;
  /** Moves the registry's clock forward. */
  advance: (ms: number) => void;
  /** Removes everything the harness created. */
  cleanup: () => Promise<void>;
}

async function caught(work: () => Promise<unknown>): Promise<TokenwiseError> {
  try {
    await work();
  } catch (error) {
    if (TokenwiseError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("expected a TokenwiseError");
}

/**
 * @example
 * ```ts
 * describeKeyRegistryConformance("memory", async () => {
 *   let now = Date.UTC(2026, 11, 3);
 *   const registry = createMemoryKeyRegistry({ now: () => now });
 *   return { registry, advance: (ms) => { now += ms; }, cleanup: () => registry.close() };
 * });
 * ```
 */
export function describeKeyRegistryConformance(
  name: string,
  factory: () => Promise<KeyRegistryHarness>,
): void {
  describe(`KeyRegistry conformance: ${name}`, () => {
    let harness: KeyRegistryHarness;
    let registry: KeyRegistry;
    beforeEach(async () => {
      harness = await factory();
      registry = harness.registry;
    });
    afterEach(async () => {
      await harness.cleanup();
    });

    it("issues a 256-bit secret once and keeps only a hint of it on the key", async () => {
      const { key, secret } = await registry.create({ name: "ci-bot", rpm: 600 });
      expect(secret).toMatch(/^tw-[A-Za-z0-9_-]{43}$/);
      expect(key.id).toMatch(/^key_[0-9a-f]{16}$/);
      expect(key.secretHint).toBe(`${secret.slice(0, 7)}…`);
      expect(JSON.stringify(await registry.list())).not.toContain(secret.slice(7));
      expect(await registry.authenticate(secret)).toEqual(key);
    });

    it("gives each key its own id and secret", async () => {
      const first = await registry.create({ name: "a" });
      const second = await registry.create({ name: "b" });
      expect(first.key.id).not.toBe(second.key.id);
      expect(first.secret).not.toBe(second.secret);
      expect((await registry.authenticate(second.secret))?.name).toBe("b");
    });

    it("authenticates nothing for an unknown, empty or non-string secret", async () => {
      const { secret } = await registry.create({ name: "ci-bot" });
      expect(await registry.authenticate(`${secret}x`)).toBeUndefined();
      expect(await registry.authenticate("")).toBeUndefined();
      expect(await registry.authenticate(undefined as unknown as string)).toBeUndefined();
    });

    it("stores every limit and returns it canonical", async () => {
      await registry.setTeam({ name: "data" });
      const { key } = await registry.create({
        name: "ci-bot",
        team: "data",
        models: ["gpt-4o-mini", " claude-haiku-4-5", "gpt-4o-mini"],
        budget: { limit: usd("50"), period: "month", timeZone: "europe/berlin" },
        rpm: 600,
        tpm: 100_000,
      });
      expect(key).toMatchObject({
        name: "ci-bot",
        team: "data",
        models: ["gpt-4o-mini", "claude-haiku-4-5"],
        budget: { limit: 50_000_000_000_000n, period: "month", timeZone: "Europe/Berlin" },
        rpm: 600,
        tpm: 100_000,
      });
      expect(await registry.get(key.id)).toEqual(key);
      expect(await registry.get("ci-bot")).toEqual(key);
    });

    it("refuses a time zone that does not exist when the key is created", async () => {
      const error = await caught(() =>
        registry.create({
          name: "ci-bot",
          budget: { limit: usd("5"), period: "day", timeZone: "Europe/Berln" },
        }),
      );
      expect(error.code).toBe("invalid_input");
      expect(error.message).toContain("budget.timeZone must be an IANA time zone");
      expect(error.message).toContain("Europe/Berlin");
      expect(await registry.list()).toEqual([]);
    });

    it("names the field and the fix for bad input", async () => {
      const badName = await caught(() => registry.create({ name: "ci bot" }));
      expect(badName.message).toMatch(/^name must be 1 to 64 letters/);
      const badRpm = await caught(() => registry.create({ name: "ci", rpm: 0 }));
      expect(badRpm.message).toMatch(/^rpm must be a whole number greater than 0/);
      const badPeriod = await caught(() =>
        registry.create({
          name: "ci",
          budget: { limit: usd("1"), period: "year" as "day", timeZone: "UTC" },
        }),
      );
      expect(badPeriod.message).toMatch(/^budget\.period must be one of day, week, month, none/);
      const idLike = await caught(() => registry.create({ name: "key_abc" }));
      expect(idLike.details.field).toBe("name");
    });

    it("keeps names unique among live keys, and frees a name on revocation", async () => {
      await registry.create({ name: "ci-bot" });
      const taken = await caught(() => registry.create({ name: "ci-bot" }));
      expect(taken.code).toBe("invalid_input");
      expect(taken.message).toContain('"ci-bot" is taken by a live key');
      expect(await registry.revoke("ci-bot")).toBe(true);
      const { key } = await registry.create({ name: "ci-bot" });
      expect((await registry.get("ci-bot"))?.id).toBe(key.id);
    });

    it("revokes at once, and says when a key was already revoked", async () => {
      const { key, secret } = await registry.create({ name: "ci-bot" });
      expect(await registry.revoke(key.id)).toBe(true);
      expect(await registry.authenticate(secret)).toBeUndefined();
      expect(await registry.revoke(key.id)).toBe(false);
      const shown = await registry.get("ci-bot");
      expect(shown?.revokedAt).toBeTypeOf("number");
    });

    it("suggests the closest names for an unknown key", async () => {
      await registry.create({ name: "ci-bot" });
      await registry.create({ name: "web-app" });
      const error = await caught(() => registry.revoke("ci-bto"));
      expect(error.code).toBe("not_found");
      expect(error.message).toBe(
        'No key "ci-bto". Did you mean ci-bot, web-app? (tokenwise keys list shows every key)',
      );
      expect(await registry.get("ci-bto")).toBeUndefined();
    });

    it("rotates to a new secret with the same id; the old one works until its grace ends", async () => {
      const issued = await registry.create({ name: "ci-bot" });
      const rotated = await registry.rotate("ci-bot", { graceMs: 60_000 });
      expect(rotated.key.id).toBe(issued.key.id);
      expect(rotated.secret).not.toBe(issued.secret);
      expect(rotated.key.secretHint).toBe(`${rotated.secret.slice(0, 7)}…`);
      expect((await registry.authenticate(rotated.secret))?.id).toBe(issued.key.id);
      harness.advance(59_999);
      expect((await registry.authenticate(issued.secret))?.id).toBe(issued.key.id);
      harness.advance(1);
      expect(await registry.authenticate(issued.secret)).toBeUndefined();
      expect((await registry.authenticate(rotated.secret))?.id).toBe(issued.key.id);
    });

    it("stops the old secret at once with no grace, and never extends an earlier grace", async () => {
      const first = await registry.create({ name: "ci-bot" });
      const second = await registry.rotate(first.key.id, { graceMs: 10_000 });
      await registry.rotate(first.key.id, { graceMs: 3_600_000 });
      harness.advance(10_000);
      expect(await registry.authenticate(first.secret)).toBeUndefined();
      expect(await registry.authenticate(second.secret)).toBeDefined();
      const fourth = await registry.rotate(first.key.id, { graceMs: 0 });
      expect(await registry.authenticate(second.secret)).toBeUndefined();
      expect(await registry.authenticate(fourth.secret)).toBeDefined();
    });

    it("revokes secrets that were still in their grace period", async () => {
      const first = await registry.create({ name: "ci-bot" });
      const second = await registry.rotate("ci-bot", { graceMs: 3_600_000 });
      await registry.revoke("ci-bot");
      expect(await registry.authenticate(first.secret)).toBeUndefined();
      expect(await registry.authenticate(second.secret)).toBeUndefined();
      const error = await caught(() => registry.rotate("ci-bot", { graceMs: 0 }));
      expect(error.message).toContain('Key "ci-bot" is revoked, so it cannot be rotated');
    });

    it("explains why a secret is refused: revoked, rotated past its grace, or unknown", async () => {
      const first = await registry.create({ name: "ci-bot" });
      expect(await registry.explain(first.secret)).toEqual({ state: "live", key: first.key });
      const second = await registry.rotate("ci-bot", { graceMs: 0 });
      const expired = await registry.explain(first.secret);
      expect(expired).toMatchObject({ state: "expired", keyId: first.key.id, name: "ci-bot" });
      expect(await registry.authenticate(first.secret)).toBeUndefined();
      harness.advance(1000);
      await registry.revoke("ci-bot");
      const revoked = await registry.explain(second.secret);
      expect(revoked).toMatchObject({ state: "revoked", keyId: first.key.id, name: "ci-bot" });
      expect(await registry.explain(first.secret)).toMatchObject({ state: "revoked" });
      expect(await registry.explain(`${second.secret}x`)).toEqual({ state: "unknown" });
      expect(await registry.explain("")).toEqual({ state: "unknown" });
      expect(JSON.stringify([expired, revoked])).not.toContain(second.secret);
    });

    it("forgets an old secret 30 days after it stopped, at the next rotation", async () => {
      const first = await registry.create({ name: "ci-bot" });
      await registry.rotate("ci-bot", { graceMs: 0 });
      harness.advance(30 * 86_400_000);
      await registry.rotate("ci-bot", { graceMs: 0 });
      expect(await registry.explain(first.secret)).toEqual({ state: "unknown" });
    });

    it("refuses a negative or fractional grace", async () => {
      await registry.create({ name: "ci-bot" });
      const error = await caught(() => registry.rotate("ci-bot", { graceMs: -1 }));
      expect(error.message).toMatch(/^graceMs must be a whole number of milliseconds/);
    });

    it("updates limits; null removes one; the secret keeps working", async () => {
      const { key, secret } = await registry.create({
        name: "ci-bot",
        budget: { limit: usd("5"), period: "day", timeZone: "UTC" },
        rpm: 60,
      });
      const updated = await registry.update("ci-bot", { rpm: 1200, budget: null, tpm: 5000 });
      expect(updated).toEqual({ ...key, rpm: 1200, tpm: 5000, budget: undefined });
      expect(updated.budget).toBeUndefined();
      expect(await registry.authenticate(secret)).toEqual(updated);
      await registry.revoke("ci-bot");
      const error = await caught(() => registry.update(key.id, { rpm: 1 }));
      expect(error.message).toContain("is revoked, so it cannot be updated");
    });

    it("lists live keys newest first, revoked ones only when asked", async () => {
      await registry.create({ name: "first" });
      harness.advance(1000);
      await registry.create({ name: "second" });
      harness.advance(1000);
      await registry.create({ name: "third" });
      await registry.revoke("second");
      expect((await registry.list()).map((key) => key.name)).toEqual(["third", "first"]);
      const all = await registry.list({ includeRevoked: true });
      expect(all.map((key) => key.name)).toEqual(["third", "second", "first"]);
    });

    it("keeps teams with budgets; a key must name a team that exists", async () => {
      const missing = await caught(() => registry.create({ name: "ci", team: "dta" }));
      expect(missing.code).toBe("not_found");
      expect(missing.message).toBe('No team "dta". Create it with: tokenwise teams set dta');
      await registry.setTeam({
        name: "data",
        budget: { limit: usd("500"), period: "week", timeZone: "America/New_York" },
      });
      await registry.setTeam({ name: "web" });
      const typo = await caught(() => registry.create({ name: "ci", team: "dta" }));
      expect(typo.message).toContain("Did you mean data");
      expect(await registry.getTeam("data")).toEqual({
        name: "data",
        budget: { limit: usd("500"), period: "week", timeZone: "America/New_York" },
      });
      await registry.setTeam({ name: "data" });
      expect(await registry.listTeams()).toEqual([{ name: "data" }, { name: "web" }]);
      expect(await registry.getTeam("nope")).toBeUndefined();
      const { key } = await registry.create({ name: "ci", team: "data" });
      expect(await registry.update(key.id, { team: null })).not.toHaveProperty("team");
    });

    it("refuses use after close", async () => {
      await registry.close();
      const error = await caught(() => registry.list());
      expect(error.code).toBe("store_error");
      await registry.close();
    });
  });
}
