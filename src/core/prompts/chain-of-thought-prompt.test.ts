import { describe, expect, it } from "vitest";
import { buildChainOfThoughtPrompt, DEFAULT_CHAIN_OF_THOUGHT_STEPS } from "./index.js";

describe("buildChainOfThoughtPrompt", () => {
  it("builds the default four-step scaffold ending in an open Step 1", () => {
    expect(
      buildChainOfThoughtPrompt({ question: "If 3 pencils cost $1.20, how much do 7 cost?" }),
    ).toBe(
      "If 3 pencils cost $1.20, how much do 7 cost?\n\n" +
        "Let's solve this step by step:\n" +
        "1. First, I'll identify what we know\n" +
        "2. Then, I'll figure out what we need to find\n" +
        "3. Next, I'll work through the logic\n" +
        "4. Finally, I'll state the answer\n\n" +
        "Step 1:",
    );
  });

  it("numbers custom steps", () => {
    expect(
      buildChainOfThoughtPrompt({
        question: "  Why? ",
        steps: ["Restate the bug", " Find the cause ", "Fix it"],
      }),
    ).toBe(
      "Why?\n\nLet's solve this step by step:\n1. Restate the bug\n2. Find the cause\n3. Fix it\n\nStep 1:",
    );
  });

  it("keeps the default steps frozen", () => {
    expect(Object.isFrozen(DEFAULT_CHAIN_OF_THOUGHT_STEPS)).toBe(true);
    expect(DEFAULT_CHAIN_OF_THOUGHT_STEPS).toHaveLength(4);
  });

  it("rejects a blank question, empty steps and blank steps", () => {
    expect(() => buildChainOfThoughtPrompt({ question: " " })).toThrowError(
      /^question must be a non-empty string/,
    );
    expect(() => buildChainOfThoughtPrompt({ question: "Q", steps: [] })).toThrowError(
      "steps must be a non-empty array of strings; omit it to use the default four-step plan",
    );
    expect(() => buildChainOfThoughtPrompt({ question: "Q", steps: ["ok", ""] })).toThrowError(
      /^steps\[1\] must be a non-empty string/,
    );
  });
});
