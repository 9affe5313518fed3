export {
  costOfTokens,
  divideRoundHalfEven,
  type FormatUsdOptions,
  formatUsd,
  PICODOLLARS_PER_DOLLAR,
  type Picodollars,
  picodollars,
  sumMoney,
  toDecimalString,
  toDollars,
  usd,
} from "./money.js";
