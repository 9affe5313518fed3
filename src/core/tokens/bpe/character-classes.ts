// biome-ignore-all lint/style/noNonNullAssertion: typed-array reads in hot loops stay within bounds the loops check; noUncheckedIndexedAccess still types them as possibly undefined, and a runtime fallback would cost time on every read.
import { decodeBase64 } from "./base64.js";
import { readUnicodeClassRuns } from "./data-files.js";

/**
 * Character classes of the o200k_base and cl100k_base pre-tokenization patterns, as bits.
 * A character with none of LETTER, NUMBER and WHITE_SPACE is what the patterns call
 * `[^\s\p{L}\p{N}]` (punctuation, symbols, marks, unassigned code points, lone surrogates).
 */
export const UPPER_SET = 1; // [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]
export const LOWER_SET = 2; // [\p{Ll}\p{Lm}\p{Lo}\p{M}]
export const LETTER = 4; // \p{L}
export const NUMBER = 8; // \p{N}
export const WHITE_SPACE = 16; // \s of the Rust regex crate (Unicode White_Space: has U+0085, not U+FEFF)

/** Code points below this bound have a flat table entry; the few classed ones above are runs. */
const flatTableEnd = 0x40000;

export interface CharacterClasses {
  /** Class bits of code points below 0x40000. */
  readonly flat: Uint8Array;
  /** [first, last, class] of each classed run at or above 0x40000. */
  readonly high: readonly (readonly [number, number, number])[];
}

let loaded: CharacterClasses | undefined;

/** The class tables, expanded from the generated runs on first use. */
export function characterClasses(): CharacterClasses {
  if (loaded !== undefined) return loaded;
  const runs = decodeBase64(readUnicodeClassRuns());
  const flat = new Uint8Array(flatTableEnd);
  const high: [number, number, number][] = [];
  let codePoint = 0;
  let index = 0;
  while (index < runs.length) {
    let length = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = runs[index]!;
      index += 1;
      length |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80);
    const bits = runs[index]!;
    index += 1;
    if (bits !== 0) {
      if (codePoint < flatTableEnd) {
        flat.fill(bits, codePoint, Math.min(codePoint + length, flatTableEnd));
      }
      if (codePoint + length > flatTableEnd) {
        high.push([Math.max(codePoint, flatTableEnd), codePoint + length - 1, bits]);
      }
    }
    codePoint += length;
  }
  loaded = { flat, high };
  return loaded;
}

/** Class bits of a code point at or above 0x40000 (plane 14 variation selectors are marks). */
export function highClassOf(classes: CharacterClasses, codePoint: number): number {
  for (const [first, last, bits] of classes.high) {
    if (codePoint >= first && codePoint <= last) return bits;
  }
  return 0;
}
