/**
 * Flag value parsers: each turns a bad value into a one-line message naming the flag.
 */
import { InvalidArgumentError } from "commander";
import { TokenwiseError } from "../../core/errors/index.js";
import { type Picodollars, usd } from "../../core/money/index.js";

export function nonNegativeInteger(value: string): number {
  const trimmed = value.trim().replaceAll("_", "").replaceAll(",", "");
  if (/^-\d+$/.test(trimmed)) {
    throw new InvalidArgumentError(`expected 0 or more, got "${value}".`);
  }
  const parsed = /^\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (!Number.isSafeInteger(parsed)) {
    throw new InvalidArgumentError(`expected a whole number such as 500, got "${value}".`);
  }
  return parsed;
}

export function positiveInteger(value: string): number {
  const parsed = nonNegativeInteger(value);
  if (parsed === 0) throw new InvalidArgumentError("expected a number greater than 0.");
  return parsed;
}

export function fraction(value: string): number {
  const parsed = Number(value);
  if (value.trim() === "" || !Number.isFinite(parsed) || parsed < 0 || parsed > 1) {
    throw new InvalidArgumentError(`expected a number from 0 to 1 such as 0.8, got "${value}".`);
  }
  return parsed;
}

export function dollars(value: string): Picodollars {
  try {
    const amount = usd(value);
    if (amount < 0n) throw new InvalidArgumentError("expected an amount of 0 or more.");
    return amount;
  } catch (error) {
    if (TokenwiseError.isInstance(error)) {
      throw new InvalidArgumentError(`expected dollars such as 0.05, got "${value}".`);
    }
    throw error;
  }
}

/** "a,b" and repeated flags both give a list; an empty value is refused, not ignored. */
export function list(value: string, previous: string[] = []): string[] {
  const items = value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
  if (items.length === 0) {
    throw new InvalidArgumentError(`expected one or more names such as gpt-4o, got "${value}".`);
  }
  return [...previous, ...items];
}

/** A model or encoding name: an empty one is refused rather than read as the default. */
export function modelName(value: string): string {
  const trimmed = value.trim();
  if (trimmed === "") {
    throw new InvalidArgumentError(`expected a model name such as gpt-4o-mini, got "${value}".`);
  }
  return trimmed;
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
