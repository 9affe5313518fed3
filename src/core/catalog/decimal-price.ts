/**
 * Prices in the catalog are decimal strings of dollars per million tokens. LiteLLM publishes
 * dollars per token as JSON floats; converting by multiplying would print float artifacts
 * (2.5e-6 × 1e6 = 2.4999999999999996), so the conversion shifts the decimal point of the
 * float's shortest decimal representation instead.
 */
import { invalidInput } from "../errors/index.js";

const FLOAT_TEXT = /^(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/;
const DECIMAL_PRICE = /^(?:0|[1-9]\d*)(?:\.\d+)?$/;

/**
 * Converts a per-token price (a JSON number) to an exact decimal string per million tokens,
 * with no trailing zeros.
 *
 * @example
 * ```ts
 * perTokenToPerMillion(2.5e-6); // "2.5"
 * perTokenToPerMillion(1.25e-7); // "0.125"
 * perTokenToPerMillion(0.00003); // "30"
 * ```
 */
export function perTokenToPerMillion(perToken: number, field = "price"): string {
  if (typeof perToken !== "number" || !Number.isFinite(perToken) || perToken < 0) {
    throw invalidInput(
      field,
      `must be a non-negative number of dollars per token, got ${perToken}`,
    );
  }
  const match = FLOAT_TEXT.exec(String(perToken));
  if (!match) {
    throw invalidInput(field, `could not be read as a decimal number, got ${perToken}`);
  }
  const fraction = match[2] ?? "";
  const digits = `${match[1]}${fraction}`.replace(/^0+/, "");
  if (digits === "") return "0";
  const exponent = Number(match[3] ?? "0") - fraction.length + 6;
  if (exponent >= 0) return digits + "0".repeat(exponent);
  const padded = digits.padStart(-exponent + 1, "0");
  const whole = padded.slice(0, padded.length + exponent);
  const decimals = padded.slice(padded.length + exponent).replace(/0+$/, "");
  return decimals === "" ? whole : `${whole}.${decimals}`;
}

/**
 * True for a plain non-negative decimal such as "2.50", "0.075" or "30" (no sign, no
 * exponent, no currency symbol): the form catalog prices take.
 *
 * @example
 * ```ts
 * isDecimalPrice("2.50"); // true
 * isDecimalPrice("2.5e-6"); // false
 * ```
 */
export function isDecimalPrice(value: unknown): value is string {
  return typeof value === "string" && DECIMAL_PRICE.test(value);
}
