import type { ModelInfo } from "../catalog/index.js";
import { describeValue, invalidInput } from "../errors/index.js";

/**
 * The model with the prices (and long-context tiers) in force at `at`: the newest period
 * whose `from` date is on or before that day (UTC), among `priceHistory` and the current
 * `prices`. Before every dated period, the oldest one applies. `at` is checked for every
 * model, with a price history or not, so a bad date never passes unnoticed.
 *
 * @example
 * ```ts
 * pricesAt(defaultCatalog.get("claude-sonnet-5"), "2026-08-15").prices.input; // "2" (introductory)
 * pricesAt(defaultCatalog.get("claude-sonnet-5"), "2026-09-01").prices.input; // "3"
 * ```
 */
export function pricesAt(model: ModelInfo, at: Date | string): ModelInfo {
  const day = dayOf(at);
  if (model.priceHistory === undefined || model.priceHistory.length === 0) return model;
  const periods = [...model.priceHistory, { prices: model.prices, tiers: model.tiers }];
  let inForce = periods[0];
  for (const period of periods) {
    const from = period.prices.from;
    if (from === undefined || from <= day) inForce = period;
  }
  if (inForce === undefined || inForce.prices === model.prices) return model;
  const { tiers: _tiers, ...rest } = model;
  return inForce.tiers === undefined
    ? { ...rest, prices: inForce.prices }
    : { ...rest, prices: inForce.prices, tiers: inForce.tiers };
}

function dayOf(at: Date | string): string {
  const date = typeof at === "string" ? new Date(at) : at;
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    throw invalidInput(
      "at",
      `must be a Date or an ISO date such as "2026-09-01", got ${describeValue(at)}`,
    );
  }
  return date.toISOString().slice(0, 10);
}
