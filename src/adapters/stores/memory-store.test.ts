import { describe, expect, it } from "vitest";
import { createMemoryStore } from "./memory-store.js";
import { describeKeyValueStoreConformance } from "./test-support/key-value-store-conformance.js";
import { createManualClock } from "./test-support/manual-clock.js";

describeKeyValueStoreConformance("memory", async () => {
  const clock = createManualClock();
  const store = createMemoryStore({ now: clock.now });
  return { store, advance: clock.advance, cleanup: () => store.close() };
});

describe("createMemoryStore", () => {
  it("evicts the least recently used entry past maxEntries, counting reads as use", async () => {
    const store = createMemoryStore({ maxEntries: 3 });
    await store.set("a", "1");
    await store.set("b", "2");
    await store.set("c", "3");
    await store.get("a");
    await store.set("d", "4");
    expect(await store.getMany(["a", "b", "c", "d"])).toEqual(["1", undefined, "3", "4"]);
    expect(store.size).toBe(3);
  });

  it("evicts by UTF-8 bytes of keys and values past maxBytes", async () => {
    const store = createMemoryStore({ maxBytes: 20 });
    await store.set("k1", "12345678");
    await store.set("k2", new Uint8Array(8));
    expect(store.bytes).toBe(20);
    await store.set("k3", "é");
    expect(store.bytes).toBe(14);
    expect(await store.getMany(["k1", "k2", "k3"])).toEqual([undefined, new Uint8Array(8), "é"]);
  });

  it("refuses a single value larger than maxBytes instead of dropping it silently", async () => {
    const store = createMemoryStore({ maxBytes: 10 });
    await store.set("small", "1");
    await expect(store.set("huge", "x".repeat(20))).rejects.toMatchObject({
      code: "invalid_input",
      message: expect.stringContaining("more than maxBytes 10"),
    });
    expect(await store.get("small")).toBe("1");
  });

  it("prunes expired entries on demand and gives their bytes back", async () => {
    const clock = createManualClock();
    const store = createMemoryStore({ now: clock.now });
    await store.set("a", "1", { ttlMs: 10 });
    await store.set("b", "2", { ttlMs: 10 });
    await store.set("c", "3");
    await clock.advance(10);
    expect(await store.prune()).toBe(2);
    expect(store.size).toBe(1);
    expect(store.bytes).toBe(2);
  });

  it("sweeps expired entries by itself as writes go on", async () => {
    const clock = createManualClock();
    const store = createMemoryStore({ now: clock.now });
    for (let index = 0; index < 500; index++) await store.set(`old${index}`, "x", { ttlMs: 5 });
    await clock.advance(5);
    for (let index = 0; index < 500; index++) await store.set(`new${index}`, "y");
    expect(store.size).toBe(500);
  });

  it("rejects bad limits", () => {
    expect(() => createMemoryStore({ maxEntries: 0 })).toThrow(/maxEntries must be a positive/);
    expect(() => createMemoryStore({ maxBytes: 1.5 })).toThrow(/maxBytes must be a positive/);
  });
});
