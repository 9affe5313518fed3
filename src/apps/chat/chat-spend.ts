import { addUsage, emptyUsage, type Usage } from "../../core/cost/index.js";
import type { Picodollars } from "../../core/money/index.js";

/** Why a chat made a call: the conversation itself, or folding old turns into the summary. */
export type CallPurpose = "chat" | "summary";

/** What one model cost for one purpose, summed over every call. */
export interface ModelSpend {
  purpose: CallPurpose;
  model: string;
  calls: number;
  usage: Usage;
  cost: Picodollars;
}

/**
 * The spend list with one more call added to its purpose and model's row (a new row if none).
 *
 * @example
 * ```ts
 * const spend = addSpend([], { purpose: "chat", model: "gpt-4o-mini", usage, cost: 90_000_000n });
 * spend[0].calls; // 1
 * ```
 */
export function addSpend(
  spend: readonly ModelSpend[],
  call: { purpose: CallPurpose; model: string; usage: Usage; cost: Picodollars },
): ModelSpend[] {
  const index = spend.findIndex((row) => row.purpose === call.purpose && row.model === call.model);
  const row = spend[index] ?? {
    purpose: call.purpose,
    model: call.model,
    calls: 0,
    usage: emptyUsage(),
    cost: 0n,
  };
  const updated: ModelSpend = {
    ...row,
    calls: row.calls + 1,
    usage: addUsage(row.usage, call.usage),
    cost: row.cost + call.cost,
  };
  return index < 0 ? [...spend, updated] : spend.map((item, at) => (at === index ? updated : item));
}

/** Every row summed: the chat's total usage, cost and calls. */
export function totalSpend(spend: readonly ModelSpend[]): {
  usage: Usage;
  cost: Picodollars;
  calls: number;
} {
  let usage = emptyUsage();
  let cost = 0n;
  let calls = 0;
  for (const row of spend) {
    usage = addUsage(usage, row.usage);
    cost += row.cost;
    calls += row.calls;
  }
  return { usage, cost, calls };
}

/**
 * Chat calls in the spend list: the turns a session has had (summary calls are not turns).
 *
 * @example
 * ```ts
 * chatTurns(stats.byModel); // 3
 * ```
 */
export function chatTurns(spend: readonly { purpose: string; calls: number }[]): number {
  return spend.reduce((sum, row) => sum + (row.purpose === "chat" ? row.calls : 0), 0);
}
