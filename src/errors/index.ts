export {
  invalidInput,
  TokenwiseError,
  type TokenwiseErrorCode,
  type TokenwiseErrorOptions,
} from "./tokenwise-error.js";
