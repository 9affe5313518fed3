export {
  CHOICE_PRIORITIES,
  type ChoicePolicy,
  type ChoicePriority,
  type PolicyPick,
  TUTORIAL_POLICY,
} from "./choice-policy.js";
export {
  type Candidate,
  type ChooseModelOptions,
  chooseModel,
  type ModelChoice,
} from "./choose-model.js";
export {
  type CompareCostsOptions,
  type CostComparisonRow,
  compareCosts,
} from "./compare-costs.js";
export {
  type CostBreakdown,
  type CostFromUsageOptions,
  costFromUsage,
} from "./cost-from-usage.js";
export { type CountTokensOptions, countTokens } from "./count-tokens.js";
export {
  type CostEstimate,
  DEFAULT_EXPECTED_OUTPUT_TOKENS,
  type EstimateCostOptions,
  estimateCost,
} from "./estimate-cost.js";
export { isDeprecated, type ModelCatalog } from "./model-catalog.js";
export { pricesAt } from "./prices-at.js";
export { addUsage, assertValidUsage, emptyUsage, type Usage } from "./usage.js";
export { type AnthropicUsage, usageFromAnthropic } from "./usage-from-anthropic.js";
export { type GeminiUsageMetadata, usageFromGemini } from "./usage-from-gemini.js";
export {
  type OpenAIChatUsage,
  type OpenAIResponsesUsage,
  usageFromOpenAI,
} from "./usage-from-openai.js";
