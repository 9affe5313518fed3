import { describe, expect, it } from "vitest";
import { createMemoryStore } from "../../adapters/stores/index.js";
import { namespacedStore } from "./namespaced-store.js";

describe("namespacedStore", () => {
  it("prefixes every key and clears only its own entries", async () => {
    const store = createMemoryStore();
    const tenantA = namespacedStore(store, "a:");
    const tenantB = namespacedStore(store, "b:");
    await tenantA.set("k", "from A");
    await tenantA.setMany([{ key: "j", value: "also A" }]);
    await tenantB.set("k", "from B");
    expect(await store.get("a:k")).toBe("from A");
    expect(await tenantA.getMany(["k", "j", "missing"])).toEqual(["from A", "also A", undefined]);
    expect(await tenantA.clear()).toBe(2);
    expect(await tenantB.get("k")).toBe("from B");
    await tenantB.close();
    expect(await store.get("b:k")).toBe("from B");
    expect(await tenantB.delete("k")).toBe(true);
  });
});
