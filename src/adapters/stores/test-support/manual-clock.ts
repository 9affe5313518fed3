/** A clock tests move by hand, so TTL behaviour is checked instantly and exactly. */
export interface ManualClock {
  now: () => number;
  advance: (ms: number) => Promise<void>;
}

/**
 * @example
 * ```ts
 * const clock = createManualClock();
 * const store = createMemoryStore({ now: clock.now });
 * await clock.advance(61_000);
 * ```
 */
export function createManualClock(start = Date.UTC(2026, 0, 1)): ManualClock {
  let current = start;
  return {
    now: () => current,
    advance: async (ms) => {
      current += ms;
    },
  };
}

/** Waits real time: how TTL tests move Redis's clock. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
