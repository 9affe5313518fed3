/**
 * The live session behind a `Chat`: its state and what it works with (client, catalog, store,
 * budget), the one-message-at-a-time lock, and what every call needs from the state (the
 * context it sends, the options it passes the client, the spend it records).
 */
import type { ModelInfo } from "../../core/catalog/index.js";
import type { ModelCatalog, Usage } from "../../core/cost/index.js";
import { TokenwiseError } from "../../core/errors/index.js";
import type { Picodollars } from "../../core/money/index.js";
import { countChatTokens, fitChatHistory } from "../../core/tokens/index.js";
import type { SessionBudget } from "./chat-budget.js";
import type { ChatCallOptions, ChatClient, ChatClientRetryEvent } from "./chat-client.js";
import { type ChatHistoryEntry, isInstruction } from "./chat-history.js";
import { type ChatState, sessionRecord } from "./chat-persistence.js";
import { addSpend, type CallPurpose, totalSpend } from "./chat-spend.js";
import type { SendOptions } from "./chat-types.js";
import { providerOf } from "./request-limits.js";
import { summaryMessage } from "./running-summary.js";
import type { ChatSessionStore } from "./session-store.js";

export class ChatSession {
  readonly state: ChatState;
  readonly client: ChatClient;
  readonly catalog: ModelCatalog;
  readonly budget: SessionBudget;
  readonly #store: ChatSessionStore | undefined;
  readonly #now: () => Date;
  #busy = false;
  /**
   * Set once a summary came back no shorter than what it replaced: automatic summaries stop,
   * and requests are cut to `summarizeAt` by leaving out the oldest turns instead.
   */
  summariesOff = false;
  /** Told once, with the next turn. */
  notice: string | undefined;

  constructor(options: {
    state: ChatState;
    client: ChatClient;
    catalog: ModelCatalog;
    budget: SessionBudget;
    store: ChatSessionStore | undefined;
    now: () => Date;
  }) {
    this.state = options.state;
    this.client = options.client;
    this.catalog = options.catalog;
    this.budget = options.budget;
    this.#store = options.store;
    this.#now = options.now;
  }

  model(): ModelInfo {
    return this.catalog.get(this.state.model);
  }

  summaryModel(): ModelInfo {
    return this.catalog.get(this.state.summaryModel);
  }

  /** Everything the session has spent, summaries included. */
  spent(): Picodollars {
    return totalSpend(this.state.spend).cost;
  }

  async save(): Promise<void> {
    if (this.#store === undefined) return;
    await this.#store.save(sessionRecord(this.state, this.#now()));
  }

  recordSpend(purpose: CallPurpose, model: ModelInfo, usage: Usage, cost: Picodollars): void {
    this.state.spend = addSpend(this.state.spend, { purpose, model: model.id, usage, cost });
  }

  /** Takes the one-message-at-a-time lock, or throws when a message is in progress. */
  claim(): void {
    if (this.#busy) {
      throw new TokenwiseError(
        "invalid_input",
        "The chat is busy with another message: await the previous turn before sending or changing settings",
        { details: { field: "text" } },
      );
    }
    this.#busy = true;
  }

  unclaim(): void {
    this.#busy = false;
  }

  /** Runs `run` under the lock. */
  async exclusive<T>(run: () => Promise<T>): Promise<T> {
    this.claim();
    try {
      return await run();
    } finally {
      this.unclaim();
    }
  }

  /** The messages the next request starts from: instructions, the summary, the open turns. */
  contextMessages(pending: ChatHistoryEntry | undefined): ChatHistoryEntry[] {
    const { entries, summary } = this.state;
    const coveredThrough = summary?.coveredThrough ?? -1;
    const instructions = entries.filter((entry) => isInstruction(entry.message));
    const open = entries.filter(
      (entry, index) => index > coveredThrough && !isInstruction(entry.message),
    );
    const summaryEntries: ChatHistoryEntry[] =
      summary === undefined
        ? []
        : [
            {
              message: summaryMessage(summary.text),
              tokens: summary.tokens,
              tokenizer: summary.tokenizer,
            },
          ];
    return [...instructions, ...summaryEntries, ...open, ...(pending ? [pending] : [])];
  }

  /** Tokens the history (and `pending`) takes in a request to the chat model. */
  contextTokens(pending: ChatHistoryEntry | undefined): number {
    const model = this.model();
    const priming = countChatTokens([], { tokenizer: model.tokenizer }).tokens;
    return this.contextMessages(pending).reduce((sum, entry) => sum + entry.tokens, priming);
  }

  /**
   * The request's messages fitted to the context window; once summaries are off, to
   * `summarizeAt` too (or as close as the newest turn allows).
   */
  fit(userEntry: ChatHistoryEntry, model: ModelInfo, maxTokens: number) {
    const messages = this.contextMessages(userEntry).map((entry) => entry.message);
    const options = { tokenizer: model.tokenizer, model: model.id };
    const summarizeAt = this.state.settings.summarizeAt;
    if (this.summariesOff && summarizeAt < maxTokens) {
      try {
        return fitChatHistory(messages, { ...options, maxTokens: summarizeAt });
      } catch (error) {
        if (!TokenwiseError.hasCode(error, "context_window_exceeded")) throw error;
      }
    }
    return fitChatHistory(messages, { ...options, maxTokens });
  }

  /**
   * Call options for the client: the caller's signal joined with the budget's (which aborts
   * when the call's lease is lost), and the caller's retry callback told why.
   */
  callOptions(options: SendOptions, purpose: CallPurpose, budget: AbortSignal): ChatCallOptions {
    const { signal, onRetry } = options;
    return {
      signal: signal === undefined ? budget : AbortSignal.any([signal, budget]),
      ...(onRetry === undefined
        ? {}
        : {
            onRetry: (event: ChatClientRetryEvent) => {
              const provider = providerOf(this.catalog, event.model);
              onRetry({ ...event, purpose, ...(provider === undefined ? {} : { provider }) });
            },
          }),
    };
  }
}
