/**
 * tokenwise: token economics for people who pay for LLM calls.
 *
 * The root entry point is the pure core (no I/O, usable in any JavaScript runtime): token
 * counting, the model catalog, exact money and costs, prompt builders, sampling and vectors.
 * Parts with I/O have their own entry points: `tokenwise/client`, `tokenwise/providers`,
 * `tokenwise/stores`, `tokenwise/ledger`, `tokenwise/cache`, `tokenwise/mock-upstream`.
 *
 * @example
 * ```ts
 * import { countTokens, estimateCost, formatUsd } from "tokenwise";
 * countTokens({ model: "gpt-4o", input: "Hello, how are you today?" }).tokens; // 7
 * formatUsd(estimateCost({ model: "gpt-4o-mini", input: "Summarize this..." }).totalCost);
 * ```
 * @module
 */
export * from "./core/catalog/index.js";
export * from "./core/cost/index.js";
export * from "./core/errors/index.js";
export * from "./core/messages/index.js";
export * from "./core/money/index.js";
export * from "./core/prompts/index.js";
export * from "./core/sampling/index.js";
export * from "./core/tokens/index.js";
export * from "./core/vectors/index.js";
