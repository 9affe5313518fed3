import { invalidInput } from "../errors/index.js";
import { requireText } from "./require-text.js";

/** The reasoning plan used when no `steps` are given. */
export const DEFAULT_CHAIN_OF_THOUGHT_STEPS: readonly string[] = Object.freeze([
  "First, I'll identify what we know",
  "Then, I'll figure out what we need to find",
  "Next, I'll work through the logic",
  "Finally, I'll state the answer",
]);

export interface ChainOfThoughtPromptOptions {
  /** The problem to reason about. */
  question: string;
  /** The numbered plan the model is asked to follow. Default {@link DEFAULT_CHAIN_OF_THOUGHT_STEPS}. */
  steps?: readonly string[];
}

/**
 * Builds a chain-of-thought prompt: the question, a numbered step-by-step plan, and an open
 * "Step 1:" for the model to continue. Asking for explicit steps improves multi-step reasoning
 * (Wei et al., 2022). The question and steps are trimmed.
 *
 * @example
 * ```ts
 * buildChainOfThoughtPrompt({ question: "A train leaves at 3pm at 60 km/h…", steps: ["List the facts", "Compute"] });
 * // "A train leaves at 3pm at 60 km/h…\n\nLet's solve this step by step:\n1. List the facts\n2. Compute\n\nStep 1:"
 * ```
 */
export function buildChainOfThoughtPrompt(options: ChainOfThoughtPromptOptions): string {
  const question = requireText(options?.question, "question", "the problem to reason about");
  const steps = options.steps ?? DEFAULT_CHAIN_OF_THOUGHT_STEPS;
  if (!Array.isArray(steps) || steps.length === 0) {
    throw invalidInput(
      "steps",
      "must be a non-empty array of strings; omit it to use the default four-step plan",
    );
  }
  const plan = steps.map(
    (step, index) => `${index + 1}. ${requireText(step, `steps[${index}]`, "one reasoning step")}`,
  );
  return `${question}\n\nLet's solve this step by step:\n${plan.join("\n")}\n\nStep 1:`;
}
