import { afterEach, describe, expect, it, vi } from "vitest";
import { TokenwiseError } from "../errors/index.js";
import {
  assertTokenizerName,
  ENCODING_NAMES,
  getTokenizer,
  isEncodingName,
  isTokenizerName,
  resolveTokenizer,
  setTokenizerImplementation,
} from "./registry.js";
import type { EncodingName, Tokenizer } from "./tokenizer.js";

function fakeTokenizer(encoding: EncodingName): Tokenizer {
  return {
    encoding,
    encode: (text) => Array.from(text, (character) => character.codePointAt(0) ?? 0),
    decode: (tokens) => String.fromCodePoint(...tokens),
    count: (text) => Array.from(text).length,
    countUpTo: (text, limit) => Math.min(Array.from(text).length, Math.floor(limit) + 1),
  };
}

function catchError(action: () => unknown): TokenwiseError {
  try {
    action();
  } catch (error) {
    if (TokenwiseError.isInstance(error)) {
      return error;
    }
    throw error;
  }
  throw new Error("expected a TokenwiseError");
}

afterEach(() => {
  for (const encoding of ENCODING_NAMES) {
    setTokenizerImplementation(encoding, undefined);
  }
});

describe("getTokenizer", () => {
  it("returns one memoized exact tokenizer per encoding", () => {
    const first = getTokenizer("cl100k_base");
    expect(first.encoding).toBe("cl100k_base");
    expect(first.encode("tiktoken is great!")).toEqual([83, 1609, 5963, 374, 2294, 0]);
    expect(getTokenizer("cl100k_base")).toBe(first);
    expect(getTokenizer("o200k_base").count("お誕生日おめでとう")).toBe(8);
  });

  it("rejects an unknown encoding, listing the valid ones", () => {
    const error = catchError(() => getTokenizer("o100k_base" as EncodingName));
    expect(error.code).toBe("invalid_input");
    expect(error.message).toBe(
      'encoding must be one of "o200k_base", "cl100k_base", "p50k_base", "r50k_base", got "o100k_base"',
    );
    expect(error.details).toEqual({ field: "encoding" });
  });

  it("hints when a model name is passed instead of an encoding", () => {
    expect(() => getTokenizer("gpt-4o" as EncodingName)).toThrow(/looks like a model name/);
    expect(() => getTokenizer("o3-mini" as EncodingName)).toThrow(/looks like a model name/);
    expect(() => getTokenizer(undefined as unknown as EncodingName)).toThrow(/got undefined/);
  });
});

describe("setTokenizerImplementation", () => {
  it("replaces the implementation for one encoding and builds it lazily, once", () => {
    const factory = vi.fn(fakeTokenizer);
    setTokenizerImplementation("p50k_base", factory);
    expect(factory).not.toHaveBeenCalled();
    const tokenizer = getTokenizer("p50k_base");
    expect(tokenizer.count("héllo")).toBe(5);
    expect(getTokenizer("p50k_base")).toBe(tokenizer);
    expect(factory).toHaveBeenCalledTimes(1);
    expect(factory).toHaveBeenCalledWith("p50k_base");
    expect(getTokenizer("r50k_base").encode("hello world")).toEqual([31373, 995]);
  });

  it("restores the default when given undefined", () => {
    const original = getTokenizer("r50k_base");
    setTokenizerImplementation("r50k_base", fakeTokenizer);
    expect(getTokenizer("r50k_base")).not.toBe(original);
    setTokenizerImplementation("r50k_base", undefined);
    expect(getTokenizer("r50k_base").encode("2 + 2 = 4")).toEqual([17, 1343, 362, 796, 604]);
  });

  it("rejects a factory that is not a function or builds the wrong encoding", () => {
    expect(() =>
      setTokenizerImplementation("o200k_base", "fast" as unknown as () => Tokenizer),
    ).toThrow(/factory must be a function/);
    setTokenizerImplementation("o200k_base", () => fakeTokenizer("cl100k_base"));
    expect(() => getTokenizer("o200k_base")).toThrow(
      /factory returned a tokenizer for "cl100k_base" when asked for "o200k_base"/,
    );
    expect(() => setTokenizerImplementation("x" as EncodingName, fakeTokenizer)).toThrow(
      /encoding must be one of/,
    );
  });
});

describe("names and resolveTokenizer", () => {
  it("tells encoding names and tokenizer names apart", () => {
    expect(isEncodingName("r50k_base")).toBe(true);
    expect(isEncodingName("claude")).toBe(false);
    expect(isTokenizerName("claude")).toBe(true);
    expect(isTokenizerName("gemini")).toBe(true);
    expect(isTokenizerName("llama")).toBe(false);
    expect(() => assertTokenizerName("tokenizer", "llama")).toThrow(
      'tokenizer must be one of "o200k_base", "cl100k_base", "p50k_base", "r50k_base", "claude", "gemini", got "llama"',
    );
  });

  it("accepts an encoding name or a Tokenizer object, and names the field otherwise", () => {
    const custom = fakeTokenizer("o200k_base");
    expect(resolveTokenizer("tokenizer", custom)).toBe(custom);
    expect(resolveTokenizer("tokenizer", "cl100k_base").encoding).toBe("cl100k_base");
    expect(() => resolveTokenizer("tokenizer", {} as Tokenizer)).toThrow(
      /tokenizer must be an encoding name .* or a Tokenizer, got an object/,
    );
    expect(() => resolveTokenizer("options.tokenizer", "claude" as EncodingName)).toThrow(
      /options.tokenizer must be one of/,
    );
  });
});
