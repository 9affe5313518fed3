import { afterEach, describe, expect, it } from "vitest";
import { createBpeTokenizer } from "./bpe/index.js";
import { createGptTokenizer } from "./gpt-tokenizer-engine.js";
import { getTokenizer, setTokenizerImplementation } from "./registry.js";

afterEach(() => {
  setTokenizerImplementation("o200k_base", undefined);
});

describe("default tokenizer engine", () => {
  it("is tokenwise's BPE engine for o200k_base and cl100k_base", () => {
    const bpe = createBpeTokenizer("o200k_base");
    expect(Object.getPrototypeOf(getTokenizer("o200k_base"))).toBe(Object.getPrototypeOf(bpe));
    expect(Object.getPrototypeOf(getTokenizer("cl100k_base"))).toBe(Object.getPrototypeOf(bpe));
  });

  it("is gpt-tokenizer for the legacy encodings", () => {
    const legacy = getTokenizer("p50k_base");
    expect(legacy.encode("hello world")).toEqual(
      createGptTokenizer("p50k_base").encode("hello world"),
    );
    expect(Object.getPrototypeOf(legacy)).not.toBe(
      Object.getPrototypeOf(createBpeTokenizer("o200k_base")),
    );
  });

  it("gives the same ids as gpt-tokenizer, and can be swapped back", () => {
    const text = "Hello, world! 1234567 <|endoftext|> مرحبا 🙂‍↔️";
    const fast = getTokenizer("o200k_base").encode(text);
    setTokenizerImplementation("o200k_base", createGptTokenizer);
    expect(getTokenizer("o200k_base").encode(text)).toEqual(fast);
  });
});
