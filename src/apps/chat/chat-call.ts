/**
 * One call a chat makes, turn or summary, under its reservation on the session budget: the
 * client called (streamed or not) with the budget's signal, the exact cost settled, and a call
 * that stopped early charged for what it consumed (or released when nothing suggests it was
 * billed). A call whose lease was lost ends with the budget's `budget_exceeded`.
 */
import type { ModelInfo } from "../../core/catalog/index.js";
import { assertValidUsage, costFromUsage, emptyUsage, type Usage } from "../../core/cost/index.js";
import { TokenwiseError } from "../../core/errors/index.js";
import type { ChatRequest } from "../../core/messages/index.js";
import type { Picodollars } from "../../core/money/index.js";
import { countTextTokens } from "../../core/tokens/index.js";
import type { SessionCharge } from "./chat-budget.js";
import type { ChatCallResult } from "./chat-client.js";
import type { ChatSession } from "./chat-session.js";
import type { CallPurpose } from "./chat-spend.js";
import type { SendOptions } from "./chat-types.js";

/** How a call ended, when it did not fail. */
export type CallOutcome =
  | {
      kind: "answered";
      result: ChatCallResult;
      /** The caller cancelled, and the client ended the call cleanly with what had arrived. */
      cancelled: boolean;
    }
  | {
      kind: "cancelled";
      /** What the call consumed before it stopped, already recorded and charged. */
      usage: Usage;
      cost: Picodollars;
      /** The text that arrived. */
      received: string;
      /** The client's error for the cancelled call. */
      error: unknown;
    };

/**
 * Makes the call and accounts for it: its spend recorded in the session and charged to the
 * budget. Throws the client's error for a failed call (after charging the part it consumed),
 * and the budget's lease-lost error for a call the budget stopped.
 */
export async function callUnderCharge(
  session: ChatSession,
  call: {
    purpose: CallPurpose;
    request: ChatRequest;
    model: ModelInfo;
    charge: SessionCharge;
    /** Input tokens counted for the request, charged when a stopped call reports no usage. */
    inputTokens: number;
    options: SendOptions;
    /** Streams the call, telling each piece of text as it arrives. */
    onText?: (piece: string) => void;
  },
): Promise<CallOutcome> {
  const { purpose, request, model, charge, onText } = call;
  const callOptions = session.callOptions(call.options, purpose, charge.signal);
  let received = "";
  let result: ChatCallResult;
  try {
    if (onText === undefined) {
      result = await session.client.chat(request, callOptions);
    } else {
      const stream = session.client.streamChat(request, callOptions);
      for await (const chunk of stream) {
        if (chunk.text === undefined || chunk.text === "") continue;
        received += chunk.text;
        onText(chunk.text);
      }
      result = await stream.result;
    }
  } catch (error) {
    const leaseLost = charge.signal.aborted;
    const cancelled =
      !leaseLost &&
      (call.options.signal?.aborted === true || TokenwiseError.hasCode(error, "aborted"));
    const usage = partialUsage({
      error,
      stopped: cancelled || leaseLost,
      inputTokens: call.inputTokens,
      received,
      model,
    });
    const failure = leaseLost ? charge.lostLease() : error;
    if (usage === undefined) {
      await charge.release();
      throw failure;
    }
    const cost = costFromUsage(model, usage, { catalog: session.catalog }).total;
    session.recordSpend(purpose, model, usage, cost);
    if (cancelled) {
      await charge.settle(cost);
      return { kind: "cancelled", usage, cost, received, error };
    }
    // The call's own failure is what to report; a ledger that cannot take the charge now has
    // it counted as untracked spend of the session, so the budget still holds.
    await charge.settle(cost).catch(() => {});
    await session.save();
    throw failure;
  }
  session.recordSpend(purpose, model, result.usage, result.cost.total);
  await charge.settle(result.cost.total);
  if (charge.signal.aborted) {
    // A client may end a stopped call cleanly: the budget still stopped it.
    await session.save();
    throw charge.lostLease();
  }
  return { kind: "answered", result, cancelled: call.options.signal?.aborted === true };
}

/**
 * What a call that stopped early consumed, or undefined when nothing suggests it was billed.
 * The provider's own partial usage wins; otherwise a stopped call counts its whole input and
 * the text received, so a spend is never under-counted.
 */
function partialUsage(options: {
  error: unknown;
  stopped: boolean;
  inputTokens: number;
  received: string;
  model: ModelInfo;
}): Usage | undefined {
  const receivedTokens =
    options.received === "" ? 0 : countTextTokens(options.received, options.model.tokenizer).tokens;
  const reported = TokenwiseError.isInstance(options.error)
    ? options.error.details.usage
    : undefined;
  if (isUsage(reported) && (reported.inputTokens > 0 || reported.outputTokens > 0)) {
    return { ...reported, outputTokens: Math.max(reported.outputTokens, receivedTokens) };
  }
  if (!options.stopped && receivedTokens === 0) return undefined;
  return { ...emptyUsage(), inputTokens: options.inputTokens, outputTokens: receivedTokens };
}

function isUsage(value: unknown): value is Usage {
  if (typeof value !== "object" || value === null) return false;
  try {
    assertValidUsage(value as Usage);
    return true;
  } catch {
    return false;
  }
}
