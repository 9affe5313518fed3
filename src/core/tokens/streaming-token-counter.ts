import { invalidInput } from "../errors/index.js";
import { countCodePoints, estimateFromCounts, estimateMethod } from "./estimated-tokenizers.js";
import { assertTokenizerName, getTokenizer, isEncodingName } from "./registry.js";
import { lastSafeCut } from "./safe-cut.js";
import type { TokenCount } from "./token-count.js";
import type { EncodingName, TokenizerName } from "./tokenizer.js";
import { assertPositiveInteger, assertString } from "./validation.js";

export interface StreamingTokenCounterOptions {
  /** Tokenizers to count for, all in one pass over the text. */
  tokenizers: readonly TokenizerName[];
  /** Also collect the token ids of these exact encodings (memory grows with the ids). */
  ids?: readonly EncodingName[];
  /**
   * Text is counted once this many UTF-16 code units are waiting (default 65,536). Smaller
   * values only cost speed; tests use tiny ones to cut often.
   */
  chunkCodeUnits?: number;
}

/** What a streamed text counted: one {@link TokenCount} per requested tokenizer, in order. */
export interface StreamedTokenCounts {
  counts: TokenCount[];
  /** Unicode code points (characters) of the whole text. */
  characters: number;
  /** Token ids per encoding asked for in `ids`. */
  ids: Map<EncodingName, number[]>;
}

export interface StreamingTokenCounter {
  /** Adds the next part of the text; a part may end anywhere, even inside a word or a run. */
  write(text: string): void;
  /** Counts what is still waiting and returns the totals; the counter is then finished. */
  end(): StreamedTokenCounts;
}

const DEFAULT_CHUNK_CODE_UNITS = 65_536;

/**
 * Counts a text that arrives in parts, in memory bounded by the chunk size rather than the
 * text: waiting text is cut only where no encoding's pre-tokenizer can join the two sides (see
 * {@link isSafeCut}), so the totals equal counting the whole text at once, for every cut the
 * parts arrive with. Each exact encoding is counted once however many tokenizers need it (the
 * Claude and Gemini estimates reuse the o200k_base count). A text with no safe cut for a long
 * stretch (megabytes without a space, a punctuation mark or a letter next to a non-letter) is
 * held until one comes.
 *
 * @example
 * ```ts
 * const counter = createStreamingTokenCounter({ tokenizers: ["o200k_base", "claude"] });
 * for await (const part of textParts) counter.write(part);
 * const { counts, characters } = counter.end();
 * counts[0]; // { tokens: ..., exact: true, method: "o200k_base" }
 * ```
 */
export function createStreamingTokenCounter(
  options: StreamingTokenCounterOptions,
): StreamingTokenCounter {
  if (!Array.isArray(options?.tokenizers) || options.tokenizers.length === 0) {
    throw invalidInput("tokenizers", 'must list at least one tokenizer, such as ["o200k_base"]');
  }
  for (const [index, name] of options.tokenizers.entries()) {
    assertTokenizerName(`tokenizers[${index}]`, name);
  }
  const chunkCodeUnits = options.chunkCodeUnits ?? DEFAULT_CHUNK_CODE_UNITS;
  assertPositiveInteger("chunkCodeUnits", chunkCodeUnits);
  const encodings = new Set<EncodingName>();
  for (const name of options.tokenizers) encodings.add(isEncodingName(name) ? name : "o200k_base");
  const idEncodings = new Set(options.ids ?? []);
  for (const name of idEncodings) {
    if (!isEncodingName(name)) throw invalidInput("ids", `names ${name}, not an exact encoding`);
    encodings.add(name);
  }
  const totals = new Map<EncodingName, number>([...encodings].map((name) => [name, 0]));
  const ids = new Map<EncodingName, number[]>([...idEncodings].map((name) => [name, []]));
  let characters = 0;
  let pending = "";
  /** No safe cut lies before this index of `pending`: the search need not look there again. */
  let searchedUpTo = 0;
  let ended = false;

  const count = (text: string) => {
    if (text === "") return;
    characters += countCodePoints(text);
    for (const encoding of encodings) {
      const tokenizer = getTokenizer(encoding);
      const collected = ids.get(encoding);
      if (collected === undefined) {
        totals.set(encoding, (totals.get(encoding) ?? 0) + tokenizer.count(text));
      } else {
        const encoded = tokenizer.encode(text);
        for (const id of encoded) collected.push(id);
        totals.set(encoding, (totals.get(encoding) ?? 0) + encoded.length);
      }
    }
  };

  return {
    write(text) {
      if (ended) throw invalidInput("write", "was called after end(); create a new counter");
      assertString("text", text);
      pending += text;
      if (pending.length < chunkCodeUnits) return;
      const cut = lastSafeCut(pending, searchedUpTo);
      if (cut === -1) {
        searchedUpTo = Math.max(0, pending.length - 1);
        return;
      }
      count(pending.slice(0, cut));
      pending = pending.slice(cut);
      searchedUpTo = 0;
    },
    end() {
      if (ended) throw invalidInput("end", "was called twice; create a new counter");
      ended = true;
      count(pending);
      pending = "";
      const counts = options.tokenizers.map((name) => finalCount(name, totals, characters));
      return { counts, characters, ids };
    },
  };
}

function finalCount(
  name: TokenizerName,
  totals: ReadonlyMap<EncodingName, number>,
  characters: number,
): TokenCount {
  if (isEncodingName(name)) return { tokens: totals.get(name) ?? 0, exact: true, method: name };
  const tokens = estimateFromCounts(name, {
    o200kTokens: totals.get("o200k_base") ?? 0,
    codePoints: characters,
  });
  return { tokens, exact: false, method: estimateMethod(name) };
}
