import { describe, expect, it } from "vitest";
import * as tokens from "./index.js";

describe("tokens public surface", () => {
  it("exports the functions and constants of the module", () => {
    expect(Object.keys(tokens).sort()).toEqual([
      "CLAUDE_TOKENS_PER_O200K_TOKEN",
      "DEFAULT_TRUNCATION_MARKER",
      "ENCODING_NAMES",
      "GEMINI_CHARACTERS_PER_TOKEN",
      "GPT_4O_IMAGE_TOKENS",
      "TOKENIZER_NAMES",
      "chunkByTokens",
      "countChatTokens",
      "countImageTokens",
      "countTextTokens",
      "createBpeTokenizer",
      "createGptTokenizer",
      "createStreamingTokenCounter",
      "defaultTokenizerFactory",
      "fitChatHistory",
      "getTokenizer",
      "isEncodingName",
      "isSafeCut",
      "isTokenizerName",
      "isWithinTokenLimit",
      "lastSafeCut",
      "openAiTileCount",
      "resolveTokenizer",
      "setTokenizerImplementation",
      "truncateText",
      "utf8ByteLength",
    ]);
  });

  it("counts through the public entry point", () => {
    expect(tokens.countTextTokens("tiktoken is great!", "cl100k_base")).toEqual({
      tokens: 6,
      exact: true,
      method: "cl100k_base",
    });
  });
});
