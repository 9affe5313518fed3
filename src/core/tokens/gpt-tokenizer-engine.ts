import {
  describeValue,
  invalidInput,
  OPTIONAL_DEPENDENCIES,
  requireOptional,
} from "../errors/index.js";
import type { EncodingName, Tokenizer } from "./tokenizer.js";
import { utf8ByteLength } from "./utf8-byte-length.js";
import { assertString, assertTokenLimit } from "./validation.js";

/** The part of a gpt-tokenizer per-encoding module tokenwise uses. */
interface GptTokenizerEncoding {
  encode(text: string, options: EncodeOptions): number[];
  countTokens(text: string, options: EncodeOptions): number;
  isWithinTokenLimit(text: string, limit: number, options: EncodeOptions): false | number;
}

interface EncodeOptions {
  allowedSpecial?: Set<string>;
  disallowedSpecial?: Set<string>;
}

/** Index = token id; value = the token's text, or its raw bytes when they are not valid UTF-8. */
type RankTable = ReadonlyArray<string | readonly number[] | undefined>;

// An empty disallowed set (and no allowed set) makes gpt-tokenizer treat "<|endoftext|>" and the
// other special-token texts as ordinary text, like tiktoken's encode_ordinary, instead of throwing.
const ORDINARY_TEXT: EncodeOptions = { disallowedSpecial: new Set() };

const SPECIAL_TOKEN_TEXTS = [
  "<|endoftext|>",
  "<|fim_prefix|>",
  "<|fim_middle|>",
  "<|fim_suffix|>",
  "<|endofprompt|>",
];

// Synchronous loading keeps getTokenizer() synchronous; CommonJS entry points load one
// vocabulary each, so only the encodings actually used are ever parsed. gpt-tokenizer is an
// optional peer dependency: only p50k_base and r50k_base need it.
const GPT_TOKENIZER = OPTIONAL_DEPENDENCIES["gpt-tokenizer"];

/**
 * Exact tokenizer for `encoding` backed by the vocabulary shipped in the `gpt-tokenizer`
 * package. Prefer {@link getTokenizer}, which memoizes and honours replaced implementations.
 *
 * Decoding is done here rather than by gpt-tokenizer: its decoder keeps an incomplete UTF-8
 * sequence in a shared streaming state, so a cut through a character would vanish and then
 * leak into the next, unrelated decode call. Here such a cut decodes to U+FFFD, as the
 * {@link Tokenizer} contract says.
 *
 * @example
 * ```ts
 * const tokenizer = createGptTokenizer("cl100k_base");
 * tokenizer.encode("tiktoken is great!"); // [83, 1609, 5963, 374, 2294, 0]
 * ```
 */
export function createGptTokenizer(encoding: EncodingName): Tokenizer {
  const api = requireOptional<GptTokenizerEncoding>(
    GPT_TOKENIZER,
    `gpt-tokenizer/encoding/${encoding}`,
  );
  const ranks = requireOptional<{ default: RankTable }>(
    GPT_TOKENIZER,
    `gpt-tokenizer/bpeRanks/${encoding}`,
  ).default;
  const utf8 = new TextDecoder("utf-8");
  let specialTokenTexts: Map<number, string> | undefined;

  const specialTokenText = (token: number): string | undefined => {
    specialTokenTexts ??= findSpecialTokenTexts(api, ranks);
    return specialTokenTexts.get(token);
  };

  return {
    encoding,
    encode(text) {
      assertString("text", text);
      return api.encode(text, ORDINARY_TEXT);
    },
    decode(tokens) {
      let text = "";
      let pendingBytes: number[] = [];
      const flushPendingBytes = () => {
        if (pendingBytes.length > 0) {
          text += utf8.decode(Uint8Array.from(pendingBytes));
          pendingBytes = [];
        }
      };
      for (const token of tokens) {
        const piece = ranks[token];
        if (typeof piece === "string") {
          flushPendingBytes();
          text += piece;
        } else if (piece !== undefined) {
          pendingBytes.push(...piece);
        } else {
          const special = specialTokenText(token);
          if (special === undefined) {
            throw invalidInput(
              "tokens",
              `contains ${describeValue(token)}, which is not a token id of ${encoding}; decode only ids produced by the same encoding`,
            );
          }
          flushPendingBytes();
          text += special;
        }
      }
      flushPendingBytes();
      return text;
    },
    count(text) {
      assertString("text", text);
      return api.countTokens(text, ORDINARY_TEXT);
    },
    countUpTo(text, limit) {
      assertString("text", text);
      assertTokenLimit(limit);
      // Every token is at least one byte, so a text of at most `limit` bytes cannot pass the
      // limit: count it directly instead of through the slower token-by-token limit check.
      if (text.length * 3 <= limit || utf8ByteLength(text) <= limit) {
        return api.countTokens(text, ORDINARY_TEXT);
      }
      const count = api.isWithinTokenLimit(text, limit, ORDINARY_TEXT);
      return count === false ? Math.floor(limit) + 1 : count;
    },
  };
}

function findSpecialTokenTexts(api: GptTokenizerEncoding, ranks: RankTable): Map<number, string> {
  const texts = new Map<number, string>();
  for (const text of SPECIAL_TOKEN_TEXTS) {
    const tokens = api.encode(text, { allowedSpecial: new Set([text]) });
    const token = tokens[0];
    if (tokens.length === 1 && token !== undefined && ranks[token] === undefined) {
      texts.set(token, text);
    }
  }
  return texts;
}
