/**
 * The one behaviour every {@link KeyValueStore} engine must show. Each engine's test file calls
 * {@link describeKeyValueStoreConformance} with a factory; the tests themselves never change.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { KeyValueStore } from "../key-value-store.js";

export interface KeyValueStoreHarness {
  store: KeyValueStore;
  /** Moves the store's clock forward (a manual clock, or real sleeping for Redis). */
  advance: (ms: number) => Promise<void>;
  /** Removes everything the harness created (files, keys, connections). */
  cleanup: () => Promise<void>;
}

/**
 * @example
 * ```ts
 * describeKeyValueStoreConformance("memory", async () => {
 *   const clock = createManualClock();
 *   const store = createMemoryStore({ now: clock.now });
 *   return { store, advance: clock.advance, cleanup: () => store.close() };
 * });
 * ```
 */
export function describeKeyValueStoreConformance(
  name: string,
  factory: () => Promise<KeyValueStoreHarness>,
): void {
  describe(`KeyValueStore conformance: ${name}`, () => {
    let harness: KeyValueStoreHarness;
    let store: KeyValueStore;

    beforeEach(async () => {
      harness = await factory();
      store = harness.store;
    });

    afterEach(async () => {
      await harness.cleanup();
    });

    it("returns undefined for a key never set", async () => {
      expect(await store.get("missing")).toBeUndefined();
    });

    it("round-trips text exactly, including empty and non-ASCII text", async () => {
      await store.set("plain", "hello");
      await store.set("empty", "");
      await store.set("unicode", "お誕生日おめでとう 🎉 \u0000 end");
      expect(await store.get("plain")).toBe("hello");
      expect(await store.get("empty")).toBe("");
      expect(await store.get("unicode")).toBe("お誕生日おめでとう 🎉 \u0000 end");
    });

    it("round-trips bytes exactly and returns a plain Uint8Array of just those bytes", async () => {
      const bytes = new Uint8Array(256).map((_, index) => 255 - index);
      await store.set("bytes", bytes);
      await store.set("no-bytes", new Uint8Array(0));
      const stored = await store.get("bytes");
      expect(stored).toBeInstanceOf(Uint8Array);
      expect(Buffer.isBuffer(stored)).toBe(false);
      expect([...(stored as Uint8Array)]).toEqual([...bytes]);
      expect((stored as Uint8Array).buffer.byteLength).toBe(256);
      expect(await store.get("no-bytes")).toEqual(new Uint8Array(0));
    });

    it("keeps text and bytes apart: each comes back as the kind stored", async () => {
      await store.set("as-text", "abc");
      await store.set("as-bytes", new TextEncoder().encode("abc"));
      expect(await store.get("as-text")).toBe("abc");
      expect(await store.get("as-bytes")).toEqual(new Uint8Array([97, 98, 99]));
    });

    it("stores a Float32Array's bytes through a view without its neighbours", async () => {
      const vectors = new Float32Array([1.5, -2.25, 3.125, 0.1]);
      const middle = new Uint8Array(vectors.buffer, 4, 8);
      await store.set("view", middle);
      const stored = (await store.get("view")) as Uint8Array;
      expect(stored.byteLength).toBe(8);
      expect([...new Float32Array(stored.buffer, stored.byteOffset, 2)]).toEqual([-2.25, 3.125]);
    });

    it("round-trips a 1 MiB value", async () => {
      const big = new Uint8Array(1024 * 1024).map((_, index) => index % 251);
      await store.set("big", big);
      const stored = (await store.get("big")) as Uint8Array;
      expect(stored.byteLength).toBe(1024 * 1024);
      expect(stored[1000]).toBe(1000 % 251);
      expect(Buffer.compare(Buffer.from(stored), Buffer.from(big))).toBe(0);
    });

    it("overwrites a value and its TTL", async () => {
      await store.set("key", "first", { ttlMs: 50 });
      await store.set("key", "second");
      await harness.advance(120);
      expect(await store.get("key")).toBe("second");
    });

    it("expires entries after their TTL and keeps the others", async () => {
      await store.set("short", "gone soon", { ttlMs: 50 });
      await store.set("long", "stays", { ttlMs: 600_000 });
      await store.set("forever", "stays too");
      await harness.advance(120);
      expect(await store.get("short")).toBeUndefined();
      expect(await store.get("long")).toBe("stays");
      expect(await store.get("forever")).toBe("stays too");
    });

    it("deletes and says whether a live entry was there", async () => {
      await store.set("key", "value");
      expect(await store.delete("key")).toBe(true);
      expect(await store.get("key")).toBeUndefined();
      expect(await store.delete("key")).toBe(false);
      await store.set("expiring", "value", { ttlMs: 50 });
      await harness.advance(120);
      expect(await store.delete("expiring")).toBe(false);
    });

    it("gets and sets many in order, with undefined for the missing", async () => {
      await store.setMany([
        { key: "a", value: "1" },
        { key: "b", value: new Uint8Array([2]) },
        { key: "c", value: "3", ttlMs: 50 },
      ]);
      expect(await store.getMany(["b", "missing", "a", "c"])).toEqual([
        new Uint8Array([2]),
        undefined,
        "1",
        "3",
      ]);
      await harness.advance(120);
      expect(await store.getMany(["c", "a"])).toEqual([undefined, "1"]);
      expect(await store.getMany([])).toEqual([]);
      await store.setMany([]);
    });

    it("clears by literal prefix, even with glob characters, and counts live entries", async () => {
      await store.setMany([
        { key: "response:a", value: "1" },
        { key: "response:b", value: "2" },
        { key: "response:*", value: "3" },
        { key: "resp*nse:x", value: "4" },
        { key: "embedding:a", value: "5" },
        { key: "response:expired", value: "6", ttlMs: 50 },
      ]);
      await harness.advance(120);
      expect(await store.clear("resp*")).toBe(1);
      expect(await store.get("response:a")).toBe("1");
      expect(await store.clear("response:")).toBe(3);
      expect(await store.getMany(["response:a", "response:*", "embedding:a"])).toEqual([
        undefined,
        undefined,
        "5",
      ]);
      expect(await store.clear()).toBe(1);
      expect(await store.get("embedding:a")).toBeUndefined();
    });

    it("treats keys with separators, wildcards and non-ASCII as distinct literal keys", async () => {
      const keys = ["a:b", "a*", "a?", "a[1]", "a\\", "ä", "a b", "😀"];
      await store.setMany(keys.map((key, index) => ({ key, value: String(index) })));
      expect(await store.getMany(keys)).toEqual(keys.map((_, index) => String(index)));
      expect(await store.clear("a[")).toBe(1);
      expect(await store.get("a[1]")).toBeUndefined();
      expect(await store.get("a*")).toBe("1");
    });

    it("does not share state through returned or stored byte arrays", async () => {
      const bytes = new Uint8Array([1, 2, 3]);
      await store.set("key", bytes);
      bytes[0] = 99;
      const first = (await store.get("key")) as Uint8Array;
      first[1] = 99;
      expect(await store.get("key")).toEqual(new Uint8Array([1, 2, 3]));
    });

    it("rejects bad keys, values and TTLs with invalid_input before writing anything", async () => {
      const loose = store as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
      await expect(store.set("", "x")).rejects.toMatchObject({
        code: "invalid_input",
        message: expect.stringContaining("key must be a non-empty string"),
      });
      await expect(store.get("\uD800broken")).rejects.toMatchObject({ code: "invalid_input" });
      await expect(loose.set?.("key", { not: "a string" })).rejects.toMatchObject({
        code: "invalid_input",
        message: expect.stringContaining("JSON.stringify"),
      });
      await expect(store.set("key", "\uDC00 lone")).rejects.toMatchObject({
        code: "invalid_input",
      });
      for (const ttlMs of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
        await expect(store.set("key", "x", { ttlMs })).rejects.toMatchObject({
          code: "invalid_input",
          details: { field: "ttlMs" },
        });
      }
      await expect(
        store.setMany([
          { key: "fine", value: "1" },
          { key: "bad", value: "2", ttlMs: -5 },
        ]),
      ).rejects.toMatchObject({ code: "invalid_input", details: { field: "entries[1].ttlMs" } });
      expect(await store.get("fine")).toBeUndefined();
      expect(await store.get("key")).toBeUndefined();
    });

    it("refuses use after close with store_error, and closing twice is harmless", async () => {
      await store.close();
      await store.close();
      await expect(store.get("key")).rejects.toMatchObject({ code: "store_error" });
      await expect(store.set("key", "value")).rejects.toMatchObject({ code: "store_error" });
    });
  });
}
