import { describeValue, invalidInput } from "../errors/index.js";

/** A count read from a provider's usage object, with the path that names it in errors. */
export interface ReportedCount {
  path: string;
  value: number;
}

/**
 * Reads `parent.key` from a provider's usage object. Providers omit zero counts and send
 * `null` for details they did not measure, so an optional count that is absent reads as 0; a
 * required one that is absent, or any value that is not a non-negative integer, is an error
 * naming its path ("usage.prompt_tokens_details.cached_tokens").
 */
export function readTokenCount(
  source: unknown,
  field: { parent: string; key: string; required?: boolean },
): ReportedCount {
  const path = `${field.parent}.${field.key}`;
  if (source !== null && source !== undefined && typeof source !== "object") {
    throw invalidInput(field.parent, `must be an object, got ${describeValue(source)}`);
  }
  const value: unknown = source?.[field.key as keyof typeof source];
  if (value === undefined || value === null) {
    if (field.required) throw invalidInput(path, "is missing: the provider's usage must report it");
    return { path, value: 0 };
  }
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw invalidInput(path, `must be a non-negative integer, got ${describeValue(value)}`);
  }
  return { path, value };
}

/** Throws when a reported subset (cached, reasoning...) is larger than the total it is part of. */
export function assertSubset(subset: ReportedCount, total: ReportedCount): void {
  if (subset.value > total.value) {
    throw invalidInput(
      subset.path,
      `(${subset.value}) must not exceed ${total.path} (${total.value}), which includes it`,
    );
  }
}

/** Throws unless `usage` is a plain object, so the counts have somewhere to be read from. */
export function assertUsageObject(usage: unknown): asserts usage is object {
  if (typeof usage !== "object" || usage === null || Array.isArray(usage)) {
    throw invalidInput("usage", `must be the provider's usage object, got ${describeValue(usage)}`);
  }
}
