import { describe, expect, it } from "vitest";
import { TokenwiseError } from "../errors/index.js";
import { createRandom } from "../sampling/index.js";
import { buildFewShotPrompt, type FewShotExample, type FewShotPromptOptions } from "./index.js";

/** A simple exact counter: whitespace-separated words. */
const countWords = (text: string): number => text.split(/\s+/).filter(Boolean).length;

const sentiment: FewShotPromptOptions = {
  taskDescription: "Classify the sentiment of the text as positive, negative, or neutral.",
  examples: [
    { input: "This product is amazing!", output: "positive" }, // 9 words as a block
    { input: "Worst purchase ever.", output: "negative" }, // 8 words
    { input: "It's okay, nothing special.", output: "neutral" }, // 9 words
  ],
  input: "The quality exceeded my expectations!",
};
// Task (11 words) + "Now process this: Input: … Output:" (10 words).
const BASE_WORDS = 21;

const TASK = "Classify the sentiment of the text as positive, negative, or neutral.\n\n";
const TAIL = "Now process this:\nInput: The quality exceeded my expectations!\nOutput:";
const block = (n: number, example: FewShotExample): string =>
  `Example ${n}:\nInput: ${example.input}\nOutput: ${example.output}\n\n`;
const [amazing, worst, okay] = sentiment.examples as [
  FewShotExample,
  FewShotExample,
  FewShotExample,
];

describe("buildFewShotPrompt", () => {
  it("keeps the tutorial's layout and uses every example without a budget", () => {
    const result = buildFewShotPrompt(sentiment);
    expect(result.prompt).toBe(
      "Classify the sentiment of the text as positive, negative, or neutral.\n\n" +
        "Example 1:\nInput: This product is amazing!\nOutput: positive\n\n" +
        "Example 2:\nInput: Worst purchase ever.\nOutput: negative\n\n" +
        "Example 3:\nInput: It's okay, nothing special.\nOutput: neutral\n\n" +
        "Now process this:\nInput: The quality exceeded my expectations!\nOutput:",
    );
    expect(result).toMatchObject({ examplesUsed: 3, examplesDropped: 0, usedIndices: [0, 1, 2] });
    expect(result).not.toHaveProperty("tokens");
  });

  it("reports tokens when a counter is given", () => {
    expect(buildFewShotPrompt({ ...sentiment, count: countWords }).tokens).toBe(47);
  });

  it("adds examples in order while they fit the budget", () => {
    const fits38 = buildFewShotPrompt({ ...sentiment, count: countWords, maxTokens: 40 });
    expect(fits38).toEqual({
      prompt: TASK + block(1, amazing) + block(2, worst) + TAIL,
      examplesUsed: 2,
      examplesDropped: 1,
      usedIndices: [0, 1],
      tokens: 38,
    });
    expect(
      buildFewShotPrompt({ ...sentiment, count: countWords, maxTokens: 47 }).examplesUsed,
    ).toBe(3);
    expect(
      buildFewShotPrompt({ ...sentiment, count: countWords, maxTokens: 46 }).examplesUsed,
    ).toBe(2);
  });

  it("skips an example that does not fit and tries the next", () => {
    // Budget 37: example 0 fits (30), adding 1 (38) or 2 (39) would not.
    const tight = buildFewShotPrompt({ ...sentiment, count: countWords, maxTokens: 37 });
    expect(tight.usedIndices).toEqual([0]);
    expect(tight.tokens).toBe(30);
    const longFirst = buildFewShotPrompt({
      ...sentiment,
      examples: [
        { input: "a very long example that will never fit the budget", output: "x" },
        worst,
      ],
      count: countWords,
      maxTokens: 30,
    });
    expect(longFirst.usedIndices).toEqual([1]);
    expect(longFirst.prompt).toBe(TASK + block(1, worst) + TAIL);
    expect(longFirst.tokens).toBe(29);
  });

  it("with select shortest, prefers the examples with fewest tokens", () => {
    const result = buildFewShotPrompt({
      ...sentiment,
      count: countWords,
      maxTokens: 37,
      select: "shortest",
    });
    expect(result.usedIndices).toEqual([1]);
    expect(result.prompt).toBe(TASK + block(1, worst) + TAIL);
    expect(result.tokens).toBe(29);
  });

  it("with a custom selector, uses only the indices it returns, in priority order", () => {
    const calls: Array<[readonly FewShotExample[], string]> = [];
    const preferNeutralThenPositive = (examples: readonly FewShotExample[], input: string) => {
      calls.push([examples, input]);
      return [2, 0];
    };
    const all = buildFewShotPrompt({ ...sentiment, select: preferNeutralThenPositive });
    expect(all.usedIndices).toEqual([0, 2]);
    expect(all.prompt).toBe(TASK + block(1, amazing) + block(2, okay) + TAIL);
    expect(all.examplesDropped).toBe(1);
    expect(calls[0]?.[1]).toBe("The quality exceeded my expectations!");

    const budgeted = buildFewShotPrompt({
      ...sentiment,
      select: preferNeutralThenPositive,
      count: countWords,
      maxTokens: 35,
    });
    expect(budgeted.usedIndices).toEqual([2]);
    expect(budgeted.tokens).toBe(30);
  });

  it("fits exactly the bare prompt and says by how much a smaller budget is over", () => {
    const bare = buildFewShotPrompt({ ...sentiment, count: countWords, maxTokens: BASE_WORDS });
    expect(bare).toEqual({
      prompt: TASK + TAIL,
      examplesUsed: 0,
      examplesDropped: 3,
      usedIndices: [],
      tokens: 21,
    });
    try {
      buildFewShotPrompt({ ...sentiment, count: countWords, maxTokens: 18 });
      expect.unreachable();
    } catch (error) {
      expect(TokenwiseError.hasCode(error, "context_window_exceeded")).toBe(true);
      expect((error as Error).message).toBe(
        "maxTokens is 18 but the prompt without any examples already takes 21 tokens (3 over); raise maxTokens or shorten taskDescription or input",
      );
      expect((error as TokenwiseError).details).toEqual({
        field: "maxTokens",
        maxTokens: 18,
        tokens: 21,
        overBy: 3,
      });
    }
  });

  it("never exceeds the budget with a counter that is not additive", () => {
    // Rounding up per call makes the whole cost less than the sum of its parts.
    const roughCount = (text: string): number => Math.ceil(text.length / 7);
    const random = createRandom("few-shot");
    const examples = Array.from({ length: 40 }, (_, i) => ({
      input: "word ".repeat(1 + Math.floor(random() * 30)).trim(),
      output: `label-${i}`,
    }));
    for (const maxTokens of [40, 75, 120, 300, 1000]) {
      for (const select of ["first", "shortest"] as const) {
        const result = buildFewShotPrompt({
          taskDescription: "Label it.",
          examples,
          input: "word",
          count: roughCount,
          maxTokens,
          select,
        });
        expect(result.tokens).toBe(roughCount(result.prompt));
        expect(result.tokens).toBeLessThanOrEqual(maxTokens);
        expect(result.examplesUsed + result.examplesDropped).toBe(40);
      }
    }
  });

  it("leaves no dropped example that would still fit (additive counter)", () => {
    const random = createRandom("maximal");
    const examples = Array.from({ length: 25 }, (_, i) => ({
      input: "w ".repeat(1 + Math.floor(random() * 20)).trim(),
      output: `o${i}`,
    }));
    const result = buildFewShotPrompt({
      taskDescription: "Do it.",
      examples,
      input: "w",
      count: countWords,
      maxTokens: 150,
    });
    const used = new Set(result.usedIndices);
    examples.forEach((example, index) => {
      if (used.has(index)) return;
      const wordsIfAdded = (result.tokens as number) + countWords(block(1, example));
      expect(wordsIfAdded).toBeGreaterThan(150);
    });
    expect(result.examplesUsed).toBeGreaterThan(0);
    expect(result.examplesDropped).toBeGreaterThan(0);
  });

  it("keeps example texts and input exactly, trimming only the task description", () => {
    const result = buildFewShotPrompt({
      taskDescription: "  Echo.\n",
      examples: [{ input: " spaced ", output: "" }],
      input: "  indented",
    });
    expect(result.prompt).toBe(
      "Echo.\n\nExample 1:\nInput:  spaced \nOutput: \n\nNow process this:\nInput:   indented\nOutput:",
    );
  });

  it("works with no examples", () => {
    expect(buildFewShotPrompt({ ...sentiment, examples: [] }).prompt).toBe(TASK + TAIL);
  });

  it("rejects bad options, naming the field", () => {
    expect(() => buildFewShotPrompt({ ...sentiment, taskDescription: "" })).toThrowError(
      /^taskDescription must be a non-empty string/,
    );
    expect(() => buildFewShotPrompt({ ...sentiment, input: "  " })).toThrowError(
      /^input must be a non-empty string/,
    );
    expect(() =>
      buildFewShotPrompt({ ...sentiment, examples: [{ input: "x" } as FewShotExample] }),
    ).toThrowError("examples[0].output must be a string, got undefined");
    expect(() => buildFewShotPrompt({ ...sentiment, examples: "x" as unknown as [] })).toThrowError(
      /^examples must be an array/,
    );
    expect(() => buildFewShotPrompt({ ...sentiment, maxTokens: 100 })).toThrowError(
      /^count is required with maxTokens/,
    );
    expect(() =>
      buildFewShotPrompt({ ...sentiment, maxTokens: 0, count: countWords }),
    ).toThrowError("maxTokens must be a positive integer, got 0");
    expect(() => buildFewShotPrompt({ ...sentiment, count: () => -1 })).toThrowError(
      "count must return a non-negative integer token count, returned -1",
    );
    expect(() => buildFewShotPrompt({ ...sentiment, select: "random" as "first" })).toThrowError(
      /^select must be "first", "shortest"/,
    );
    expect(() => buildFewShotPrompt({ ...sentiment, select: () => [0, 3] })).toThrowError(
      "select returned 3, which is not an index of examples (0 to 2)",
    );
    expect(() => buildFewShotPrompt({ ...sentiment, select: () => [1, 1] })).toThrowError(
      /returned index 1 twice/,
    );
    expect(() => buildFewShotPrompt(undefined as unknown as FewShotPromptOptions)).toThrowError(
      /^options must be an object/,
    );
  });
});
