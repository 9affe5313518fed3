import { invalidInput, TokenwiseError } from "../errors/index.js";
import { requireText } from "./require-text.js";

/** One demonstration of the task: an input and the output wanted for it. */
export interface FewShotExample {
  input: string;
  output: string;
}

/**
 * Custom example selection: returns indices into `examples` in priority order (most wanted
 * first). Indices left out are never used, so a selector can also filter (e.g. by topic).
 */
export type FewShotSelector = (
  examples: readonly FewShotExample[],
  input: string,
) => readonly number[];

/** Counts the tokens of a text, e.g. `(text) => tokenizer.count(text)`. */
export type TokenCounter = (text: string) => number;

export interface FewShotPromptOptions {
  /** What to do, e.g. "Classify the sentiment as positive, negative or neutral." */
  taskDescription: string;
  examples: readonly FewShotExample[];
  /** The new input to process. */
  input: string;
  /** Token budget for the whole prompt; needs `count`. Without it every selected example is used. */
  maxTokens?: number;
  /** Token counter, injected so prompts stay independent of any tokenizer. */
  count?: TokenCounter;
  /**
   * Which examples to prefer when they do not all fit: `"first"` (default) in the given order,
   * `"shortest"` fewest tokens first (most examples fit), or a {@link FewShotSelector}.
   */
  select?: "first" | "shortest" | FewShotSelector;
}

export interface FewShotPrompt {
  prompt: string;
  examplesUsed: number;
  examplesDropped: number;
  /** Indices into `examples` of those in the prompt, in prompt order. */
  usedIndices: number[];
  /** Tokens in `prompt`, when a counter was given. */
  tokens?: number;
}

/**
 * Builds a few-shot prompt: the task, numbered examples ("Example 1:\nInput: …\nOutput: …"),
 * then the new input with an open "Output:".
 *
 * With `maxTokens` and `count`, examples are added in `select` priority order, each kept only
 * if the whole prompt still fits, so the result never exceeds the budget even when token
 * counts are not additive. Chosen examples keep their original relative order in the prompt.
 * The counter is called once for the bare prompt and once per candidate example. If the
 * prompt without any example is already over budget, a `context_window_exceeded` error says
 * by how many tokens.
 *
 * The task description is trimmed; example texts and the input are kept exactly.
 *
 * @example
 * ```ts
 * const { prompt, examplesUsed } = buildFewShotPrompt({
 *   taskDescription: "Classify the sentiment of the text as positive, negative, or neutral.",
 *   examples: [
 *     { input: "This product is amazing!", output: "positive" },
 *     { input: "Worst purchase ever.", output: "negative" },
 *   ],
 *   input: "The quality exceeded my expectations!",
 *   maxTokens: 60,
 *   count: (text) => tokenizer.count(text),
 * });
 * ```
 */
export function buildFewShotPrompt(options: FewShotPromptOptions): FewShotPrompt {
  if (options === null || typeof options !== "object") {
    throw invalidInput("options", "must be an object { taskDescription, examples, input, ... }");
  }
  const { examples, input, maxTokens, count, select = "first" } = options;
  const taskDescription = requireText(
    options.taskDescription,
    "taskDescription",
    "what the model should do with each input",
  );
  checkExamples(examples);
  requireText(input, "input", "the text to process after the examples");
  if (maxTokens !== undefined && (!Number.isInteger(maxTokens) || maxTokens < 1)) {
    throw invalidInput("maxTokens", `must be a positive integer, got ${String(maxTokens)}`);
  }
  if (count !== undefined && typeof count !== "function") {
    throw invalidInput("count", "must be a function (text: string) => number");
  }
  if (maxTokens !== undefined && count === undefined) {
    throw invalidInput(
      "count",
      "is required with maxTokens: pass a token counter such as (text) => tokenizer.count(text)",
    );
  }

  const render = (indices: readonly number[]): string =>
    renderFewShot(
      taskDescription,
      indices.map((index) => examples[index] as FewShotExample),
      input,
    );
  const countTokens = count === undefined ? undefined : checkedCounter(count);
  const priority = priorityOrder(select, examples, input, countTokens);

  const { used, tokens } =
    maxTokens === undefined || countTokens === undefined
      ? useAll(priority, render, countTokens)
      : fitToBudget({ priority, maxTokens, countTokens, render });

  const result: FewShotPrompt = {
    prompt: render(used),
    examplesUsed: used.length,
    examplesDropped: examples.length - used.length,
    usedIndices: used,
  };
  if (tokens !== undefined) result.tokens = tokens;
  return result;
}

interface Selection {
  /** Indices of the chosen examples, ascending (their order in the prompt). */
  used: number[];
  tokens: number | undefined;
}

function useAll(
  priority: readonly number[],
  render: (indices: readonly number[]) => string,
  countTokens: TokenCounter | undefined,
): Selection {
  const used = [...priority].sort((a, b) => a - b);
  return { used, tokens: countTokens?.(render(used)) };
}

/** Adds examples in priority order, each only if the whole rendered prompt still fits. */
function fitToBudget(options: {
  priority: readonly number[];
  maxTokens: number;
  countTokens: TokenCounter;
  render: (indices: readonly number[]) => string;
}): Selection {
  const { priority, maxTokens, countTokens, render } = options;
  let used: number[] = [];
  let tokens = countTokens(render(used));
  if (tokens > maxTokens) {
    const overBy = tokens - maxTokens;
    throw new TokenwiseError(
      "context_window_exceeded",
      `maxTokens is ${maxTokens} but the prompt without any examples already takes ${tokens} tokens (${overBy} over); raise maxTokens or shorten taskDescription or input`,
      { details: { field: "maxTokens", maxTokens, tokens, overBy } },
    );
  }
  for (const candidate of priority) {
    const tentative = insertSorted(used, candidate);
    const tentativeTokens = countTokens(render(tentative));
    if (tentativeTokens <= maxTokens) {
      used = tentative;
      tokens = tentativeTokens;
    }
  }
  return { used, tokens };
}

function renderFewShot(
  taskDescription: string,
  examples: readonly FewShotExample[],
  input: string,
): string {
  const blocks = examples.map(
    (example, i) => `Example ${i + 1}:\nInput: ${example.input}\nOutput: ${example.output}\n\n`,
  );
  return `${taskDescription}\n\n${blocks.join("")}Now process this:\nInput: ${input}\nOutput:`;
}

function checkExamples(examples: unknown): asserts examples is readonly FewShotExample[] {
  if (!Array.isArray(examples)) {
    throw invalidInput(
      "examples",
      "must be an array of { input, output } objects (it may be empty)",
    );
  }
  examples.forEach((example: unknown, index) => {
    const fields = (example ?? {}) as Partial<Record<keyof FewShotExample, unknown>>;
    for (const key of ["input", "output"] as const) {
      if (typeof fields[key] !== "string") {
        throw invalidInput(
          `examples[${index}].${key}`,
          `must be a string, got ${fields[key] === null ? "null" : typeof fields[key]}`,
        );
      }
    }
  });
}

function checkedCounter(count: TokenCounter): TokenCounter {
  return (text) => {
    const tokens = count(text);
    if (!Number.isInteger(tokens) || tokens < 0) {
      throw invalidInput(
        "count",
        `must return a non-negative integer token count, returned ${String(tokens)}`,
      );
    }
    return tokens;
  };
}

function priorityOrder(
  select: FewShotPromptOptions["select"],
  examples: readonly FewShotExample[],
  input: string,
  countTokens: TokenCounter | undefined,
): number[] {
  const inGivenOrder = examples.map((_, index) => index);
  if (select === "first") return inGivenOrder;
  if (select === "shortest") {
    const measure = countTokens ?? ((text: string) => text.length);
    const sizes = examples.map((example) =>
      measure(`Input: ${example.input}\nOutput: ${example.output}`),
    );
    return inGivenOrder.sort((a, b) => (sizes[a] as number) - (sizes[b] as number) || a - b);
  }
  if (typeof select === "function") return checkSelection(select(examples, input), examples.length);
  throw invalidInput(
    "select",
    `must be "first", "shortest" or a function returning example indices, got ${JSON.stringify(select)}`,
  );
}

function checkSelection(selection: unknown, exampleCount: number): number[] {
  if (!Array.isArray(selection)) {
    throw invalidInput("select", "must return an array of example indices in priority order");
  }
  const seen = new Set<number>();
  for (const index of selection) {
    if (!Number.isInteger(index) || index < 0 || index >= exampleCount) {
      throw invalidInput(
        "select",
        `returned ${String(index)}, which is not an index of examples (0 to ${exampleCount - 1})`,
      );
    }
    if (seen.has(index)) {
      throw invalidInput("select", `returned index ${index} twice; list each example once`);
    }
    seen.add(index);
  }
  return [...seen];
}

function insertSorted(sorted: readonly number[], value: number): number[] {
  const position = sorted.findIndex((existing) => existing > value);
  return position === -1
    ? [...sorted, value]
    : [...sorted.slice(0, position), value, ...sorted.slice(position)];
}
