export {
  type BudgetExceededDetails,
  type BudgetExceededReason,
  budgetExceededDetails,
  budgetExceededError,
  budgetExceededFacts,
  isBudgetExceededDetails,
  type TokenwiseErrorDetailsByCode,
  type TypedTokenwiseError,
} from "./budget-exceeded.js";
export { describeValue } from "./describe-value.js";
export {
  installCommand,
  missingDependency,
  OPTIONAL_DEPENDENCIES,
  type OptionalDependency,
  requireOptional,
  resolveOptional,
} from "./optional-dependency.js";
export {
  invalidInput,
  TokenwiseError,
  type TokenwiseErrorCode,
  type TokenwiseErrorOptions,
} from "./tokenwise-error.js";
