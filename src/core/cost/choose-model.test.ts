import { describe, expect, it } from "vitest";
import { TokenwiseError } from "../errors/index.js";
import { usd } from "../money/index.js";
import { type ChoicePolicy, TUTORIAL_POLICY } from "./choice-policy.js";
import { type ChooseModelOptions, chooseModel, type ModelChoice } from "./choose-model.js";
import { FIXTURE_MODELS, fixtureCatalog } from "./test-support/fixture-models.js";

const catalog = fixtureCatalog();
const choose = (options: ChooseModelOptions = {}): ModelChoice =>
  chooseModel({ catalog, ...options });
const candidate = (choice: ModelChoice, model: string) =>
  choice.candidates.find((entry) => entry.model === model);
const thrown = (run: () => unknown): TokenwiseError => {
  try {
    run();
  } catch (error) {
    if (TokenwiseError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("expected a TokenwiseError");
};
const DEPRECATED_IDS = new Set(
  FIXTURE_MODELS.filter((model) => model.deprecationDate !== undefined).map((model) => model.id),
);

describe("chooseModel: the tutorial's picks", () => {
  it.each([
    ["simple_qa", "gpt-4o-mini"],
    ["complex_reasoning", "o1"],
    ["real_time_chat", "gpt-4o"],
    ["vision_analysis", "gpt-4o"],
  ])("task %s → %s, saying it is the tutorial's pick", (task, model) => {
    const { choice } = choose({ task });
    expect(choice.model).toBe(model);
    expect(choice.reasons[0]).toBe(`the tutorial's pick for ${task}`);
  });

  it.each([
    ["fastest", "gpt-4o-mini"],
    ["smartest", "o1"],
    ["balanced", "gpt-4o"],
  ] as const)("priority %s → %s", (priority, model) => {
    const { choice } = choose({ priority });
    expect(choice.model).toBe(model);
    expect(choice.reasons[0]).toBe(`the tutorial's pick for priority ${priority}`);
  });

  it("defaults to the balanced priority", () => {
    expect(choose().choice.model).toBe("gpt-4o");
  });

  it("leads with the current alternative when the tutorial's pick is deprecated (coding)", () => {
    const result = choose({ task: "coding" });
    expect(result.choice.model).toBe("claude-sonnet-4-5-20250929");
    expect(result.choice.reasons[0]).toBe(
      "alternative to the tutorial's pick for coding " +
        "(claude-3-5-sonnet, deprecated with retirement date 2025-10-01)",
    );
    const tutorialPick = candidate(result, "claude-3-5-sonnet-20241022");
    expect(tutorialPick?.reasons.slice(0, 2)).toEqual([
      "the tutorial's pick for coding",
      "deprecated (retirement date 2025-10-01), so ranked below current models",
    ]);
  });

  it("ranks every deprecated model below every current one", () => {
    const { candidates } = choose({ task: "coding" });
    const firstDeprecated = candidates.findIndex((entry) => DEPRECATED_IDS.has(entry.model));
    expect(firstDeprecated).toBeGreaterThan(0);
    expect(
      candidates.slice(firstDeprecated).every((entry) => DEPRECATED_IDS.has(entry.model)),
    ).toBe(true);
  });

  it("maps the never-released claude-3-5-opus to claude-3-opus and says so", () => {
    const result = choose({ task: "creative_writing" });
    expect(result.choice.model).toBe("claude-opus-4-5-20251101");
    expect(candidate(result, "claude-3-opus-20240229")?.reasons[0]).toBe(
      "the tutorial's pick for creative_writing (the tutorial names claude-3-5-opus, which " +
        "Anthropic never released; claude-3-opus is the Opus of that generation)",
    );
  });

  it("maps the deprecated cheapest and math picks to current ones", () => {
    expect(choose({ priority: "cheapest" }).choice.model).toBe("gemini-2.5-flash-lite");
    expect(choose({ task: "long_document" }).choice.model).toBe("gemini-2.5-pro");
  });

  it("keeps a deprecated model's rank when it is requested by name", () => {
    const result = choose({ task: "coding", models: ["claude-3-5-sonnet", "claude-sonnet-4-5"] });
    expect(result.choice.model).toBe("claude-3-5-sonnet-20241022");
    expect(result.choice.reasons).toContain(
      "deprecated (retirement date 2025-10-01), but requested by name",
    );
    expect(result.candidates.map((entry) => entry.model)).toEqual([
      "claude-3-5-sonnet-20241022",
      "claude-sonnet-4-5-20250929",
    ]);
  });

  it("scores the task pick 100 plus the priority criterion (at most 9)", () => {
    const result = choose({
      task: "simple_qa",
      priority: "cheapest",
      models: ["gpt-4o", "gpt-4o-mini"],
    });
    expect(result.candidates.map((entry) => [entry.model, entry.score])).toEqual([
      ["gpt-4o-mini", 109],
      ["gpt-4o", 0],
    ]);
    expect(result.choice.reasons).toContain("cheapest that fits");
  });

  it("lists candidates best first, each with its estimated cost", () => {
    const { candidates } = choose({
      task: "simple_qa",
      inputTokens: 1000,
      expectedOutputTokens: 100,
    });
    for (let index = 1; index < candidates.length; index++) {
      expect(candidates[index - 1]?.score ?? 0).toBeGreaterThanOrEqual(
        candidates[index]?.score ?? 0,
      );
    }
    // 1,000 × $0.15/M + 100 × $0.60/M
    expect(candidate({ candidates } as ModelChoice, "gpt-4o-mini")?.estimatedCost).toBe(
      usd("0.00021"),
    );
  });
});

describe("chooseModel: constraints", () => {
  it("rejects models whose context cannot hold the call, and says what holds it", () => {
    const result = choose({ task: "long_document", inputTokens: 300_000 });
    expect(result.choice.model).toBe("gemini-2.5-pro");
    expect(result.choice.reasons).toContain("context 1,048,576 holds 300,500 tokens");
    expect(result.rejected).toContainEqual({
      model: "gpt-4o",
      reasons: [
        "input 300,000 + expected output 500 = 300,500 tokens exceeds the context window of 128,000 by 172,500",
      ],
    });
  });

  it("falls back to the one deprecated model that still fits", () => {
    const result = choose({ task: "long_document", inputTokens: 1_500_000 });
    expect(result.choice.model).toBe("gemini-1.5-pro");
    expect(result.candidates).toHaveLength(1);
  });

  it("rejects models that cannot write the expected output", () => {
    const result = choose({ task: "coding", expectedOutputTokens: 10_000 });
    expect(result.rejected).toContainEqual({
      model: "claude-3-5-sonnet-20241022",
      reasons: ["expected output of 10,000 tokens exceeds the maximum output of 8,192"],
    });
  });

  it("rejects models that lack a needed capability", () => {
    const result = choose({ task: "real_time_chat", needs: ["reasoning"] });
    expect(result.rejected).toContainEqual({ model: "gpt-4o", reasons: ["lacks reasoning"] });
    const chosen = FIXTURE_MODELS.find((model) => model.id === result.choice.model);
    expect(chosen?.capabilities.reasoning).toBe(true);
    expect(result.choice.reasons).toContain("has reasoning");
  });

  it("rejects models whose worst-case cost passes the cap", () => {
    const result = choose({
      task: "complex_reasoning",
      inputTokens: 10_000,
      expectedOutputTokens: 1000,
      maxCostPerCall: "0.10",
    });
    expect(result.rejected).toContainEqual({
      model: "o1",
      reasons: ["estimated $0.21 per call exceeds maxCostPerCall $0.10"],
    });
    expect(result.choice.model).toBe("o3");
    expect(result.choice.reasons).toEqual(
      expect.arrayContaining([
        "alternative to the tutorial's pick for complex_reasoning (o1)",
        "estimated $0.028 per call, within maxCostPerCall $0.10",
      ]),
    );
  });

  it("accepts the cap in picodollars and lets a call exactly at the cap through", () => {
    const result = choose({
      task: "complex_reasoning",
      inputTokens: 10_000,
      expectedOutputTokens: 1000,
      maxCostPerCall: usd("0.21"),
    });
    expect(result.choice.model).toBe("o1");
  });

  it("uses the tier price for the worst case past a long-context threshold", () => {
    const result = choose({
      models: ["gemini-2.5-pro"],
      inputTokens: 200_001,
      expectedOutputTokens: 0,
    });
    expect(result.choice.estimatedCost).toBe(usd("0.5000025")); // 200,001 × $2.50/M
  });
});

describe("chooseModel: nothing qualifies", () => {
  it("names the context window when no model can hold the call", () => {
    const error = thrown(() => choose({ inputTokens: 3_000_000 }));
    expect(error.code).toBe("context_window_exceeded");
    expect(error.message).toBe(
      "No model qualifies for this call. Tightest constraint: context window: 15 of 15 models " +
        "cannot hold 3,000,500 tokens (input + expected output); the largest window is " +
        "2,097,152 (gemini-1.5-pro). Relax a constraint, or add a model that meets them to the catalog.",
    );
    expect(error.details.tightest).toBe("contextWindow");
  });

  it("names the cost cap, with the cheapest estimate", () => {
    const error = thrown(() => choose({ inputTokens: 1000, maxCostPerCall: "0.000001" }));
    expect(error.code).toBe("budget_exceeded");
    expect(error.message).toContain(
      "Tightest constraint: cost: 15 of 15 models cost more than maxCostPerCall $0.000001; " +
        "the cheapest estimate is $0.0003 (gemini-2.0-flash)",
    );
  });

  it("names the constraint that rejects the most models, and the others after it", () => {
    const error = thrown(() =>
      choose({
        models: ["o1", "claude-3-7-sonnet", "gpt-4o"],
        needs: ["batch"],
        inputTokens: 150_000,
      }),
    );
    expect(error.code).toBe("not_found");
    expect(error.message).toContain(
      "Tightest constraint: capabilities: 2 of 3 models lack one of batch.",
    );
    expect(error.message).toContain(
      "Also: context window: 1 of 3 models cannot hold 150,500 tokens",
    );
    expect(error.details.rejected).toEqual([
      { model: "o1", reasons: ["lacks batch"] },
      { model: "claude-3-7-sonnet-20250219", reasons: ["lacks batch"] },
      {
        model: "gpt-4o",
        reasons: [
          "input 150,000 + expected output 500 = 150,500 tokens exceeds the context window of 128,000 by 22,500",
        ],
      },
    ]);
  });
});

describe("chooseModel: policies", () => {
  it("uses a replacement policy and names its source", () => {
    const policy: ChoicePolicy = {
      source: "our team",
      tasks: { summarize: { model: "gpt-4.1", alternatives: ["gpt-4o-mini"] } },
      priorities: {},
    };
    const result = choose({ task: "summarize", policy });
    expect(result.choice.model).toBe("gpt-4.1");
    expect(result.choice.reasons[0]).toBe("our team's pick for summarize");
    expect(() => choose({ task: "coding", policy })).toThrow(
      'task must be one of summarize; got "coding"',
    );
  });

  it("skips policy names the catalog does not list", () => {
    const policy: ChoicePolicy = {
      source: "our team",
      tasks: { triage: { model: "gpt-7", alternatives: ["gpt-4o-mini"] } },
      priorities: {},
    };
    const result = choose({ task: "triage", policy });
    expect(result.choice.model).toBe("gpt-4o-mini");
    expect(result.choice.reasons[0]).toBe(
      "alternative to our team's pick for triage (gpt-7, which the catalog does not list)",
    );
  });

  it("lists the tutorial's tasks", () => {
    expect(Object.keys(TUTORIAL_POLICY.tasks)).toEqual([
      "simple_qa",
      "complex_reasoning",
      "coding",
      "long_document",
      "real_time_chat",
      "vision_analysis",
      "math_problems",
      "creative_writing",
    ]);
  });
});

describe("chooseModel: bad input", () => {
  it.each([
    [
      { task: "poetry" },
      'task must be one of simple_qa, complex_reasoning, coding, long_document, real_time_chat, vision_analysis, math_problems, creative_writing; got "poetry"',
    ],
    [
      { priority: "cheap" },
      'priority must be one of cheapest, fastest, smartest, balanced; got "cheap"',
    ],
    [{ inputTokens: -5 }, "inputTokens must be a non-negative integer, got -5"],
    [
      { expectedOutputTokens: 1.5 },
      "expectedOutputTokens must be a non-negative integer number of tokens, got 1.5",
    ],
    [
      { needs: ["telepathy"] },
      'needs[0] must be one of vision, tools, reasoning, promptCaching, structuredOutput, batch; got "telepathy"',
    ],
    [
      { maxCostPerCall: 0.05 },
      'maxCostPerCall must be dollars as a decimal string ("0.05") or picodollars as a non-negative bigint, got 0.05',
    ],
    [{ maxCostPerCall: "-1" }, "maxCostPerCall must be dollars as a decimal string"],
    [
      { maxCostPerCall: "five" },
      'maxCostPerCall must be a decimal amount of dollars such as "0.50", got "five"',
    ],
    [
      { policy: { source: "x", tasks: { a: { model: 3 } }, priorities: {} }, task: "a" },
      "policy.tasks.a.model must be a model name",
    ],
  ])("rejects %o", (options, message) => {
    expect(() => choose(options as unknown as ChooseModelOptions)).toThrow(message);
  });

  it("passes on unknown names in models", () => {
    expect(() => choose({ models: ["gpt-4o-mnii"] })).toThrow(
      expect.objectContaining({ code: "unknown_model" }),
    );
  });
});
