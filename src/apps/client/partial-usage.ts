import type { JsonValue } from "../../adapters/ledger/index.js";
import type { ChatChunk } from "../../adapters/providers/index.js";
import { assembleChatChunks } from "../../adapters/providers/index.js";
import type { ModelInfo } from "../../core/catalog/index.js";
import { assertValidUsage, costFromUsage, emptyUsage, type Usage } from "../../core/cost/index.js";
import { TokenwiseError } from "../../core/errors/index.js";
import { countTextTokens } from "../../core/tokens/index.js";
import type { Charge } from "./budget-guard.js";

/**
 * The usage a failed or cancelled call reported (`details.usage` of a provider's error), or
 * undefined when it reported none or something that is not a usage.
 *
 * @example
 * ```ts
 * reportedUsage(abortedStreamError)?.outputTokens; // tokens generated before the abort
 * ```
 */
export function reportedUsage(error: unknown): Usage | undefined {
  if (!TokenwiseError.isInstance(error)) return undefined;
  const usage = error.details.usage as Usage | undefined;
  if (usage === undefined) return undefined;
  try {
    assertValidUsage(usage);
    return usage;
  } catch {
    return undefined;
  }
}

/**
 * The usage of a stream that stopped early or reported none: the provider's numbers where it
 * gave them, raised to what was counted locally (the input with the model's tokenizer, the
 * output from the text and tool calls that arrived), because a provider's running totals lag
 * behind what it already sent.
 *
 * @example
 * ```ts
 * streamUsage({ model, inputTokens: 120, chunks: received, reported: undefined });
 * // { inputTokens: 120, outputTokens: <tokens of the received text>, ... }
 * ```
 */
export function streamUsage(options: {
  model: ModelInfo;
  inputTokens: number;
  chunks: readonly ChatChunk[];
  reported: Usage | undefined;
}): Usage {
  const reply = assembleChatChunks(options.chunks);
  const toolText = reply.toolCalls.map((call) => call.function.name + call.function.arguments);
  const text = [reply.content ?? "", ...toolText].join("");
  const outputTokens = text === "" ? 0 : countTextTokens(text, options.model.tokenizer).tokens;
  const usage = { ...(options.reported ?? emptyUsage()) };
  usage.inputTokens = Math.max(usage.inputTokens, options.inputTokens);
  usage.outputTokens = Math.max(usage.outputTokens, outputTokens);
  return usage;
}

/** True when a usage counts any token, so the call it belongs to was billed. */
export function isBilled(usage: Usage | undefined): usage is Usage {
  return usage !== undefined && (usage.inputTokens > 0 || usage.outputTokens > 0);
}

/**
 * Ends a failed call's charge: when the provider reported usage (a stream that broke or was
 * aborted midway), that usage is charged at its exact price and the error carries the cost in
 * `details.cost`; otherwise the reservation is released.
 *
 * @example
 * ```ts
 * catch (error) { await endFailedCharge({ charge, error, model, provider: "openai", usage: reportedUsage(error) }); throw error; }
 * ```
 */
export async function endFailedCharge(options: {
  charge: Charge;
  error: unknown;
  model: ModelInfo;
  provider: string;
  usage: Usage | undefined;
  /** When the call was made: the moment its reservation was priced at (default now). */
  at?: Date;
  /** The call's own request id, when it gave one. */
  requestId?: string;
  metadata?: { [key: string]: JsonValue };
}): Promise<void> {
  const { charge, error, model, usage } = options;
  if (!isBilled(usage)) {
    try {
      await charge.release();
    } catch {
      // The reservation frees itself when its TTL passes; the call's own error matters more.
    }
    return;
  }
  const cost = costFromUsage(model, usage, options.at === undefined ? {} : { at: options.at });
  await charge.settle(cost.total, {
    model: model.id,
    provider: options.provider,
    usage,
    ...(options.requestId === undefined ? {} : { requestId: options.requestId }),
    metadata: { ...options.metadata, partial: true },
  });
  if (TokenwiseError.isInstance(error) && Object.isExtensible(error.details)) {
    error.details.usage = usage;
    error.details.cost = cost;
  }
}
