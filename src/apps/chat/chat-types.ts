/**
 * The public shapes of a chat: what `createChat` takes, what a turn returns, and the `Chat`
 * itself.
 */
import type { Ledger } from "../../adapters/ledger/index.js";
import type { ModelCatalog, Usage } from "../../core/cost/index.js";
import type { ChatMessage } from "../../core/messages/index.js";
import type { Picodollars } from "../../core/money/index.js";
import type { ChatClient, ChatClientRetryEvent } from "./chat-client.js";
import type { ChatHistoryEntry } from "./chat-history.js";
import type { ChatSettings } from "./chat-settings.js";
import type { CallPurpose, ModelSpend } from "./chat-spend.js";
import type { RunningSummary } from "./running-summary.js";
import type { ChatSessionStore } from "./session-store.js";

export interface CreateChatOptions extends Partial<ChatSettings> {
  /** Makes the calls: `createClient(...)`, {@link createProviderChatClient}, or a fake in tests. */
  client: ChatClient;
  /** The chat model, as the catalog knows it. Required for a new session. */
  model?: string;
  /** Model that writes the running summary (default: the chat model). */
  summaryModel?: string;
  /**
   * Most the chat may spend, summaries included: picodollars as a bigint (`usd("0.50")`), or
   * dollars as a decimal string or number ("0.50"). Absent: no limit (spend is still tracked).
   * It is the limit of the ledger scope `chat:<sessionId>`: every call reserves its worst case
   * there before it is sent and settles its exact cost after.
   */
  budget?: Picodollars | string | number;
  /**
   * Where the session budget is reserved and charged, as scope `chat:<sessionId>` (default:
   * the client's `ledger` when it has one, as `createClient`'s does, else an in-memory ledger
   * of this chat's own). Chats that share a ledger (one SQLite, Redis or PostgreSQL ledger for
   * several processes) and a session can never overspend it together. Spend records stay the
   * client's: the chat only charges its scope.
   */
  ledger?: Ledger;
  /**
   * The lease of a call's reservation, in ms (default 60 000): a running call renews it every
   * third of this, so only a call whose process died lets it expire and free its budget.
   */
  reservationTtlMs?: number;
  /** System prompt of a new session. */
  system?: string;
  /** Persists the session after every change; with `sessionId`, resumes it if it exists. */
  store?: ChatSessionStore;
  sessionId?: string;
  /** Where models are looked up: prices, tokenizer, context window (default `defaultCatalog`). */
  catalog?: ModelCatalog;
  /** Clock for the session's timestamps (default: the system clock). */
  now?: () => Date;
}

export interface SendOptions {
  /** Cancels the reply. The turn then resolves with `cancelled: true`, its partial cost counted. */
  signal?: AbortSignal;
  /**
   * Called before each wait while the client retries a failed call of this turn (the summary
   * call included), so a person is not left watching nothing.
   */
  onRetry?: (event: ChatRetryEvent) => void;
}

/** A retry the client is about to make for a chat, and for which of its calls. */
export interface ChatRetryEvent extends ChatClientRetryEvent {
  /** The conversation itself, or the summary of older turns. */
  purpose: CallPurpose;
  /** The model's provider, as the catalog knows it ("openai"); absent when it does not. */
  provider?: string;
}

/** One exchange: the reply and what it cost. Money in picodollars. */
export interface ChatTurn {
  reply: string;
  message: ChatMessage;
  /** Canonical id of the chat model. */
  model: string;
  usage: Usage;
  cost: Picodollars;
  /** Everything the chat has spent so far, summaries included. */
  totalCost: Picodollars;
  /**
   * What the budget has left after this turn: its limit less everything the session spent and
   * what calls still running on the same session hold. Absent when the chat has no budget.
   */
  budgetRemaining?: Picodollars;
  /** True when older turns were folded into the summary before this message was sent. */
  summarized: boolean;
  /**
   * History messages left out of this request so that it fits the context window (or, once
   * summaries are off, `summarizeAt`).
   */
  droppedMessages: number;
  /** True when the caller cancelled the reply; `reply` holds what arrived before. */
  cancelled: boolean;
  /**
   * Something the person should hear once, such as automatic summaries being turned off
   * because a summary came back no shorter than what it replaced.
   */
  notice?: string;
}

/** A streamed turn: iterate it for text as it arrives; `result` settles when the turn ends. */
export interface ChatTurnStream extends AsyncIterable<string> {
  result: Promise<ChatTurn>;
}

export interface ChatStats {
  sessionId: string;
  model: string;
  summaryModel: string;
  /** All calls summed: input, cached input, output and reasoning tokens. */
  usage: Usage;
  cost: Picodollars;
  calls: number;
  budget?: Picodollars;
  /** What the budget had left after the last call or budget change (see `ChatTurn`). */
  budgetRemaining?: Picodollars;
  /** Spend per purpose and model: the chat model and the summary model apart. */
  byModel: ModelSpend[];
  messages: number;
  /** Tokens the history takes in the next request, before fitting to the context window. */
  contextTokens: number;
  summary?: { coveredThrough: number; tokens: number; updates: number };
}

export interface Chat {
  readonly sessionId: string;
  /** Sends a message and waits for the whole reply. */
  send(text: string, options?: SendOptions): Promise<ChatTurn>;
  /**
   * Sends a message and streams the reply. Resolves once the message passed the budget check
   * and is on its way; a refused message rejects here, before anything is sent.
   */
  sendStreaming(text: string, options?: SendOptions): Promise<ChatTurnStream>;
  stats(): ChatStats;
  /** Every message so far, summarized ones included, with its token count. */
  history(): ChatHistoryEntry[];
  summary(): RunningSummary | undefined;
  settings(): ChatSettings;
  /** Folds every turn but the newest `keepLast` into the summary now; returns how many messages. */
  summarize(options?: SendOptions): Promise<number>;
  setModel(model: string): Promise<void>;
  /** A new limit (picodollars, or dollars as a string); `undefined` removes it. */
  setBudget(budget: Picodollars | string | number | undefined): Promise<void>;
  /** Forgets the conversation (system messages stay); what was spent stays spent. */
  reset(): Promise<void>;
  /** Writes the session to the store now (it is also written after every change). */
  save(): Promise<void>;
}
