/**
 * What the mock answers, derived only from the request (and the behaviour), so tests can
 * assert exact text and usage:
 * - a user turn last → "Echo: <its text>" (plus " [n image(s)]" when it had images);
 * - tool results last → "Tool results: <result 1> | <result 2>";
 * - a forced tool choice → one call to that tool (or the first tool) with
 *   `{ "text": <last user text> }` as arguments;
 * - `max_tokens` below the reply's size → the text cut to max × 4 characters, finish "length";
 * - a stop sequence inside the reply → the text cut before it, finish "stop".
 */
import type { MockConversation, MockToolCall } from "./mock-conversation.js";
import {
  countMockTokens,
  REPLY_PRIMING_TOKENS,
  TOKENS_PER_IMAGE,
  TOKENS_PER_TURN,
} from "./mock-tokens.js";

export interface MockUsage {
  /** Every input token, cache reads and writes included. */
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  /** Visible output (text and tool calls), without reasoning. */
  visibleOutputTokens: number;
  reasoningTokens: number;
}

export interface MockReply {
  text: string;
  /** The text split for streaming: words with their leading whitespace. */
  pieces: string[];
  toolCalls: MockToolCall[];
  finish: "stop" | "length" | "tool_calls";
  /** The stop sequence that ended the reply, if one did. */
  stopSequence: string | undefined;
  usage: MockUsage;
}

/** What a reply's framing needs beyond the reply: the model to name and the request's ordinal (for ids). */
export interface ReplyContext {
  model: string;
  requestNumber: number;
}

export interface ReplyOverrides {
  text?: string;
  toolCalls?: Array<{ name: string; arguments: Record<string, unknown> }>;
}

/** Usage settings from the mock's behaviour. */
export interface UsageSettings {
  cachedInputTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
}

/**
 * @example
 * ```ts
 * countConversationTokens(conversationFromOpenAI({ model: "m", messages: [{ role: "user", content: "Hello world" }] }));
 * // 3 (priming) + 3 (turn) + 3 ("Hello world") = 9
 * ```
 */
export function countConversationTokens(conversation: MockConversation): number {
  let total = REPLY_PRIMING_TOKENS;
  for (const turn of conversation.turns) {
    total += TOKENS_PER_TURN + turn.images * TOKENS_PER_IMAGE;
    for (const text of turn.texts) total += countMockTokens(text);
    for (const call of turn.toolCalls) total += countMockTokens(call.name + call.argumentsJson);
  }
  if (conversation.toolsJson !== "") total += countMockTokens(conversation.toolsJson);
  return total;
}

/**
 * @example
 * ```ts
 * planReply(conversation, { cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 }).text; // "Echo: Hi"
 * ```
 */
export function planReply(
  conversation: MockConversation,
  settings: UsageSettings,
  overrides: ReplyOverrides = {},
): MockReply {
  let toolCalls: MockToolCall[] =
    overrides.toolCalls?.map((call) => ({
      name: call.name,
      argumentsJson: JSON.stringify(call.arguments),
    })) ?? forcedToolCalls(conversation);
  let text = overrides.text ?? (toolCalls.length > 0 ? "" : echoText(conversation));
  let finish: MockReply["finish"] = toolCalls.length > 0 ? "tool_calls" : "stop";
  let stopSequence: string | undefined;

  for (const stop of conversation.stop) {
    const at = stop === "" ? -1 : text.indexOf(stop);
    if (at >= 0) {
      text = text.slice(0, at);
      stopSequence = stop;
      finish = "stop";
    }
  }
  let visibleOutputTokens = countMockTokens(text) + toolTokens(toolCalls);
  const limit = conversation.maxOutputTokens;
  if (limit !== undefined && visibleOutputTokens > limit) {
    text = text.slice(0, limit * 4);
    toolCalls = [];
    stopSequence = undefined;
    finish = "length";
    visibleOutputTokens = countMockTokens(text);
  }

  const inputTokens = countConversationTokens(conversation);
  const cachedInputTokens = Math.min(settings.cachedInputTokens, inputTokens);
  const cacheWriteTokens = Math.min(settings.cacheWriteTokens, inputTokens - cachedInputTokens);
  return {
    text,
    pieces: text.match(/\s*\S+|\s+$/g) ?? [],
    toolCalls,
    finish,
    stopSequence,
    usage: {
      inputTokens,
      cachedInputTokens,
      cacheWriteTokens,
      visibleOutputTokens,
      reasoningTokens: settings.reasoningTokens,
    },
  };
}

function echoText(conversation: MockConversation): string {
  const turns = conversation.turns.filter((turn) => turn.role !== "system");
  const trailingResults: string[] = [];
  for (let index = turns.length - 1; index >= 0 && turns[index]?.role === "tool"; index--) {
    trailingResults.unshift(turns[index]?.texts.join(" ") ?? "");
  }
  if (trailingResults.length > 0) return `Tool results: ${trailingResults.join(" | ")}`;
  const last = turns.at(-1);
  if (last === undefined || last.role !== "user") return "Echo: (nothing to echo)";
  const images = last.images > 0 ? ` [${last.images} image${last.images === 1 ? "" : "s"}]` : "";
  return `Echo: ${last.texts.join(" ")}${images}`;
}

function forcedToolCalls(conversation: MockConversation): MockToolCall[] {
  if (conversation.forcedTool === undefined) return [];
  const name = conversation.forcedTool === "" ? conversation.toolNames[0] : conversation.forcedTool;
  if (name === undefined) return [];
  const lastUser = conversation.turns.filter((turn) => turn.role === "user").at(-1);
  return [{ name, argumentsJson: JSON.stringify({ text: lastUser?.texts.join(" ") ?? "" }) }];
}

function toolTokens(calls: MockToolCall[]): number {
  return calls.reduce((total, call) => total + countMockTokens(call.name + call.argumentsJson), 0);
}
