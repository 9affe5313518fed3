import { createMemoryKeyRegistry } from "./memory-key-registry.js";
import { describeKeyRegistryConformance } from "./test-support/key-registry-conformance.js";

describeKeyRegistryConformance("memory", async () => {
  let now = Date.UTC(2026, 11, 3, 12);
  const registry = createMemoryKeyRegistry({ now: () => now });
  return {
    registry,
    advance: (ms) => {
      now += ms;
    },
    cleanup: () => registry.close(),
  };
});
