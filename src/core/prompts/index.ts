export {
  buildChainOfThoughtPrompt,
  type ChainOfThoughtPromptOptions,
  DEFAULT_CHAIN_OF_THOUGHT_STEPS,
} from "./chain-of-thought-prompt.js";
export { buildCostarPrompt, type CostarPromptOptions } from "./costar-prompt.js";
export {
  buildFewShotPrompt,
  type FewShotExample,
  type FewShotPrompt,
  type FewShotPromptOptions,
  type FewShotSelector,
  type TokenCounter,
} from "./few-shot-prompt.js";
export { orderForAttention, type RelevanceScores } from "./order-for-attention.js";
export {
  type StructureForAttentionOptions,
  structureForAttention,
} from "./structure-for-attention.js";
