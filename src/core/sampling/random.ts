import { invalidInput } from "../errors/index.js";

/** A source of uniform floats in [0, 1), such as `Math.random` or {@link createRandom}. */
export type RandomSource = () => number;

const UINT64_MASK = (1n << 64n) - 1n;
const UINT32_MASK = 0xffff_ffffn;
const TWO_POW_26 = 67_108_864;
const TWO_POW_53 = 9_007_199_254_740_992;

/**
 * A seeded pseudo-random generator of floats in [0, 1): the same seed always gives the same
 * sequence, in every JavaScript runtime.
 *
 * The generator is xoshiro128** (Blackman & Vigna), its 128-bit state filled by SplitMix64
 * from the seed as its authors recommend. Each float takes two 32-bit outputs and keeps 53
 * bits, so every double of the form `m / 2^53` can appear. A string seed is hashed with
 * 64-bit FNV-1a over its UTF-8 bytes. Not for cryptography.
 *
 * @param seed A safe integer (negative allowed) or any string.
 * @example
 * ```ts
 * const random = createRandom(42);
 * random(); // 0.41370166815658871, on every machine
 * const again = createRandom("experiment-7"); // strings work as seeds too
 * ```
 */
export function createRandom(seed: number | string): RandomSource {
  let splitMixState = seedToUint64(seed);
  const nextSplitMix = (): bigint => {
    splitMixState = (splitMixState + 0x9e3779b97f4a7c15n) & UINT64_MASK;
    let z = splitMixState;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & UINT64_MASK;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & UINT64_MASK;
    return z ^ (z >> 31n);
  };
  const first = nextSplitMix();
  const second = nextSplitMix();
  // SplitMix64 is a bijection of its counter, so two consecutive outputs are never both zero:
  // the all-zero state xoshiro must avoid cannot occur.
  const state = new Uint32Array([
    Number(first & UINT32_MASK),
    Number(first >> 32n),
    Number(second & UINT32_MASK),
    Number(second >> 32n),
  ]);

  const nextUint32 = (): number => {
    const s0 = state[0] as number;
    const s1 = state[1] as number;
    const s2 = state[2] as number;
    const s3 = state[3] as number;
    const result = Math.imul(rotateLeft(Math.imul(s1, 5), 7), 9) >>> 0;
    const shifted = s1 << 9;
    const t2 = s2 ^ s0;
    const t3 = s3 ^ s1;
    state[0] = s0 ^ t3;
    state[1] = s1 ^ t2;
    state[2] = t2 ^ shifted;
    state[3] = rotateLeft(t3, 11);
    return result;
  };

  return () => {
    const high = nextUint32() >>> 5;
    const low = nextUint32() >>> 6;
    return (high * TWO_POW_26 + low) / TWO_POW_53;
  };
}

function rotateLeft(value: number, bits: number): number {
  return (value << bits) | (value >>> (32 - bits));
}

function seedToUint64(seed: number | string): bigint {
  if (typeof seed === "string") return fnv1a64(new TextEncoder().encode(seed));
  if (typeof seed === "number" && Number.isSafeInteger(seed)) {
    return BigInt.asUintN(64, BigInt(seed));
  }
  throw invalidInput(
    "seed",
    `must be a safe integer or a string, got ${describe(seed)}; use e.g. 42 or "run-1"`,
  );
}

function fnv1a64(bytes: Uint8Array): bigint {
  let hash = 0xcbf29ce484222325n;
  for (const byte of bytes) {
    hash = ((hash ^ BigInt(byte)) * 0x100000001b3n) & UINT64_MASK;
  }
  return hash;
}

function describe(value: unknown): string {
  return typeof value === "number" ? String(value) : typeof value;
}
