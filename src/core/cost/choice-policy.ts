/**
 * The data behind `chooseModel`: which model a guide recommends for each task and priority.
 * Replace it with your own table through the `policy` option.
 */

export type ChoicePriority = "cheapest" | "fastest" | "smartest" | "balanced";

export const CHOICE_PRIORITIES: readonly ChoicePriority[] = [
  "cheapest",
  "fastest",
  "smartest",
  "balanced",
];

export interface PolicyPick {
  /** The guide's own pick: a name or alias the catalog knows. */
  model: string;
  /**
   * Stand-ins from the current generation, best first. They rank just below the pick, so they
   * lead when the pick is deprecated or cannot take the call.
   */
  alternatives?: string[];
  /** Said with the pick's reason, e.g. why the guide's model name was mapped to another. */
  note?: string;
}

export interface ChoicePolicy {
  /** Whose picks these are, as reasons name them: "the tutorial's pick for coding". */
  source: string;
  /** Picks by task; a task decides before the priority does. */
  tasks: Record<string, PolicyPick>;
  /** Picks by priority, used after the task's pick (or alone when there is no task). */
  priorities: Partial<Record<ChoicePriority, PolicyPick>>;
}

/**
 * The tutorial's `choose_model` guide, model for model. Its picks that are now deprecated
 * (claude-3-5-sonnet, gemini-1.5-pro, o1-mini, gemini-2.0-flash, claude-3-opus) keep their
 * place, and deprecated models rank below current ones, so each entry names alternatives of
 * the same line and role (the newest first, then one every catalog built from the 2026-07-24
 * data has), which then lead. Generally available models are preferred over previews.
 */
export const TUTORIAL_POLICY: ChoicePolicy = {
  source: "the tutorial",
  tasks: {
    simple_qa: { model: "gpt-4o-mini", alternatives: ["gpt-4.1-mini"] },
    complex_reasoning: { model: "o1", alternatives: ["o3"] },
    coding: { model: "claude-3-5-sonnet", alternatives: ["claude-sonnet-5", "claude-sonnet-4-5"] },
    long_document: { model: "gemini-1.5-pro", alternatives: ["gemini-2.5-pro"] },
    real_time_chat: { model: "gpt-4o", alternatives: ["gpt-4.1"] },
    vision_analysis: { model: "gpt-4o", alternatives: ["gpt-4.1"] },
    math_problems: { model: "o1-mini", alternatives: ["o4-mini", "o3-mini"] },
    creative_writing: {
      model: "claude-3-opus",
      alternatives: ["claude-opus-5", "claude-opus-4-5"],
      note:
        "the tutorial names claude-3-5-opus, which Anthropic never released; " +
        "claude-3-opus is the Opus of that generation",
    },
  },
  priorities: {
    cheapest: { model: "gemini-2.0-flash", alternatives: ["gemini-2.5-flash-lite"] },
    fastest: { model: "gpt-4o-mini", alternatives: ["gpt-4.1-nano"] },
    smartest: { model: "o1", alternatives: ["o3"] },
    balanced: { model: "gpt-4o", alternatives: ["gpt-4.1"] },
  },
};
