/**
 * Output helpers: JSON for scripts (money as exact decimal strings of dollars), text for people.
 */
import { toDecimalString } from "../../core/money/index.js";

/** JSON with every bigint (always money, in picodollars) written as an exact dollar string. */
export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, item: unknown) => (typeof item === "bigint" ? toDecimalString(item) : item),
    2,
  );
}

export interface Output {
  write(text: string): void;
  error(text: string): void;
}

export const processOutput: Output = {
  write: (text) => {
    process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
  },
  error: (text) => {
    process.stderr.write(text.endsWith("\n") ? text : `${text}\n`);
  },
};
