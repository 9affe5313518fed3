import { invalidInput } from "../../errors/index.js";
import type { Tokenizer } from "../tokenizer.js";
import { type BpeEncoding, type BpeEncodingName, BpeTokenizer } from "./bpe-tokenizer.js";
import { readPackedRanks } from "./data-files.js";
import { loadPieceSplitters } from "./piece-splitters.js";
import { Vocabulary } from "./vocabulary.js";

/** Special tokens as tiktoken defines them, so decoding their ids gives their text. */
const specialTokens: Record<BpeEncodingName, ReadonlyMap<number, string>> = {
  o200k_base: new Map([
    [199_999, "<|endoftext|>"],
    [200_018, "<|endofprompt|>"],
  ]),
  cl100k_base: new Map([
    [100_257, "<|endoftext|>"],
    [100_258, "<|fim_prefix|>"],
    [100_259, "<|fim_middle|>"],
    [100_260, "<|fim_suffix|>"],
    [100_276, "<|endofprompt|>"],
  ]),
};

const loaded = new Map<BpeEncodingName, BpeEncoding>();

/** Decodes an encoding's tables on first use; later tokenizers share them. */
function loadEncoding(name: BpeEncodingName): BpeEncoding {
  const existing = loaded.get(name);
  if (existing !== undefined) return existing;
  loadPieceSplitters();
  const vocabulary = new Vocabulary(readPackedRanks(name));
  const encoder = new TextEncoder();
  const specialBytes = new Map<number, Uint8Array>();
  for (const [id, text] of specialTokens[name]) specialBytes.set(id, encoder.encode(text));
  const encoding: BpeEncoding = { name, vocabulary, specialBytes };
  loaded.set(name, encoding);
  return encoding;
}

/**
 * Creates an exact, fast tokenizer for `o200k_base` (GPT-4o, GPT-4.1, GPT-5, o-series) or
 * `cl100k_base` (GPT-4, GPT-3.5): the same token ids as tiktoken, with special-token text
 * treated as ordinary text. The encoding's tables load on the first call for that encoding
 * (about 10 MB, some tens of milliseconds) and are shared; each tokenizer keeps its own caches,
 * which grow with the text it sees up to a fixed 16 MB at most, so reuse one tokenizer.
 *
 * @example
 * ```ts
 * const tokenizer = createBpeTokenizer("o200k_base");
 * tokenizer.encode("hello world"); // [24912, 2375]
 * tokenizer.count("hello world"); // 2
 * tokenizer.countUpTo("a long prompt ...", 1000); // exact when at most 1000, else > 1000
 * ```
 */
export function createBpeTokenizer(encoding: BpeEncodingName): Tokenizer {
  if (encoding !== "o200k_base" && encoding !== "cl100k_base") {
    throw invalidInput(
      "encoding",
      `must be "o200k_base" or "cl100k_base", got ${JSON.stringify(encoding)}; ` +
        "p50k_base and r50k_base are served by the default gpt-tokenizer implementation",
    );
  }
  return new BpeTokenizer(loadEncoding(encoding));
}
