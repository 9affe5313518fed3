/**
 * One turn: the message checked, older turns folded into the summary when the history is long,
 * the request fitted to the context window and reserved on the session budget (a refused
 * message is refused here, before anything is sent), then sent, and its reply, usage and cost
 * added to the session. A cancelled reply keeps what arrived, its partial cost counted.
 */
import type { ModelInfo } from "../../core/catalog/index.js";
import type { Usage } from "../../core/cost/index.js";
import { invalidInput, TokenwiseError } from "../../core/errors/index.js";
import type { ChatMessage, ChatRequest } from "../../core/messages/index.js";
import type { Picodollars } from "../../core/money/index.js";
import type { SessionCharge } from "./chat-budget.js";
import { callUnderCharge } from "./chat-call.js";
import { type ChatHistoryEntry, historyEntry, messageText } from "./chat-history.js";
import type { ChatSession } from "./chat-session.js";
import type { ChatTurn, SendOptions } from "./chat-types.js";
import { inputLimit, outputLimit, outputLimitField } from "./request-limits.js";
import { summarizeIfLong } from "./summary-folding.js";

/** A message that passed the budget: its request, and the reservation it is sent under. */
export interface PreparedTurn {
  userEntry: ChatHistoryEntry;
  request: ChatRequest;
  model: ModelInfo;
  countedInputTokens: number;
  summarized: boolean;
  droppedMessages: number;
  charge: SessionCharge;
  options: SendOptions;
}

/**
 * Takes the session's lock and prepares the message up to its reservation. The lock is given
 * back when this throws, or else by {@link executeTurn}.
 */
export async function prepareTurn(
  session: ChatSession,
  text: string,
  options: SendOptions,
): Promise<PreparedTurn> {
  if (typeof text !== "string" || text.trim() === "") {
    throw invalidInput("text", "must be a non-empty message");
  }
  if (options.signal?.aborted) {
    throw new TokenwiseError("aborted", "The message was cancelled before it was sent.");
  }
  session.claim();
  try {
    const { state } = session;
    const model = session.model();
    const userEntry = historyEntry({ role: "user", content: text }, model);
    const summarized = await summarizeIfLong(session, userEntry, options);
    const maxOutputTokens = outputLimit(model, state.settings.maxOutputTokens);
    const fitted = session.fit(
      userEntry,
      model,
      inputLimit(model, maxOutputTokens, "maxOutputTokens"),
    );
    const request: ChatRequest = {
      model: state.model,
      messages: fitted.messages,
      ...outputLimitField(model, maxOutputTokens),
    };
    const charge = await session.budget.reserve({ purpose: "this message", request, model });
    return {
      userEntry,
      request,
      model,
      countedInputTokens: fitted.tokens,
      summarized,
      droppedMessages: fitted.droppedMessages.length,
      charge,
      options,
    };
  } catch (error) {
    session.unclaim();
    throw error;
  }
}

/** Sends a prepared message (streamed when `onText` is given) and gives the lock back. */
export async function executeTurn(
  session: ChatSession,
  prepared: PreparedTurn,
  onText: ((piece: string) => void) | undefined,
): Promise<ChatTurn> {
  const { model, request, charge, userEntry } = prepared;
  const { entries } = session.state;
  try {
    const outcome = await callUnderCharge(session, {
      purpose: "chat",
      request,
      model,
      charge,
      inputTokens: prepared.countedInputTokens,
      options: prepared.options,
      ...(onText === undefined ? {} : { onText }),
    });
    if (outcome.kind === "cancelled") {
      const message: ChatMessage = { role: "assistant", content: outcome.received };
      entries.push(userEntry);
      if (outcome.received !== "") {
        entries.push(historyEntry(message, model, { model: model.id, partial: true }));
      }
      await session.save();
      return turnResult(session, {
        prepared,
        message,
        usage: outcome.usage,
        cost: outcome.cost,
        cancelled: true,
      });
    }
    const { result, cancelled } = outcome;
    const message: ChatMessage = { ...result.message, role: "assistant" };
    entries.push(userEntry);
    if (!cancelled || messageText(message) !== "") {
      const writer = result.modelUsed ?? model.id;
      entries.push(
        historyEntry(
          message,
          model,
          cancelled ? { model: writer, partial: true } : { model: writer },
        ),
      );
    }
    await session.save();
    return turnResult(session, {
      prepared,
      message,
      usage: result.usage,
      cost: result.cost.total,
      cancelled,
    });
  } finally {
    session.unclaim();
  }
}

function turnResult(
  session: ChatSession,
  options: {
    prepared: PreparedTurn;
    message: ChatMessage;
    usage: Usage;
    cost: Picodollars;
    cancelled: boolean;
  },
): ChatTurn {
  const turn: ChatTurn = {
    reply: messageText(options.message),
    message: options.message,
    model: options.prepared.model.id,
    usage: options.usage,
    cost: options.cost,
    totalCost: session.spent(),
    summarized: options.prepared.summarized,
    droppedMessages: options.prepared.droppedMessages,
    cancelled: options.cancelled,
  };
  const remaining = session.budget.remaining();
  if (remaining !== undefined) turn.budgetRemaining = remaining;
  if (session.notice !== undefined) {
    turn.notice = session.notice;
    session.notice = undefined;
  }
  return turn;
}
