/**
 * A small deterministic random number generator (mulberry32), so a mock with an error rate
 * fails the same requests on every run with the same seed.
 *
 * @example
 * ```ts
 * const random = createSeededRandom(42);
 * random(); // 0.6011037519201636, every time
 * ```
 */
export function createSeededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}
