import type { ModelCapabilities, ModelInfo, SpeedClass } from "../catalog/index.js";
import { CAPABILITY_NAMES } from "../catalog/index.js";
import {
  describeValue,
  invalidInput,
  TokenwiseError,
  type TokenwiseErrorCode,
} from "../errors/index.js";
import { type Picodollars, usd } from "../money/index.js";
import {
  CHOICE_PRIORITIES,
  type ChoicePolicy,
  type ChoicePriority,
  type PolicyPick,
  TUTORIAL_POLICY,
} from "./choice-policy.js";
import { costFromUsage } from "./cost-from-usage.js";
import { describeCost, describeTokens } from "./describe-values.js";
import { type FitProblem, fitProblems, readExpectedOutputTokens } from "./estimate-cost.js";
import {
  catalogOrDefault,
  chatModels,
  isDeprecated,
  type ModelCatalog,
  resolveChatModels,
} from "./model-catalog.js";
import { emptyUsage } from "./usage.js";

export interface ChooseModelOptions {
  /** A task of the policy ("coding", "long_document"...); its pick leads. */
  task?: string;
  /** What matters most after the task (default "balanced"). */
  priority?: ChoicePriority;
  /** Input tokens of the call (default 0). */
  inputTokens?: number;
  /** Output tokens of the call, treated as its max_tokens (default 500). */
  expectedOutputTokens?: number;
  /** Capabilities the model must have. */
  needs?: Array<keyof ModelCapabilities>;
  /** Most the call may cost: picodollars, or dollars as a decimal string ("0.05"). */
  maxCostPerCall?: Picodollars | string;
  /** Consider only these models. Naming a deprecated model here lifts its deprecation penalty. */
  models?: string[];
  /** The table of picks (default `TUTORIAL_POLICY`). */
  policy?: ChoicePolicy;
  /**
   * When the call is made: costs (and `maxCostPerCall`) use each model's prices of that day.
   * Default: now.
   */
  at?: Date | string;
  catalog?: ModelCatalog;
}

export interface Candidate {
  /** Canonical model id. */
  model: string;
  /** Higher is better; see `chooseModel` for how it adds up. */
  score: number;
  /** Worst-case cost of the call: every input token uncached, at list price, tiers applied. */
  estimatedCost: Picodollars;
  /** Why the model is here and where it ranks. */
  reasons: string[];
}

export interface ModelChoice {
  choice: Candidate;
  /** Every model that meets all constraints, best first (`choice` is the first). */
  candidates: Candidate[];
  /** Models that break a constraint, with every constraint each one breaks. */
  rejected: Array<{ model: string; reasons: string[] }>;
}

/**
 * Score levels. The policy's order always wins: each alternative is one step below the model
 * before it, and the criterion adds less than one step, so it only orders models the policy
 * ranks alike (mostly those it does not name).
 */
const TASK_PICK_POINTS = 100;
const PRIORITY_PICK_POINTS = 50;
const ALTERNATIVE_STEP = 10;
/** Most points the priority's criterion (cost, speed, capability) adds: under one step. */
const CRITERION_POINTS = 9;
/** Large enough that any current model outranks every deprecated one. */
const DEPRECATION_PENALTY = 200;

/**
 * Chooses a model for a call. The policy (by default the tutorial's guide: coding →
 * claude-3-5-sonnet, long_document → gemini-1.5-pro, cheapest → gemini-2.0-flash...) says
 * which models to prefer; facts decide which may run the call at all. A model is rejected
 * when its context window cannot hold input + expected output, its maximum input or output
 * is smaller than the call's, it lacks a capability in `needs`, or the call's worst-case cost
 * passes `maxCostPerCall`.
 *
 * The remaining candidates are scored: the task's pick 100 points (its alternatives 90,
 * 80...), the priority's pick 50 (40...), plus up to 9 for the priority's criterion relative
 * to the other candidates (cheapest: estimated cost; fastest: the tutorial's speed class;
 * smartest: reasoning models first, then output list price as a stand-in for capability;
 * balanced: cost and speed equally). So the task decides first, as in the tutorial's guide,
 * then the priority, and the criterion ranks the rest. Deprecated models (a retirement date
 * is announced) lose 200 points, so they rank below every current model unless named in
 * `models`. Ties go to the cheaper model.
 *
 * @example
 * ```ts
 * const { choice } = chooseModel({ task: "long_document", inputTokens: 300_000 });
 * choice.model; // "gemini-2.5-pro": the tutorial's gemini-1.5-pro is deprecated
 * choice.reasons; // ["alternative to the tutorial's pick for long_document (...)", ...,
 *                 //  "context 1,048,576 holds 300,500 tokens", ...]
 * ```
 */
export function chooseModel(options: ChooseModelOptions = {}): ModelChoice {
  const catalog = catalogOrDefault(options.catalog);
  const policy = readPolicy(options.policy);
  const request = readRequest(options, policy);
  const requested =
    options.models === undefined ? undefined : resolveChatModels(options.models, catalog);
  const pool = requested ?? chatModels(catalog);
  if (pool.length === 0) {
    throw new TokenwiseError(
      "not_found",
      "chooseModel has no chat models to choose from: the catalog lists none",
    );
  }
  const assessments = pool.map((model) => assess(model, request));
  const qualifying = assessments.filter((assessment) => assessment.failures.length === 0);
  if (qualifying.length === 0) throw noModelQualifies(assessments, request);
  const candidates = rank(qualifying, {
    request,
    preferences: policyPreferences(policy, request, catalog),
    requestedIds: new Set(requested?.map((model) => model.id)),
  });
  // Every qualifying model ranks, and there is at least one.
  const choice = candidates[0] as Candidate;
  const rejected = assessments
    .filter((assessment) => assessment.failures.length > 0)
    .map((assessment) => ({
      model: assessment.model.id,
      reasons: assessment.failures.map((failure) => failure.reason),
    }));
  return { choice, candidates, rejected };
}

interface ChoiceRequest {
  task: string | undefined;
  priority: ChoicePriority;
  inputTokens: number;
  outputTokens: number;
  needs: Array<keyof ModelCapabilities>;
  maxCost: Picodollars | undefined;
  at: Date | string | undefined;
}

type Constraint = FitProblem["limit"] | "capability" | "cost";

interface Assessment {
  model: ModelInfo;
  cost: Picodollars;
  failures: Array<{ constraint: Constraint; reason: string }>;
}

interface Preference {
  points: number;
  reasons: string[];
}

function assess(model: ModelInfo, request: ChoiceRequest): Assessment {
  const failures: Assessment["failures"] = fitProblems(
    model,
    request.inputTokens,
    request.outputTokens,
  ).map((problem) => ({ constraint: problem.limit, reason: problem.reason }));
  for (const need of request.needs) {
    if (!model.capabilities[need])
      failures.push({ constraint: "capability", reason: `lacks ${need}` });
  }
  const usage = {
    ...emptyUsage(),
    inputTokens: request.inputTokens,
    outputTokens: request.outputTokens,
  };
  const cost = costFromUsage(
    model,
    usage,
    request.at === undefined ? {} : { at: request.at },
  ).total;
  if (request.maxCost !== undefined && cost > request.maxCost) {
    failures.push({
      constraint: "cost",
      reason:
        `estimated ${describeCost(cost)} per call exceeds maxCostPerCall ` +
        describeCost(request.maxCost),
    });
  }
  return { model, cost, failures };
}

function rank(
  qualifying: Assessment[],
  context: {
    request: ChoiceRequest;
    preferences: Map<string, Preference>;
    requestedIds: Set<string>;
  },
): Candidate[] {
  const { request, preferences, requestedIds } = context;
  const criterion = criterionFor(request.priority, qualifying);
  const lowestCost = cheapestOf(qualifying).cost;
  const ranked = qualifying.map((assessment) => {
    const { model, cost } = assessment;
    const preference = preferences.get(model.id);
    const reasons = [...(preference?.reasons ?? [])];
    const penalized = isDeprecated(model) && !requestedIds.has(model.id);
    if (isDeprecated(model)) {
      reasons.push(
        `deprecated (retirement date ${model.deprecationDate}), ` +
          (penalized ? "so ranked below current models" : "but requested by name"),
      );
    }
    if (cost === lowestCost) reasons.push("cheapest that fits");
    const criterionReason = criterion.reason(assessment);
    if (criterionReason !== undefined) reasons.push(criterionReason);
    reasons.push(
      `context ${describeTokens(model.contextWindow)} holds ` +
        `${describeTokens(request.inputTokens + request.outputTokens)} tokens`,
    );
    if (request.needs.length > 0) reasons.push(`has ${request.needs.join(", ")}`);
    reasons.push(
      `estimated ${describeCost(cost)} per call` +
        (request.maxCost === undefined
          ? ""
          : `, within maxCostPerCall ${describeCost(request.maxCost)}`),
    );
    const points =
      (preference?.points ?? 0) +
      criterion.points(assessment) -
      (penalized ? DEPRECATION_PENALTY : 0);
    return { model: model.id, score: Math.round(points * 10) / 10, estimatedCost: cost, reasons };
  });
  return ranked.sort(
    (a, b) =>
      b.score - a.score ||
      (a.estimatedCost === b.estimatedCost ? 0 : a.estimatedCost < b.estimatedCost ? -1 : 1) ||
      (a.model < b.model ? -1 : a.model > b.model ? 1 : 0),
  );
}

function cheapestOf(assessments: Assessment[]): Assessment {
  return assessments.reduce((best, current) => (current.cost < best.cost ? current : best));
}

interface Criterion {
  points(assessment: Assessment): number;
  reason(assessment: Assessment): string | undefined;
}

const SPEED_RANKS: Record<SpeedClass, number> = {
  "very-fast": 4,
  fast: 3,
  medium: 2,
  slow: 1,
  "very-slow": 0,
};

/** Speed from the tutorial's classes; models it does not rate count as medium. */
function speedRank(model: ModelInfo): number {
  return model.speed === undefined ? SPEED_RANKS.medium : SPEED_RANKS[model.speed];
}

function speedReason({ model }: Assessment): string {
  return model.speed === undefined
    ? "no speed class on record (counted as medium)"
    : `speed class ${model.speed}`;
}

/**
 * Points for the priority: `CRITERION_POINTS` times the share of the other candidates this
 * one beats, so equal models get equal points and the scale does not depend on units.
 */
function criterionFor(priority: ChoicePriority, candidates: Assessment[]): Criterion {
  const share = (beats: (a: Assessment, b: Assessment) => boolean) => (assessment: Assessment) => {
    if (candidates.length === 1) return CRITERION_POINTS;
    const beaten = candidates.filter((other) => beats(assessment, other)).length;
    return (CRITERION_POINTS * beaten) / (candidates.length - 1);
  };
  const cheaper = share((a, b) => a.cost < b.cost);
  const faster = share((a, b) => speedRank(a.model) > speedRank(b.model));
  switch (priority) {
    case "cheapest":
      return { points: cheaper, reason: () => undefined };
    case "fastest":
      return { points: faster, reason: speedReason };
    case "balanced":
      return {
        points: (assessment) => (cheaper(assessment) + faster(assessment)) / 2,
        reason: speedReason,
      };
    case "smartest": {
      const outputPrice = new Map(
        candidates.map(({ model }) => [
          model.id,
          usd(model.prices.output, `${model.id} prices.output`),
        ]),
      );
      const price = (model: ModelInfo) => outputPrice.get(model.id) ?? 0n;
      const smarter = share((a, b) =>
        a.model.capabilities.reasoning !== b.model.capabilities.reasoning
          ? a.model.capabilities.reasoning
          : price(a.model) > price(b.model),
      );
      return {
        points: smarter,
        reason: ({ model }) =>
          `${model.capabilities.reasoning ? "reasoning model" : "not a reasoning model"}; output ` +
          `list price ${describeCost(price(model))} per million tokens (price stands in for capability)`,
      };
    }
  }
}

/** Points and reasons for the models the policy names for this task and priority. */
function policyPreferences(
  policy: ChoicePolicy,
  request: ChoiceRequest,
  catalog: ModelCatalog,
): Map<string, Preference> {
  const preferences = new Map<string, Preference>();
  const prefer = (
    pick: PolicyPick | undefined,
    basePoints: number,
    purpose: string,
    path: string,
  ) => {
    if (pick === undefined) return;
    const names = readPickNames(pick, path);
    const [pickName] = names;
    const pickModel = findModel(catalog, pick.model);
    names.forEach((name, index) => {
      const model = index === 0 ? pickModel : findModel(catalog, name);
      if (model === undefined) return;
      const reason =
        index === 0
          ? `${policy.source}'s pick for ${purpose}${pick.note === undefined ? "" : ` (${pick.note})`}`
          : `alternative to ${policy.source}'s pick for ${purpose} (${pickName}` +
            (pickModel === undefined
              ? ", which the catalog does not list)"
              : isDeprecated(pickModel)
                ? `, deprecated with retirement date ${pickModel.deprecationDate})`
                : ")");
      // Alternatives never fall to the level below (the priority's pick, or no preference).
      const points = Math.max(basePoints - index * ALTERNATIVE_STEP, basePoints / 2 + 1);
      const known = preferences.get(model.id);
      if (known === undefined) preferences.set(model.id, { points, reasons: [reason] });
      else {
        known.points = Math.max(known.points, points);
        known.reasons.push(reason);
      }
    });
  };
  if (request.task !== undefined) {
    prefer(
      policy.tasks[request.task],
      TASK_PICK_POINTS,
      request.task,
      `policy.tasks.${request.task}`,
    );
  }
  prefer(
    policy.priorities[request.priority],
    PRIORITY_PICK_POINTS,
    `priority ${request.priority}`,
    `policy.priorities.${request.priority}`,
  );
  return preferences;
}

/** A policy may name models a smaller catalog lacks: those names are skipped. */
function findModel(catalog: ModelCatalog, name: string): ModelInfo | undefined {
  try {
    return catalog.get(name);
  } catch (error) {
    if (TokenwiseError.hasCode(error, "unknown_model")) return undefined;
    throw error;
  }
}

function readPickNames(pick: PolicyPick, path: string): string[] {
  if (typeof pick !== "object" || pick === null || typeof pick.model !== "string") {
    throw invalidInput(`${path}.model`, 'must be a model name, as in { model: "gpt-4o" }');
  }
  const alternatives = pick.alternatives ?? [];
  if (!Array.isArray(alternatives) || alternatives.some((name) => typeof name !== "string")) {
    throw invalidInput(`${path}.alternatives`, "must be an array of model names");
  }
  return [pick.model, ...alternatives];
}

const CONSTRAINT_ERROR_CODES: Record<Constraint, TokenwiseErrorCode> = {
  contextWindow: "context_window_exceeded",
  maxInputTokens: "context_window_exceeded",
  maxOutputTokens: "context_window_exceeded",
  capability: "not_found",
  cost: "budget_exceeded",
};

/**
 * The error when every model breaks some constraint. The tightest constraint is the one that
 * rejects the most models; the message says what it would take to meet it.
 */
function noModelQualifies(assessments: Assessment[], request: ChoiceRequest): TokenwiseError {
  const total = assessments.length;
  const largest = (value: (model: ModelInfo) => number) =>
    assessments.reduce((best, current) =>
      value(current.model) > value(best.model) ? current : best,
    );
  const describe = (constraint: Constraint, rejectedCount: number): string => {
    const share = `${rejectedCount} of ${total} models`;
    switch (constraint) {
      case "contextWindow": {
        const { model } = largest((candidate) => candidate.contextWindow);
        return (
          `context window: ${share} cannot hold ` +
          `${describeTokens(request.inputTokens + request.outputTokens)} tokens (input + expected ` +
          `output); the largest window is ${describeTokens(model.contextWindow)} (${model.id})`
        );
      }
      case "maxInputTokens": {
        const { model } = largest(
          (candidate) => candidate.maxInputTokens ?? candidate.contextWindow,
        );
        return (
          `maximum input: ${share} cannot take ${describeTokens(request.inputTokens)} input tokens; ` +
          `the largest maximum is ${describeTokens(model.maxInputTokens ?? model.contextWindow)} ` +
          `(${model.id})`
        );
      }
      case "maxOutputTokens": {
        const { model } = largest((candidate) => candidate.maxOutputTokens);
        return (
          `maximum output: ${share} cannot write ${describeTokens(request.outputTokens)} tokens; ` +
          `the largest maximum is ${describeTokens(model.maxOutputTokens)} (${model.id})`
        );
      }
      case "capability":
        return `capabilities: ${share} lack one of ${request.needs.join(", ")}`;
      case "cost": {
        const cheapest = cheapestOf(assessments);
        return (
          `cost: ${share} cost more than maxCostPerCall ${describeCost(request.maxCost ?? 0n)}; ` +
          `the cheapest estimate is ${describeCost(cheapest.cost)} (${cheapest.model.id})`
        );
      }
    }
  };
  const constraints: Constraint[] = [
    "contextWindow",
    "maxInputTokens",
    "maxOutputTokens",
    "capability",
    "cost",
  ];
  const counts = constraints.map((constraint) => ({
    constraint,
    rejectedCount: assessments.filter(({ failures }) =>
      failures.some((failure) => failure.constraint === constraint),
    ).length,
  }));
  const tightest = counts.reduce((best, count) =>
    count.rejectedCount > best.rejectedCount ? count : best,
  );
  const others = counts
    .filter((count) => count !== tightest && count.rejectedCount > 0)
    .sort((a, b) => b.rejectedCount - a.rejectedCount);
  const also = others.map(({ constraint, rejectedCount }) => describe(constraint, rejectedCount));
  return new TokenwiseError(
    CONSTRAINT_ERROR_CODES[tightest.constraint],
    `No model qualifies for this call. Tightest constraint: ` +
      `${describe(tightest.constraint, tightest.rejectedCount)}.` +
      (also.length > 0 ? ` Also: ${also.join("; ")}.` : "") +
      " Relax a constraint, or add a model that meets them to the catalog.",
    {
      details: {
        tightest: tightest.constraint,
        rejected: assessments.map(({ model, failures }) => ({
          model: model.id,
          reasons: failures.map((failure) => failure.reason),
        })),
      },
    },
  );
}

function readPolicy(policy: ChoicePolicy | undefined): ChoicePolicy {
  if (policy === undefined) return TUTORIAL_POLICY;
  if (typeof policy !== "object" || policy === null) {
    throw invalidInput(
      "policy",
      "must be an object like TUTORIAL_POLICY: { source, tasks, priorities }",
    );
  }
  if (typeof policy.source !== "string") {
    throw invalidInput("policy.source", 'must say whose picks these are, e.g. "our team"');
  }
  for (const table of ["tasks", "priorities"] as const) {
    if (typeof policy[table] !== "object" || policy[table] === null) {
      throw invalidInput(
        `policy.${table}`,
        'must be an object of picks, e.g. { coding: { model: "gpt-4.1" } }',
      );
    }
  }
  return policy;
}

function readRequest(options: ChooseModelOptions, policy: ChoicePolicy): ChoiceRequest {
  const { task, priority = "balanced", inputTokens = 0, needs = [], maxCostPerCall } = options;
  if (task !== undefined && (typeof task !== "string" || !Object.hasOwn(policy.tasks, task))) {
    throw invalidInput(
      "task",
      `must be one of ${Object.keys(policy.tasks).join(", ")}; got ${describeValue(task)}`,
    );
  }
  if (!CHOICE_PRIORITIES.includes(priority)) {
    throw invalidInput(
      "priority",
      `must be one of ${CHOICE_PRIORITIES.join(", ")}; got ${describeValue(priority)}`,
    );
  }
  if (!Number.isSafeInteger(inputTokens) || inputTokens < 0) {
    throw invalidInput(
      "inputTokens",
      `must be a non-negative integer, got ${describeValue(inputTokens)}`,
    );
  }
  if (!Array.isArray(needs)) {
    throw invalidInput(
      "needs",
      `must be an array of capabilities (${CAPABILITY_NAMES.join(", ")})`,
    );
  }
  needs.forEach((need, index) => {
    if (!CAPABILITY_NAMES.includes(need)) {
      throw invalidInput(
        `needs[${index}]`,
        `must be one of ${CAPABILITY_NAMES.join(", ")}; got ${describeValue(need)}`,
      );
    }
  });
  return {
    task,
    priority,
    inputTokens,
    outputTokens: readExpectedOutputTokens(options.expectedOutputTokens),
    needs,
    maxCost: readMaxCost(maxCostPerCall),
    at: options.at,
  };
}

function readMaxCost(maxCost: unknown): Picodollars | undefined {
  if (maxCost === undefined) return undefined;
  const amount =
    typeof maxCost === "bigint"
      ? maxCost
      : typeof maxCost === "string"
        ? usd(maxCost, "maxCostPerCall")
        : undefined;
  if (amount === undefined || amount < 0n) {
    throw invalidInput(
      "maxCostPerCall",
      'must be dollars as a decimal string ("0.05") or picodollars as a non-negative bigint, ' +
        `got ${describeValue(maxCost)}`,
    );
  }
  return amount;
}
