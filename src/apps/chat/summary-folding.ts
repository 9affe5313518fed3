/**
 * Folding old turns into the running summary: when the history passes `summarizeAt`, or when
 * asked, one summary call (reserved on the session budget like every call) folds the oldest
 * open turns into the summary, and a summary that does not shorten the history is dropped.
 */
import type { ModelInfo } from "../../core/catalog/index.js";
import { TokenwiseError } from "../../core/errors/index.js";
import type { ChatMessage, ChatRequest } from "../../core/messages/index.js";
import { countChatTokens } from "../../core/tokens/index.js";
import { callUnderCharge } from "./chat-call.js";
import { type ChatHistoryEntry, messageText, messageTokens } from "./chat-history.js";
import type { ChatSession } from "./chat-session.js";
import type { SendOptions } from "./chat-types.js";
import { inputLimit, outputLimit, outputLimitField } from "./request-limits.js";
import { messagesToFold, summaryMessage, summaryRequestMessages } from "./running-summary.js";

/**
 * A summary no shorter than 80% of what it would replace, while the history stays over
 * `summarizeAt`, is not worth keeping (the mock upstream's echo is one).
 */
const INEFFECTIVE_SUMMARY_RATIO = 0.8;

/**
 * Folds older turns into the summary when the history with `pending` (the message about to be
 * sent) passes `summarizeAt`; true when it did.
 */
export async function summarizeIfLong(
  session: ChatSession,
  pending: ChatHistoryEntry,
  options: SendOptions,
): Promise<boolean> {
  if (session.summariesOff) return false;
  const { state } = session;
  if (session.contextTokens(pending) <= state.settings.summarizeAt) return false;
  const fold = messagesToFold(state.entries, {
    coveredThrough: state.summary?.coveredThrough ?? -1,
    keepLast: state.settings.keepLast,
    pendingTurn: true,
  });
  if (fold.length === 0) return false;
  return (await foldIntoSummary(session, fold, options, pending)) > 0;
}

/**
 * Folds every turn but the newest `keepLast` into the summary now; returns how many messages.
 */
export async function summarizeNow(session: ChatSession, options: SendOptions): Promise<number> {
  const { state } = session;
  const fold = messagesToFold(state.entries, {
    coveredThrough: state.summary?.coveredThrough ?? -1,
    keepLast: state.settings.keepLast,
    pendingTurn: false,
  });
  if (fold.length === 0) return 0;
  return foldIntoSummary(session, fold, options, undefined);
}

/**
 * One summary call folding `fold` (oldest first) into the summary; returns messages folded.
 * A summary not meaningfully shorter than what it replaces, with the history still over
 * `summarizeAt` (`pending` counted), is dropped and turns automatic summaries off: kept, it
 * would be redone, and paid for, on every turn.
 */
async function foldIntoSummary(
  session: ChatSession,
  fold: number[],
  options: SendOptions,
  pending: ChatHistoryEntry | undefined,
): Promise<number> {
  const { state } = session;
  const summaryModel = session.summaryModel();
  const maxOutputTokens = outputLimit(summaryModel, state.settings.summaryMaxOutputTokens);
  const limit = inputLimit(summaryModel, maxOutputTokens, "summaryMaxOutputTokens");
  const { messages, folded, inputTokens } = summaryRequestWithin(session, fold, {
    model: summaryModel,
    maxOutputTokens,
    limit,
  });
  const request: ChatRequest = {
    model: state.summaryModel,
    messages,
    ...outputLimitField(summaryModel, maxOutputTokens),
  };
  const charge = await session.budget.reserve({
    purpose: "the summary of older turns",
    request,
    model: summaryModel,
  });
  const outcome = await callUnderCharge(session, {
    purpose: "summary",
    request,
    model: summaryModel,
    charge,
    inputTokens,
    options,
  });
  if (outcome.kind === "cancelled") {
    await session.save();
    throw outcome.error;
  }
  const text = messageText(outcome.result.message).trim();
  const chatModel = session.model();
  const previous = state.summary;
  const replacedTokens =
    (previous?.tokens ?? 0) +
    folded.reduce((sum, index) => sum + (state.entries[index]?.tokens ?? 0), 0);
  state.summary = {
    text,
    coveredThrough: folded.at(-1) ?? previous?.coveredThrough ?? -1,
    tokens: messageTokens(summaryMessage(text), chatModel),
    tokenizer: chatModel.tokenizer,
    updates: (previous?.updates ?? 0) + 1,
  };
  const summaryTokens = state.summary.tokens;
  if (
    summaryTokens >= replacedTokens * INEFFECTIVE_SUMMARY_RATIO &&
    session.contextTokens(pending) > state.settings.summarizeAt
  ) {
    state.summary = previous;
    session.summariesOff = true;
    session.notice =
      `the summary came back with ${summaryTokens} tokens for the ${replacedTokens} it was to replace, ` +
      "so it was dropped and automatic summaries are off for this session; from now on the " +
      `oldest turns are left out to keep requests near ${state.settings.summarizeAt} tokens`;
    await session.save();
    return 0;
  }
  await session.save();
  return folded.length;
}

/**
 * The summary request for the longest prefix of `fold` that fits the summary model; a single
 * message too long on its own is cut (its end is dropped) until it fits.
 */
function summaryRequestWithin(
  session: ChatSession,
  fold: number[],
  options: { model: ModelInfo; maxOutputTokens: number; limit: number },
): { messages: ChatMessage[]; folded: number[]; inputTokens: number } {
  const { state } = session;
  const previous = state.summary?.text;
  const maxWords = Math.max(20, Math.floor(options.maxOutputTokens * 0.6));
  const messageAt = (index: number | undefined): ChatMessage =>
    state.entries[index ?? -1]?.message ?? { role: "user", content: "" };
  const build = (folded: number[], cut?: string) => {
    const messages = folded.map(messageAt);
    if (cut !== undefined) messages[0] = { role: messageAt(folded[0]).role, content: cut };
    const request = summaryRequestMessages({ previous, messages, maxWords });
    const tokens = countChatTokens(request, {
      tokenizer: options.model.tokenizer,
      model: options.model.id,
    }).tokens;
    return { messages: request, folded, inputTokens: tokens };
  };
  let folded = fold;
  let attempt = build(folded);
  while (attempt.inputTokens > options.limit && folded.length > 1) {
    folded = folded.slice(0, Math.ceil(folded.length / 2));
    attempt = build(folded);
  }
  let text = messageText(messageAt(folded[0]));
  while (attempt.inputTokens > options.limit && text.length > 0) {
    text = text.slice(0, Math.floor((text.length * options.limit) / attempt.inputTokens) - 1);
    attempt = build(folded, text);
  }
  if (attempt.inputTokens > options.limit) {
    throw new TokenwiseError(
      "context_window_exceeded",
      `The summary model ${options.model.id} cannot fit even an empty summary request in its ` +
        `context window (${options.model.contextWindow} tokens); choose a larger summaryModel ` +
        "or lower summaryMaxOutputTokens",
    );
  }
  return attempt;
}
