/**
 * Exact money. An amount is a `bigint` count of picodollars (10^-12 USD): a per-token price
 * such as $0.000000075 is exactly 75,000 picodollars, and sums never drift the way binary
 * floating point does. Round only when displaying.
 *
 * @example
 * ```ts
 * let total = 0n;
 * for (let i = 0; i < 1_000_000; i++) total += usd("0.000015");
 * formatUsd(total); // "$15.000000"
 * ```
 */
import { invalidInput } from "../errors/index.js";

/** An exact amount of US dollars, in picodollars (1 USD = 10^12). */
export type Picodollars = bigint;

export const PICODOLLARS_PER_DOLLAR = 1_000_000_000_000n;
const SCALE_DIGITS = 12;

const DECIMAL = /^([+-])?(\d+)?(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * Parses a decimal amount of dollars exactly ("2.50", "1.25e-7", 0.15) into picodollars.
 * Digits beyond 10^-12 are rounded half to even. Numbers are read through their shortest
 * decimal representation (`String(n)`), so `usd(0.1)` is exactly 10^11.
 *
 * One unit per type: strings and numbers are dollars, a bigint is always picodollars (what
 * `usd` returns, and what a budget given as a bigint means). So `usd` refuses a bigint rather
 * than guess; write `usd("3")` for three dollars or {@link picodollars} for a raw amount.
 *
 * @example
 * ```ts
 * usd("2.50"); // 2_500_000_000_000n
 * usd(3n); // throws invalid_input: a bigint is already picodollars
 * ```
 */
export function usd(amount: string | number, field = "amount"): Picodollars {
  if (typeof amount === "bigint") {
    throw invalidInput(
      field,
      `is a bigint (${amount}n), which tokenwise reads as picodollars, not dollars: write usd("${amount}") for $${amount}, or pass ${amount}n itself as picodollars`,
    );
  }
  if (typeof amount === "number" && !Number.isFinite(amount)) {
    throw invalidInput(field, `must be a finite number of dollars, got ${amount}`);
  }
  const text = String(amount).trim().replace(/^\$/, "").replaceAll("_", "");
  const match = DECIMAL.exec(text);
  if (!match || (match[2] === undefined && (match[3] === undefined || match[3] === ""))) {
    throw invalidInput(
      field,
      `must be a decimal amount of dollars such as "0.50", got "${amount}"`,
    );
  }
  const sign = match[1] === "-" ? -1n : 1n;
  const integerDigits = match[2] ?? "0";
  const fractionDigits = match[3] ?? "";
  const exponent = Number(match[4] ?? "0");
  // value = digits × 10^(exponent - fractionDigits.length); we want value × 10^12.
  const digits = BigInt(integerDigits + fractionDigits);
  const shift = exponent - fractionDigits.length + SCALE_DIGITS;
  if (shift >= 0) return sign * digits * 10n ** BigInt(shift);
  return sign * divideRoundHalfEven(digits, 10n ** BigInt(-shift));
}

/**
 * A whole number of picodollars, named: `picodollars(1_500_000n)` is $0.0000015. Refuses a
 * fractional or unsafe number so a dollar figure cannot pass for picodollars by accident.
 *
 * @example
 * ```ts
 * picodollars(5_615_000_000n); // 5_615_000_000n ($0.005615)
 * picodollars(1.5); // throws invalid_input
 * ```
 */
export function picodollars(amount: bigint | number, field = "amount"): Picodollars {
  if (typeof amount === "bigint") return amount;
  if (!Number.isSafeInteger(amount)) {
    throw invalidInput(
      field,
      `must be a whole number of picodollars, got ${amount}; for dollars use usd("${amount}")`,
    );
  }
  return BigInt(amount);
}

/** Integer division rounded half to even (banker's rounding); `divisor` must be positive. */
export function divideRoundHalfEven(dividend: bigint, divisor: bigint): bigint {
  if (divisor <= 0n) throw invalidInput("divisor", "must be positive");
  const negative = dividend < 0n;
  const magnitude = negative ? -dividend : dividend;
  let quotient = magnitude / divisor;
  const remainder = magnitude % divisor;
  const twice = remainder * 2n;
  if (twice > divisor || (twice === divisor && quotient % 2n === 1n)) quotient += 1n;
  return negative ? -quotient : quotient;
}

/**
 * Cost of `tokens` at a price given in dollars per million tokens (picodollars per million),
 * rounded half to even to a whole picodollar only at the very end.
 */
export function costOfTokens(tokens: number, pricePerMillion: Picodollars): Picodollars {
  if (!Number.isSafeInteger(tokens) || tokens < 0) {
    throw invalidInput("tokens", `must be a non-negative integer, got ${tokens}`);
  }
  return divideRoundHalfEven(BigInt(tokens) * pricePerMillion, 1_000_000n);
}

export interface FormatUsdOptions {
  /** Decimal places to show (default 6). Rounded half to even. */
  decimals?: number;
  /** Prefix with "$" (default true). */
  symbol?: boolean;
}

/** Formats picodollars for people: `formatUsd(15_000_000n)` → "$0.000015". */
export function formatUsd(amount: Picodollars, options: FormatUsdOptions = {}): string {
  const decimals = options.decimals ?? 6;
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > SCALE_DIGITS) {
    throw invalidInput("decimals", `must be an integer from 0 to ${SCALE_DIGITS}, got ${decimals}`);
  }
  const scaled = divideRoundHalfEven(amount, 10n ** BigInt(SCALE_DIGITS - decimals));
  const negative = scaled < 0n;
  const digits = (negative ? -scaled : scaled).toString().padStart(decimals + 1, "0");
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals);
  const body = decimals === 0 ? whole : `${whole}.${fraction}`;
  return `${negative ? "-" : ""}${options.symbol === false ? "" : "$"}${body}`;
}

/**
 * Exact decimal string of dollars with no rounding and no trailing zeros beyond two places:
 * `toDecimalString(5_615_000_000n)` → "0.005615". Use it in JSON output.
 */
export function toDecimalString(amount: Picodollars): string {
  const negative = amount < 0n;
  const digits = (negative ? -amount : amount).toString().padStart(SCALE_DIGITS + 1, "0");
  const whole = digits.slice(0, digits.length - SCALE_DIGITS);
  let fraction = digits.slice(digits.length - SCALE_DIGITS).replace(/0+$/, "");
  if (fraction.length < 2) fraction = fraction.padEnd(2, "0");
  return `${negative ? "-" : ""}${whole}.${fraction}`;
}

/** Approximate dollars as a number, for charts and ratios only; never sum these. */
export function toDollars(amount: Picodollars): number {
  return Number(amount) / 1e12;
}

/** Sums amounts exactly. */
export function sumMoney(amounts: Iterable<Picodollars>): Picodollars {
  let total = 0n;
  for (const amount of amounts) total += amount;
  return total;
}
