/** How the REPL shows turns, stats and history: plain text lines, money to 6 decimals. */

// Internal: chatTurns stays out of the public index of apps/chat.
import { chatTurns } from "../../apps/chat/chat-spend.js";
import type { ChatRetryEvent, ChatStats, ChatTurn, RunningSummary } from "../../apps/chat/index.js";
import { type ChatHistoryEntry, messageText } from "../../apps/chat/index.js";
import { formatUsd } from "../../core/money/index.js";

const integer = new Intl.NumberFormat("en-US");

/**
 * The line after each turn: tokens in and out, the turn's cost (summary calls included), the
 * total, and the budget left.
 *
 * @example
 * ```ts
 * formatTurnLine(turn, { turnCost: 4_350_000n, stats });
 * // "[in 9 · out 5 tokens · turn $0.000004 · total $0.000004 · left $0.499996]"
 * ```
 */
export function formatTurnLine(turn: ChatTurn, options: { turnCost: bigint; stats: ChatStats }) {
  const parts = [
    ...(turn.cancelled ? ["cancelled"] : []),
    `in ${integer.format(turn.usage.inputTokens)}`,
    `out ${integer.format(turn.usage.outputTokens)} tokens`,
    `turn ${formatUsd(options.turnCost)}`,
    `total ${formatUsd(options.stats.cost)}`,
    options.stats.budgetRemaining === undefined
      ? "no budget"
      : `left ${formatUsd(clampAtZero(options.stats.budgetRemaining))}`,
  ];
  const notes = [
    ...(turn.summarized ? ["older turns folded into the summary"] : []),
    ...(turn.droppedMessages > 0
      ? [`${turn.droppedMessages} older messages left out of the request`]
      : []),
  ];
  return `[${parts.join(" · ")}]${notes.length > 0 ? ` (${notes.join("; ")})` : ""}`;
}

/**
 * The status line while a call is retried, so a slow, failing upstream is not silence.
 *
 * @example
 * ```ts
 * formatRetryLine({ attempt: 1, delayMs: 2100, reason: "HTTP 503 provider_error", provider: "openai", ... }, 4);
 * // "retrying in 2.1 s (HTTP 503 provider_error from openai, attempt 2/4)"
 * ```
 */
export function formatRetryLine(event: ChatRetryEvent, maxAttempts?: number): string {
  const what = event.purpose === "summary" ? "retrying the summary" : "retrying";
  const from = event.provider === undefined ? event.model : event.provider;
  const attempt = `attempt ${event.attempt + 1}${maxAttempts === undefined ? "" : `/${maxAttempts}`}`;
  return `${what} in ${(event.delayMs / 1000).toFixed(1)} s (${event.reason} from ${from}, ${attempt})`;
}

/** One line for the end of a session. */
export function formatTotalLine(stats: ChatStats): string {
  const chatCalls = chatTurns(stats.byModel);
  const left =
    stats.budgetRemaining === undefined
      ? ""
      : ` · left ${formatUsd(clampAtZero(stats.budgetRemaining))}`;
  return (
    `[session ${stats.sessionId}: ${chatCalls} turns · in ${integer.format(stats.usage.inputTokens)}` +
    ` · out ${integer.format(stats.usage.outputTokens)} tokens · total ${formatUsd(stats.cost)}${left}]`
  );
}

/** The /stats block. */
export function formatStats(stats: ChatStats): string {
  const { usage } = stats;
  const lines = [
    `session        ${stats.sessionId}`,
    `model          ${stats.model} (summaries: ${stats.summaryModel})`,
    `calls          ${stats.calls}`,
    `input tokens   ${integer.format(usage.inputTokens)} (cached ${integer.format(usage.cachedInputTokens)})`,
    `output tokens  ${integer.format(usage.outputTokens)} (reasoning ${integer.format(usage.reasoningTokens)})`,
    `cost           ${formatUsd(stats.cost, { decimals: 12 })}`,
    stats.budget === undefined
      ? "budget         none"
      : `budget         ${formatUsd(stats.budget)} (left ${formatUsd(clampAtZero(stats.budgetRemaining ?? 0n), { decimals: 12 })})`,
    `history        ${stats.messages} messages, ${integer.format(stats.contextTokens)} tokens in the next request`,
    stats.summary === undefined
      ? "summary        none yet"
      : `summary        covers messages 0-${stats.summary.coveredThrough}, ${stats.summary.tokens} tokens, ${stats.summary.updates} updates`,
  ];
  for (const row of stats.byModel) {
    lines.push(
      `  ${row.purpose.padEnd(8)}${row.model}: ${row.calls} calls, in ${integer.format(row.usage.inputTokens)}` +
        ` · out ${integer.format(row.usage.outputTokens)} tokens, ${formatUsd(row.cost, { decimals: 12 })}`,
    );
  }
  return lines.join("\n");
}

/** The /history listing: one line per message, cut to `width` characters. */
export function formatHistory(
  entries: readonly ChatHistoryEntry[],
  summary: RunningSummary | undefined,
  width = 100,
): string {
  if (entries.length === 0) return "(no messages yet)";
  return entries
    .map((entry, index) => {
      const folded =
        summary !== undefined && index <= summary.coveredThrough && entry.message.role !== "system"
          ? " (in summary)"
          : "";
      const flags = `${entry.partial ? " (cut short)" : ""}${folded}`;
      const head = `#${index} ${entry.message.role} ${entry.tokens} tok${flags}: `;
      const text = messageText(entry.message).replace(/\s+/g, " ");
      const room = Math.max(10, width - head.length);
      return head + (text.length > room ? `${text.slice(0, room - 1)}…` : text);
    })
    .join("\n");
}

function clampAtZero(amount: bigint): bigint {
  return amount > 0n ? amount : 0n;
}
