import { type Picodollars, toDecimalString } from "../money/index.js";

/** A token count as people read it: 1048576 → "1,048,576". */
export function describeTokens(tokens: number): string {
  return tokens.toLocaleString("en-US");
}

/** An exact dollar amount for messages: 600_000_000_000n → "$0.60", never rounded to "$0.00". */
export function describeCost(amount: Picodollars): string {
  return `$${toDecimalString(amount)}`;
}
