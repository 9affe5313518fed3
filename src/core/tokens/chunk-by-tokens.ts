import { describeValue, invalidInput } from "../errors/index.js";
import {
  boundaryAtOrAfter,
  boundaryAtOrBefore,
  isCharacterBoundary,
} from "./character-boundaries.js";
import { resolveTokenizer } from "./registry.js";
import type { EncodingName, Tokenizer } from "./tokenizer.js";
import { assertNonNegativeInteger, assertPositiveInteger, assertString } from "./validation.js";

export interface ChunkByTokensOptions {
  tokenizer: EncodingName | Tokenizer;
  /** Most tokens in one chunk (counted on the chunk's own text). */
  chunkTokens: number;
  /** Tokens repeated from the end of one chunk at the start of the next. Default 0. */
  overlapTokens?: number;
}

export interface TextChunk {
  /** Position in the list, from 0. */
  index: number;
  text: string;
  /** Tokens of `text` counted on its own; never more than `chunkTokens`. */
  tokens: number;
  /** Where `text` starts in the input, in UTF-16 code units (`input.slice(startChar, endChar)`). */
  startChar: number;
  /** Where `text` ends in the input (exclusive). */
  endChar: number;
}

/** Share of a chunk, at its end, searched for a natural place to cut. */
const NATURAL_CUT_WINDOW = 0.15;

/**
 * Splits `text` into chunks of at most `chunkTokens` tokens, consecutive chunks sharing about
 * `overlapTokens` tokens, for embedding or map-reduce over long documents.
 *
 * Every character of the input is in at least one chunk, and no chunk splits a character.
 * Within the last 15% of each chunk the cut prefers, in order: just after a blank line
 * (paragraph), after a line break or a sentence end (. ! ? and CJK 。！？), then at whitespace;
 * the latest such place wins within its rank, and with none the chunk is cut at the token
 * limit. Each chunk is counted again on its own text (re-encoding can differ from the tokens
 * it held inside the document) and shrunk if needed, so `tokens <= chunkTokens` always holds.
 *
 * @example
 * ```ts
 * const chunks = chunkByTokens(manual, { tokenizer: "cl100k_base", chunkTokens: 512, overlapTokens: 64 });
 * chunks[1].startChar < chunks[0].endChar; // true: they overlap
 * ```
 */
export function chunkByTokens(text: string, options: ChunkByTokensOptions): TextChunk[] {
  assertString("text", text);
  const { tokenizer, chunkTokens, overlapTokens } = readOptions(options);
  const tokens = tokenizer.encode(text);
  const chunks: TextChunk[] = [];
  let start = 0;
  let startChar = 0;
  while (start < tokens.length) {
    let end =
      tokens.length - start <= chunkTokens
        ? tokens.length
        : naturalCut(tokenizer, tokens, { start, limit: start + chunkTokens, chunkTokens });
    let chunk = chunkText(tokenizer, tokens, { text, start, startChar, end });
    while (chunk.tokens > chunkTokens) {
      end = boundaryAtOrBefore(tokenizer, tokens, end - (chunk.tokens - chunkTokens));
      chunk = chunkText(tokenizer, tokens, { text, start, startChar, end });
    }
    if (end <= start) {
      throw invalidInput(
        "chunkTokens",
        `is ${chunkTokens}, too small for the character at index ${startChar} of the text (${describeValue(String.fromCodePoint(text.codePointAt(startChar) ?? 0))}) without splitting it; use at least 4`,
      );
    }
    chunks.push({ index: chunks.length, ...chunk });
    if (end === tokens.length) {
      break;
    }
    let nextStart = boundaryAtOrBefore(tokenizer, tokens, end - overlapTokens);
    if (nextStart <= start) {
      nextStart = boundaryAtOrAfter(tokenizer, tokens, start + 1);
    }
    startChar += tokenizer.decode(tokens.slice(start, nextStart)).length;
    start = nextStart;
  }
  return chunks;
}

interface ChunkBounds {
  text: string;
  start: number;
  startChar: number;
  end: number;
}

function chunkText(
  tokenizer: Tokenizer,
  tokens: readonly number[],
  bounds: ChunkBounds,
): Omit<TextChunk, "index"> {
  const { text, start, startChar, end } = bounds;
  const endChar = startChar + tokenizer.decode(tokens.slice(start, end)).length;
  const slice = text.slice(startChar, endChar);
  return { text: slice, tokens: tokenizer.count(slice), startChar, endChar };
}

interface CutSearch {
  start: number;
  /** Token index the chunk may not pass. */
  limit: number;
  chunkTokens: number;
}

function naturalCut(tokenizer: Tokenizer, tokens: readonly number[], search: CutSearch): number {
  const { start, limit, chunkTokens } = search;
  const lowest = Math.max(
    start + 1,
    limit - Math.max(1, Math.floor(chunkTokens * NATURAL_CUT_WINDOW)),
  );
  let best = 0;
  let bestRank = 0;
  for (let cut = limit; cut >= lowest; cut--) {
    // Three tokens of context before the cut, so a blank line split as "\n" + "\n" still shows.
    const rank = cutRank(
      tokenizer.decode(tokens.slice(Math.max(start, cut - 3), cut)),
      tokenizer.decode(tokens.slice(cut, cut + 1)),
    );
    if (rank > bestRank && isCharacterBoundary(tokenizer, tokens, cut)) {
      best = cut;
      bestRank = rank;
    }
  }
  return bestRank > 0 ? best : boundaryAtOrBefore(tokenizer, tokens, limit);
}

/** How good a place to cut is between two tokens: 3 paragraph, 2 line or sentence, 1 space. */
function cutRank(before: string, after: string): number {
  if (/\n[ \t]*\n[ \t]*$/.test(before)) {
    return 3;
  }
  if (/\n$/.test(before) || /^\r?\n/.test(after)) {
    return 2;
  }
  if (/[.!?]["'”’)\]]*$/.test(before) && /^\s/.test(after)) {
    return 2;
  }
  if (/[。！？]$/.test(before)) {
    return 2;
  }
  return /\s$/.test(before) || /^\s/.test(after) ? 1 : 0;
}

interface ChunkSettings {
  tokenizer: Tokenizer;
  chunkTokens: number;
  overlapTokens: number;
}

function readOptions(options: ChunkByTokensOptions): ChunkSettings {
  if (typeof options !== "object" || options === null) {
    throw invalidInput(
      "options",
      `must be an object like { tokenizer, chunkTokens }, got ${describeValue(options)}`,
    );
  }
  const tokenizer = resolveTokenizer("tokenizer", options.tokenizer);
  assertPositiveInteger("chunkTokens", options.chunkTokens);
  const overlapTokens = options.overlapTokens ?? 0;
  assertNonNegativeInteger("overlapTokens", overlapTokens);
  if (overlapTokens >= options.chunkTokens) {
    throw invalidInput(
      "overlapTokens",
      `is ${overlapTokens} but must be less than chunkTokens (${options.chunkTokens}), or chunks would never advance`,
    );
  }
  return { tokenizer, chunkTokens: options.chunkTokens, overlapTokens };
}
