export { describeValue } from "./describe-value.js";
export {
  invalidInput,
  TokenwiseError,
  type TokenwiseErrorCode,
  type TokenwiseErrorOptions,
} from "./tokenwise-error.js";
