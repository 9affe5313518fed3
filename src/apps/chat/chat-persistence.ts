/**
 * A chat's state and its stored form: a new session's or a resumed one's state from the
 * options and the store, and the record written back after every change.
 */
import { randomBytes } from "node:crypto";
import type { ModelInfo } from "../../core/catalog/index.js";
import { invalidInput } from "../../core/errors/index.js";
import type { Picodollars } from "../../core/money/index.js";
import { readBudget } from "./chat-budget.js";
import { type ChatHistoryEntry, historyEntry, recountFor } from "./chat-history.js";
import { type ChatSettings, readChatSettings } from "./chat-settings.js";
import type { ModelSpend } from "./chat-spend.js";
import type { CreateChatOptions } from "./chat-types.js";
import type { RunningSummary } from "./running-summary.js";
import type { ChatSessionRecord } from "./session-store.js";

/** Everything a session is, as it persists. */
export interface ChatState {
  id: string;
  createdAt: string;
  model: string;
  summaryModel: string;
  budget: Picodollars | undefined;
  settings: ChatSettings;
  entries: ChatHistoryEntry[];
  summary: RunningSummary | undefined;
  spend: ModelSpend[];
  generation: number;
}

/**
 * The state of a session: the stored one with the options' overrides, or a new one (with its
 * system prompt) when nothing is stored.
 */
export function chatState(options: {
  create: CreateChatOptions;
  stored: ChatSessionRecord | undefined;
  model: string;
  summaryModel: string;
  chatModel: ModelInfo;
  now: () => Date;
}): ChatState {
  const { create, stored, chatModel } = options;
  const state: ChatState = {
    id: create.sessionId ?? newSessionId(),
    createdAt: stored?.createdAt ?? options.now().toISOString(),
    model: options.model,
    summaryModel: options.summaryModel,
    budget: create.budget === undefined ? stored?.budget : readBudget(create.budget),
    settings: readChatSettings(create, stored?.settings),
    entries: (stored?.messages ?? []).map((entry) => recountFor(entry, chatModel)),
    summary: stored?.summary,
    spend: stored?.spend ?? [],
    generation: stored?.generation ?? 0,
  };
  if (stored === undefined && create.system !== undefined) {
    if (typeof create.system !== "string" || create.system.trim() === "") {
      throw invalidInput("system", "must be a non-empty system prompt, or left out");
    }
    state.entries.push(historyEntry({ role: "system", content: create.system }, chatModel));
  }
  return state;
}

/** The record a store keeps for `state`, stamped `updatedAt`. */
export function sessionRecord(state: ChatState, updatedAt: Date): ChatSessionRecord {
  const record: ChatSessionRecord = {
    id: state.id,
    createdAt: state.createdAt,
    updatedAt: updatedAt.toISOString(),
    model: state.model,
    summaryModel: state.summaryModel,
    settings: { ...state.settings },
    messages: state.entries,
    spend: state.spend,
    generation: state.generation,
  };
  if (state.budget !== undefined) record.budget = state.budget;
  if (state.summary !== undefined) record.summary = state.summary;
  return record;
}

const SESSION_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** True for an id a session may have: 1 to 64 letters, digits, "-" or "_". */
export function isSessionId(value: unknown): value is string {
  return typeof value === "string" && SESSION_ID.test(value);
}

function newSessionId(): string {
  return randomBytes(6).toString("hex");
}
