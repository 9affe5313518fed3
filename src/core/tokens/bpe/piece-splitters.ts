// biome-ignore-all lint/style/noNonNullAssertion: typed-array reads in hot loops stay within bounds the loops check; noUncheckedIndexedAccess still types them as possibly undefined, and a runtime fallback would cost time on every read.
import {
  type CharacterClasses,
  characterClasses,
  highClassOf,
  LETTER,
  LOWER_SET,
  NUMBER,
  UPPER_SET,
  WHITE_SPACE,
} from "./character-classes.js";

/**
 * Returns where the pre-tokenization piece starting at `start` ends: the end of the match the
 * encoding's regular expression finds at `start`. `start` must be below `text.length`.
 */
export type PieceSplitter = (text: string, start: number) => number;

/**
 * Hand-written equivalents of tiktoken's pre-tokenization regular expressions, with the same
 * leftmost-first backtracking results but no regex engine, no substrings and linear time.
 * Proved identical to the regular expressions by `piece-splitters.test.ts`. Plain module
 * functions over module state, so the JIT can inline them into the tokenizer's loops; the
 * class table is set by {@link loadPieceSplitters}, which must run before the first split.
 */
let classes: CharacterClasses = { flat: new Uint8Array(0), high: [] };
let flat = classes.flat;

/** Loads the character classes the splitters read (once; later calls do nothing). */
export function loadPieceSplitters(): void {
  if (flat.length > 0) return;
  classes = characterClasses();
  flat = classes.flat;
}

/** Set in a class value when the character takes two UTF-16 code units. */
const WIDE = 32;
const NOT_OTHER = LETTER | NUMBER | WHITE_SPACE;
const APOSTROPHE = 39;
const LINE_FEED = 10;
const CARRIAGE_RETURN = 13;
const SLASH = 47;
const SPACE = 32;

/** Class bits (plus WIDE) of the character at `index`; lone surrogates are symbols. */
function classAt(text: string, index: number): number {
  const code = text.charCodeAt(index);
  if ((code & 0xfc00) !== 0xd800) return flat[code]!;
  if (index + 1 < text.length) {
    const low = text.charCodeAt(index + 1);
    if ((low & 0xfc00) === 0xdc00) {
      const codePoint = ((code - 0xd800) << 10) + (low - 0xdc00) + 0x10000;
      return (codePoint < flat.length ? flat[codePoint]! : highClassOf(classes, codePoint)) | WIDE;
    }
  }
  return 0;
}

const widthOf = (bits: number): number => (bits & WIDE ? 2 : 1);

/**
 * ASCII fast paths: most text is ASCII, and for it the patterns reduce to a few byte classes.
 * A fast path returns -1 whenever its answer would depend on a non-ASCII character (a run that
 * could continue into one, or a prefix followed by one); the general path then decides.
 */
const ASCII_OTHER = 0;
const ASCII_UPPER = 1;
const ASCII_LOWER = 2;
const ASCII_DIGIT = 3;
const ASCII_SPACE = 4;
const ASCII_LINE_BREAK = 5;
const asciiKinds = new Uint8Array(128);
for (let code = 0; code < 128; code += 1) {
  if (code >= 0x41 && code <= 0x5a) asciiKinds[code] = ASCII_UPPER;
  else if (code >= 0x61 && code <= 0x7a) asciiKinds[code] = ASCII_LOWER;
  else if (code >= 0x30 && code <= 0x39) asciiKinds[code] = ASCII_DIGIT;
  else if (code === LINE_FEED || code === CARRIAGE_RETURN) asciiKinds[code] = ASCII_LINE_BREAK;
  else if (code === SPACE || (code >= 9 && code <= 12)) asciiKinds[code] = ASCII_SPACE;
}

/** `\p{N}{1,3}` over ASCII digits from a digit at `start`, or -1. */
function asciiDigitsEnd(text: string, start: number): number {
  const length = text.length;
  let end = start + 1;
  for (let digits = 1; digits < 3 && end < length; digits += 1) {
    const code = text.charCodeAt(end);
    if (code >= 128) return -1;
    if (asciiKinds[code] !== ASCII_DIGIT) break;
    end += 1;
  }
  return end;
}

/** The white-space alternatives over ASCII white space from `start`, or -1. */
function asciiWhiteSpaceEnd(text: string, start: number): number {
  const length = text.length;
  let index = start;
  let lastLineBreakEnd = -1;
  while (index < length) {
    const code = text.charCodeAt(index);
    if (code >= 128) return -1;
    const kind = asciiKinds[code];
    if (kind === ASCII_SPACE) index += 1;
    else if (kind === ASCII_LINE_BREAK) {
      index += 1;
      lastLineBreakEnd = index;
    } else break;
  }
  if (lastLineBreakEnd !== -1) return lastLineBreakEnd;
  if (index === length || index - start === 1) return index;
  return index - 1;
}

/** `[^\s\p{L}\p{N}]+` over ASCII symbols from `start`, then line breaks (and `/`), or -1. */
function asciiSymbolsEnd(text: string, start: number, slashInTail: boolean): number {
  const length = text.length;
  let index = start + 1;
  while (index < length) {
    const code = text.charCodeAt(index);
    if (code >= 128) return -1;
    if (asciiKinds[code] !== ASCII_OTHER) break;
    index += 1;
  }
  while (index < length) {
    const code = text.charCodeAt(index);
    if (code !== LINE_FEED && code !== CARRIAGE_RETURN && (code !== SLASH || !slashInTail)) break;
    index += 1;
  }
  return index;
}

/**
 * Length of `(?i:'s|'t|'re|'ve|'m|'ll|'d)` at `index`, or 0. Rust's case-insensitive matching
 * folds `ſ` (U+017F) to `s`. Setting bit 5 lowercases ASCII letters and maps no other code unit
 * onto one.
 */
function contractionLength(text: string, index: number): number {
  if (text.charCodeAt(index) !== APOSTROPHE || index + 1 >= text.length) return 0;
  const first = text.charCodeAt(index + 1);
  const letter = first | 0x20;
  if (letter === 0x73 || letter === 0x74 || letter === 0x6d || letter === 0x64) return 2;
  if (first === 0x17f) return 2;
  if (index + 2 >= text.length) return 0;
  const second = text.charCodeAt(index + 2) | 0x20;
  if ((letter === 0x72 || letter === 0x76) && second === 0x65) return 3;
  if (letter === 0x6c && second === 0x6c) return 3;
  return 0;
}

/** Shared tail of both patterns: `\s*[\r\n]+|\s+(?!\S)|\s+` at a white-space character. */
function whiteSpaceEnd(text: string, start: number): number {
  const length = text.length;
  let index = start;
  let lastLineBreakEnd = -1;
  while (index < length) {
    const code = text.charCodeAt(index);
    // Every White_Space character is in the BMP, so surrogates (class 0) end the run.
    if ((flat[code]! & WHITE_SPACE) === 0) break;
    index += 1;
    if (code === LINE_FEED || code === CARRIAGE_RETURN) lastLineBreakEnd = index;
  }
  if (lastLineBreakEnd !== -1) return lastLineBreakEnd;
  if (index === length || index - start === 1) return index;
  return index - 1;
}

/** o200k_base's `U*L+` from `start` (first alternative without its prefix): its end, or -1. */
function upperThenLowerEnd(text: string, start: number): number {
  const length = text.length;
  let index = start;
  let lastLowerEnd = -1;
  while (index < length) {
    const bits = classAt(text, index);
    if ((bits & UPPER_SET) === 0) {
      if ((bits & LOWER_SET) === 0) return lastLowerEnd;
      index += widthOf(bits);
      while (index < length) {
        const next = classAt(text, index);
        if ((next & LOWER_SET) === 0) break;
        index += widthOf(next);
      }
      return index;
    }
    index += widthOf(bits);
    if (bits & LOWER_SET) lastLowerEnd = index;
  }
  return lastLowerEnd;
}

/** o200k_base's `U+L*` from `start` (second alternative without its prefix): its end, or -1. */
function upperFirstEnd(text: string, start: number): number {
  const length = text.length;
  let index = start;
  while (index < length) {
    const bits = classAt(text, index);
    if ((bits & UPPER_SET) === 0) break;
    index += widthOf(bits);
  }
  if (index === start) return -1;
  while (index < length) {
    const bits = classAt(text, index);
    if ((bits & LOWER_SET) === 0) break;
    index += widthOf(bits);
  }
  return index;
}

/**
 * The whole o200k_base pattern over ASCII, as one function because it runs once per piece:
 * an optional prefix, then `[A-Z]*[a-z]+` or `[A-Z]+[a-z]*` and a contraction; digits;
 * symbols; white space.
 */
function o200kAsciiPieceEnd(text: string, start: number, first: number): number {
  const length = text.length;
  let kind = asciiKinds[first]!;
  let index = start;
  let code = first;
  if (kind !== ASCII_UPPER && kind !== ASCII_LOWER) {
    if (kind === ASCII_DIGIT) return asciiDigitsEnd(text, start);
    if (kind === ASCII_LINE_BREAK || start + 1 === length) {
      return kind === ASCII_OTHER
        ? asciiSymbolsEnd(text, start, true)
        : asciiWhiteSpaceEnd(text, start);
    }
    code = text.charCodeAt(start + 1);
    if (code >= 128) return -1;
    const nextKind = asciiKinds[code]!;
    if (nextKind !== ASCII_UPPER && nextKind !== ASCII_LOWER) {
      if (first === SPACE && nextKind === ASCII_OTHER) {
        return asciiSymbolsEnd(text, start + 1, true);
      }
      return kind === ASCII_OTHER
        ? asciiSymbolsEnd(text, start, true)
        : asciiWhiteSpaceEnd(text, start);
    }
    index = start + 1;
    kind = nextKind;
  }
  if (kind === ASCII_UPPER) {
    index += 1;
    for (;;) {
      if (index === length) return index;
      code = text.charCodeAt(index);
      if (code >= 128) return -1;
      kind = asciiKinds[code]!;
      if (kind !== ASCII_UPPER) break;
      index += 1;
    }
  }
  if (kind === ASCII_LOWER) {
    index += 1;
    for (;;) {
      if (index === length) return index;
      code = text.charCodeAt(index);
      if (code >= 128) return -1;
      if (asciiKinds[code] !== ASCII_LOWER) break;
      index += 1;
    }
  }
  return code === APOSTROPHE ? index + contractionLength(text, index) : index;
}

/**
 * End of the o200k_base piece at `start`. The pattern:
 * `[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?`
 * `|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?`
 * `|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+`
 */
export function o200kPieceEnd(text: string, start: number): number {
  const length = text.length;
  const code = text.charCodeAt(start);
  if (code < 128) {
    const asciiEnd = o200kAsciiPieceEnd(text, start, code);
    if (asciiEnd !== -1) return asciiEnd;
  }
  const bits = code < 128 ? flat[code]! : classAt(text, start);
  const width = widthOf(bits);
  const afterPrefix = start + width;
  const prefixAllowed =
    (bits & (LETTER | NUMBER)) === 0 &&
    code !== LINE_FEED &&
    code !== CARRIAGE_RETURN &&
    afterPrefix < length;
  let end: number;
  if (prefixAllowed) {
    end = upperThenLowerEnd(text, afterPrefix);
    if (end !== -1) return end + contractionLength(text, end);
  }
  if (bits & (UPPER_SET | LOWER_SET)) {
    end = upperThenLowerEnd(text, start);
    if (end !== -1) return end + contractionLength(text, end);
  }
  if (prefixAllowed) {
    end = upperFirstEnd(text, afterPrefix);
    if (end !== -1) return end + contractionLength(text, end);
  }
  if (bits & UPPER_SET) {
    end = upperFirstEnd(text, start);
    if (end !== -1) return end + contractionLength(text, end);
  }
  if (bits & NUMBER) {
    end = afterPrefix;
    for (let digits = 1; digits < 3 && end < length; digits += 1) {
      const next = classAt(text, end);
      if ((next & NUMBER) === 0) break;
      end += widthOf(next);
    }
    return end;
  }
  let symbolsStart = start;
  let symbolBits = bits;
  if (code === SPACE && afterPrefix < length) {
    const next = classAt(text, afterPrefix);
    if ((next & NOT_OTHER) === 0) {
      symbolsStart = afterPrefix;
      symbolBits = next;
    }
  }
  if ((symbolBits & NOT_OTHER) === 0) {
    end = symbolsStart + widthOf(symbolBits);
    while (end < length) {
      const next = classAt(text, end);
      if ((next & NOT_OTHER) !== 0) break;
      end += widthOf(next);
    }
    while (end < length) {
      const next = text.charCodeAt(end);
      if (next !== LINE_FEED && next !== CARRIAGE_RETURN && next !== SLASH) break;
      end += 1;
    }
    return end;
  }
  return whiteSpaceEnd(text, start);
}

/** cl100k_base's `\p{L}+` from `start`: its end. */
function letterRunEnd(text: string, start: number): number {
  const length = text.length;
  let index = start;
  while (index < length) {
    const bits = classAt(text, index);
    if ((bits & LETTER) === 0) break;
    index += widthOf(bits);
  }
  return index;
}

/** The whole cl100k_base pattern over ASCII, as one function (see o200kAsciiPieceEnd). */
function cl100kAsciiPieceEnd(text: string, start: number, first: number): number {
  const length = text.length;
  let kind = asciiKinds[first]!;
  let index = start;
  if (kind !== ASCII_UPPER && kind !== ASCII_LOWER) {
    if (kind === ASCII_DIGIT) return asciiDigitsEnd(text, start);
    if (kind === ASCII_LINE_BREAK || start + 1 === length) {
      return kind === ASCII_OTHER
        ? asciiSymbolsEnd(text, start, false)
        : asciiWhiteSpaceEnd(text, start);
    }
    const next = text.charCodeAt(start + 1);
    if (next >= 128) return -1;
    const nextKind = asciiKinds[next]!;
    if (nextKind !== ASCII_UPPER && nextKind !== ASCII_LOWER) {
      if (first === SPACE && nextKind === ASCII_OTHER) {
        return asciiSymbolsEnd(text, start + 1, false);
      }
      return kind === ASCII_OTHER
        ? asciiSymbolsEnd(text, start, false)
        : asciiWhiteSpaceEnd(text, start);
    }
    index = start + 1;
  }
  index += 1;
  for (;;) {
    if (index === length) return index;
    const code = text.charCodeAt(index);
    if (code >= 128) return -1;
    kind = asciiKinds[code]!;
    if (kind !== ASCII_UPPER && kind !== ASCII_LOWER) return index;
    index += 1;
  }
}

/**
 * End of the cl100k_base piece at `start`. The pattern:
 * `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*`
 * `|\s*[\r\n]+|\s+(?!\S)|\s+`
 */
export function cl100kPieceEnd(text: string, start: number): number {
  const length = text.length;
  const code = text.charCodeAt(start);
  if (code === APOSTROPHE) {
    const contraction = contractionLength(text, start);
    if (contraction !== 0) return start + contraction;
  }
  if (code < 128) {
    const asciiEnd = cl100kAsciiPieceEnd(text, start, code);
    if (asciiEnd !== -1) return asciiEnd;
  }
  const bits = code < 128 ? flat[code]! : classAt(text, start);
  const width = widthOf(bits);
  const afterPrefix = start + width;
  if (bits & LETTER) return letterRunEnd(text, afterPrefix);
  if (
    (bits & NUMBER) === 0 &&
    code !== LINE_FEED &&
    code !== CARRIAGE_RETURN &&
    afterPrefix < length &&
    classAt(text, afterPrefix) & LETTER
  ) {
    return letterRunEnd(text, afterPrefix);
  }
  if (bits & NUMBER) {
    let end = afterPrefix;
    for (let digits = 1; digits < 3 && end < length; digits += 1) {
      const next = classAt(text, end);
      if ((next & NUMBER) === 0) break;
      end += widthOf(next);
    }
    return end;
  }
  let symbolsStart = start;
  let symbolBits = bits;
  if (code === SPACE && afterPrefix < length) {
    const next = classAt(text, afterPrefix);
    if ((next & NOT_OTHER) === 0) {
      symbolsStart = afterPrefix;
      symbolBits = next;
    }
  }
  if ((symbolBits & NOT_OTHER) === 0) {
    let end = symbolsStart + widthOf(symbolBits);
    while (end < length) {
      const next = classAt(text, end);
      if ((next & NOT_OTHER) !== 0) break;
      end += widthOf(next);
    }
    while (end < length) {
      const next = text.charCodeAt(end);
      if (next !== LINE_FEED && next !== CARRIAGE_RETURN) break;
      end += 1;
    }
    return end;
  }
  return whiteSpaceEnd(text, start);
}
