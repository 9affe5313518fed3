import { randomBytes } from "node:crypto";
import { defaultCatalog, type ModelInfo } from "../../core/catalog/index.js";
import {
  assertValidUsage,
  costFromUsage,
  emptyUsage,
  type ModelCatalog,
  type Usage,
} from "../../core/cost/index.js";
import { invalidInput, TokenwiseError } from "../../core/errors/index.js";
import type { ChatMessage, ChatRequest } from "../../core/messages/index.js";
import { type Picodollars, usd } from "../../core/money/index.js";
import {
  countChatTokens,
  countTextTokens,
  fitChatHistory,
  isEncodingName,
} from "../../core/tokens/index.js";
import { ESTIMATED_INPUT_MARGIN } from "../client/index.js";
import { assertWithinBudget } from "./budget-check.js";
import type {
  ChatCallOptions,
  ChatCallResult,
  ChatClient,
  ChatClientRetryEvent,
} from "./chat-client.js";
import {
  type ChatHistoryEntry,
  historyEntry,
  isInstruction,
  messageText,
  messageTokens,
  recountFor,
} from "./chat-history.js";
import { type ChatSettings, readChatSettings } from "./chat-settings.js";
import { addSpend, type CallPurpose, type ModelSpend, totalSpend } from "./chat-spend.js";
import { createPushStream } from "./push-stream.js";
import {
  messagesToFold,
  type RunningSummary,
  summaryMessage,
  summaryRequestMessages,
} from "./running-summary.js";
import type { ChatSessionRecord, ChatSessionStore } from "./session-store.js";

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
   */
  budget?: Picodollars | string | number;
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

/**
 * A summary no shorter than 80% of what it would replace, while the history stays over
 * `summarizeAt`, is not worth keeping (the mock upstream's echo is one).
 */
const INEFFECTIVE_SUMMARY_RATIO = 0.8;

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
  /** Absent when the chat has no budget. */
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

interface ChatState {
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

interface PreparedTurn {
  userEntry: ChatHistoryEntry;
  request: ChatRequest;
  model: ModelInfo;
  countedInputTokens: number;
  summarized: boolean;
  droppedMessages: number;
  options: SendOptions;
}

/**
 * A cost-aware chat. Every call is priced at its worst case before it is made and refused when
 * that could pass the budget; old turns fold into an incrementally updated summary once the
 * history passes `summarizeAt` tokens; every request is fitted to the model's context window;
 * with a `store`, the session persists and can be resumed by id.
 *
 * @example
 * ```ts
 * const chat = await createChat({ client, model: "gpt-4o-mini", budget: "0.50", store });
 * const turn = await chat.send("What is a token?");
 * console.log(turn.reply, formatUsd(turn.cost), formatUsd(turn.budgetRemaining ?? 0n));
 * ```
 */
export async function createChat(options: CreateChatOptions): Promise<Chat> {
  assertClient(options?.client);
  const catalog = options.catalog ?? defaultCatalog;
  const now = options.now ?? (() => new Date());
  if (options.sessionId !== undefined && !isSessionId(options.sessionId)) {
    throw invalidInput(
      "sessionId",
      `must be 1 to 64 letters, digits, "-" or "_", got ${JSON.stringify(options.sessionId)}`,
    );
  }
  const stored =
    options.sessionId !== undefined && options.store !== undefined
      ? await options.store.load(options.sessionId)
      : undefined;
  const model = options.model ?? stored?.model;
  if (model === undefined) {
    throw invalidInput("model", 'is required for a new chat, such as "gpt-4o-mini"');
  }
  const chatModel = chatModelInfo(catalog, model, "model");
  const summaryModel = options.summaryModel ?? stored?.summaryModel ?? model;
  chatModelInfo(catalog, summaryModel, "summaryModel");
  const state: ChatState = {
    id: options.sessionId ?? newSessionId(),
    createdAt: stored?.createdAt ?? now().toISOString(),
    model,
    summaryModel,
    budget: options.budget === undefined ? stored?.budget : readBudget(options.budget),
    settings: readChatSettings(options, stored?.settings),
    entries: (stored?.messages ?? []).map((entry) => recountFor(entry, chatModel)),
    summary: stored?.summary,
    spend: stored?.spend ?? [],
    generation: stored?.generation ?? 0,
  };
  if (stored === undefined && options.system !== undefined) {
    if (typeof options.system !== "string" || options.system.trim() === "") {
      throw invalidInput("system", "must be a non-empty system prompt, or left out");
    }
    state.entries.push(historyEntry({ role: "system", content: options.system }, chatModel));
  }
  const chat = new CostAwareChat({
    state,
    client: options.client,
    catalog,
    store: options.store,
    now,
  });
  await chat.save();
  return chat;
}

/**
 * Resumes a stored session: its messages, summary, settings, budget and spend. Options given
 * here (a new budget, another model) override the stored ones.
 *
 * @example
 * ```ts
 * const chat = await resumeChat("3f9c2a7b1d04", { client, store: createSqliteSessionStore({ path }) });
 * chat.stats().cost; // what the session had spent before
 * ```
 */
export async function resumeChat(
  sessionId: string,
  options: Omit<CreateChatOptions, "sessionId" | "store"> & { store: ChatSessionStore },
): Promise<Chat> {
  if (options?.store === undefined) {
    throw invalidInput("store", "is required to resume a session: pass the store it was saved in");
  }
  if (typeof sessionId !== "string" || (await options.store.load(sessionId)) === undefined) {
    throw new TokenwiseError(
      "not_found",
      `No chat session ${JSON.stringify(sessionId)} in the store: check the id (list sessions with store.list()) or start a new chat`,
      { details: { field: "sessionId" } },
    );
  }
  return createChat({ ...options, sessionId });
}

class CostAwareChat implements Chat {
  readonly #state: ChatState;
  readonly #client: ChatClient;
  readonly #catalog: ModelCatalog;
  readonly #store: ChatSessionStore | undefined;
  readonly #now: () => Date;
  #busy = false;
  /**
   * Set once a summary came back no shorter than what it replaced: automatic summaries stop,
   * and requests are cut to `summarizeAt` by leaving out the oldest turns instead.
   */
  #summariesOff = false;
  /** Told once, with the next turn. */
  #notice: string | undefined;

  constructor(options: {
    state: ChatState;
    client: ChatClient;
    catalog: ModelCatalog;
    store: ChatSessionStore | undefined;
    now: () => Date;
  }) {
    this.#state = options.state;
    this.#client = options.client;
    this.#catalog = options.catalog;
    this.#store = options.store;
    this.#now = options.now;
  }

  get sessionId(): string {
    return this.#state.id;
  }

  async send(text: string, options: SendOptions = {}): Promise<ChatTurn> {
    const prepared = await this.#prepareTurn(text, options);
    return this.#executeTurn(prepared, undefined);
  }

  async sendStreaming(text: string, options: SendOptions = {}): Promise<ChatTurnStream> {
    const prepared = await this.#prepareTurn(text, options);
    const pieces = createPushStream<string>();
    const result = this.#executeTurn(prepared, (piece) => pieces.push(piece)).then(
      (turn) => {
        pieces.end();
        return turn;
      },
      (error: unknown) => {
        pieces.fail(error);
        throw error;
      },
    );
    // A caller that only iterates sees the error there; `result` must not also go unhandled.
    result.catch(() => undefined);
    return { [Symbol.asyncIterator]: () => pieces[Symbol.asyncIterator](), result };
  }

  stats(): ChatStats {
    const state = this.#state;
    const total = totalSpend(state.spend);
    const stats: ChatStats = {
      sessionId: state.id,
      model: this.#model().id,
      summaryModel: this.#summaryModel().id,
      usage: total.usage,
      cost: total.cost,
      calls: total.calls,
      byModel: structuredClone(state.spend),
      messages: state.entries.length,
      contextTokens: this.#contextTokens(undefined),
    };
    if (state.budget !== undefined) {
      stats.budget = state.budget;
      stats.budgetRemaining = state.budget - total.cost;
    }
    if (state.summary !== undefined) {
      const { coveredThrough, tokens, updates } = state.summary;
      stats.summary = { coveredThrough, tokens, updates };
    }
    return stats;
  }

  history(): ChatHistoryEntry[] {
    return structuredClone(this.#state.entries);
  }

  summary(): RunningSummary | undefined {
    return this.#state.summary === undefined ? undefined : { ...this.#state.summary };
  }

  settings(): ChatSettings {
    return { ...this.#state.settings };
  }

  async summarize(options: SendOptions = {}): Promise<number> {
    return this.#exclusive(async () => {
      const fold = messagesToFold(this.#state.entries, {
        coveredThrough: this.#state.summary?.coveredThrough ?? -1,
        keepLast: this.#state.settings.keepLast,
        pendingTurn: false,
      });
      if (fold.length === 0) return 0;
      return this.#foldIntoSummary(fold, options, undefined);
    });
  }

  async setModel(model: string): Promise<void> {
    const info = chatModelInfo(this.#catalog, model, "model");
    await this.#exclusive(async () => {
      const state = this.#state;
      state.model = model;
      state.entries = state.entries.map((entry) => recountFor(entry, info));
      if (state.summary !== undefined && state.summary.tokenizer !== info.tokenizer) {
        state.summary = {
          ...state.summary,
          tokens: messageTokens(summaryMessage(state.summary.text), info),
          tokenizer: info.tokenizer,
        };
      }
      await this.save();
    });
  }

  async setBudget(budget: Picodollars | string | number | undefined): Promise<void> {
    const amount = budget === undefined ? undefined : readBudget(budget);
    await this.#exclusive(async () => {
      this.#state.budget = amount;
      await this.save();
    });
  }

  async reset(): Promise<void> {
    await this.#exclusive(async () => {
      const state = this.#state;
      state.entries = state.entries.filter((entry) => isInstruction(entry.message));
      state.summary = undefined;
      state.generation += 1;
      await this.save();
    });
  }

  async save(): Promise<void> {
    if (this.#store === undefined) return;
    const state = this.#state;
    const record: ChatSessionRecord = {
      id: state.id,
      createdAt: state.createdAt,
      updatedAt: this.#now().toISOString(),
      model: state.model,
      summaryModel: state.summaryModel,
      settings: { ...state.settings },
      messages: state.entries,
      spend: state.spend,
      generation: state.generation,
    };
    if (state.budget !== undefined) record.budget = state.budget;
    if (state.summary !== undefined) record.summary = state.summary;
    await this.#store.save(record);
  }

  #model(): ModelInfo {
    return this.#catalog.get(this.#state.model);
  }

  #summaryModel(): ModelInfo {
    return this.#catalog.get(this.#state.summaryModel);
  }

  #spent(): Picodollars {
    return totalSpend(this.#state.spend).cost;
  }

  async #exclusive<T>(run: () => Promise<T>): Promise<T> {
    this.#claim();
    try {
      return await run();
    } finally {
      this.#busy = false;
    }
  }

  #claim(): void {
    if (this.#busy) {
      throw new TokenwiseError(
        "invalid_input",
        "The chat is busy with another message: await the previous turn before sending or changing settings",
        { details: { field: "text" } },
      );
    }
    this.#busy = true;
  }

  /** The messages the next request starts from: instructions, the summary, the open turns. */
  #contextMessages(pending: ChatHistoryEntry | undefined): ChatHistoryEntry[] {
    const { entries, summary } = this.#state;
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

  #contextTokens(pending: ChatHistoryEntry | undefined): number {
    const model = this.#model();
    const priming = countChatTokens([], { tokenizer: model.tokenizer }).tokens;
    return this.#contextMessages(pending).reduce((sum, entry) => sum + entry.tokens, priming);
  }

  /** Call options for the client: the caller's signal, and its retry callback told why. */
  #callOptions(options: SendOptions, purpose: CallPurpose): ChatCallOptions {
    const { signal, onRetry } = options;
    return {
      ...(signal === undefined ? {} : { signal }),
      ...(onRetry === undefined
        ? {}
        : {
            onRetry: (event: ChatClientRetryEvent) => {
              const provider = providerOf(this.#catalog, event.model);
              onRetry({ ...event, purpose, ...(provider === undefined ? {} : { provider }) });
            },
          }),
    };
  }

  /**
   * The request's messages fitted to the context window; once summaries are off, to
   * `summarizeAt` too (or as close as the newest turn allows).
   */
  #fit(userEntry: ChatHistoryEntry, model: ModelInfo, maxTokens: number) {
    const messages = this.#contextMessages(userEntry).map((entry) => entry.message);
    const options = { tokenizer: model.tokenizer, model: model.id };
    const summarizeAt = this.#state.settings.summarizeAt;
    if (this.#summariesOff && summarizeAt < maxTokens) {
      try {
        return fitChatHistory(messages, { ...options, maxTokens: summarizeAt });
      } catch (error) {
        if (!TokenwiseError.hasCode(error, "context_window_exceeded")) throw error;
      }
    }
    return fitChatHistory(messages, { ...options, maxTokens });
  }

  async #prepareTurn(text: string, options: SendOptions): Promise<PreparedTurn> {
    const { signal } = options;
    if (typeof text !== "string" || text.trim() === "") {
      throw invalidInput("text", "must be a non-empty message");
    }
    if (signal?.aborted) {
      throw new TokenwiseError("aborted", "The message was cancelled before it was sent.");
    }
    this.#claim();
    try {
      const model = this.#model();
      const userEntry = historyEntry({ role: "user", content: text }, model);
      const summarized = await this.#summarizeIfLong(userEntry, options);
      const maxOutputTokens = outputLimit(model, this.#state.settings.maxOutputTokens);
      const fitted = this.#fit(
        userEntry,
        model,
        inputLimit(model, maxOutputTokens, "maxOutputTokens"),
      );
      const request: ChatRequest = {
        model: this.#state.model,
        messages: fitted.messages,
        ...outputLimitField(model, maxOutputTokens),
      };
      assertWithinBudget({
        purpose: "this message",
        request,
        model,
        budget: this.#state.budget,
        spent: this.#spent(),
      });
      return {
        userEntry,
        request,
        model,
        countedInputTokens: fitted.tokens,
        summarized,
        droppedMessages: fitted.droppedMessages.length,
        options,
      };
    } catch (error) {
      this.#busy = false;
      throw error;
    }
  }

  async #executeTurn(
    prepared: PreparedTurn,
    onText: ((piece: string) => void) | undefined,
  ): Promise<ChatTurn> {
    const { model, request } = prepared;
    const { signal } = prepared.options;
    const callOptions = this.#callOptions(prepared.options, "chat");
    let received = "";
    try {
      let result: ChatCallResult;
      try {
        if (onText === undefined) {
          result = await this.#client.chat(request, callOptions);
        } else {
          const call = this.#client.streamChat(request, callOptions);
          for await (const chunk of call) {
            if (chunk.text === undefined || chunk.text === "") continue;
            received += chunk.text;
            onText(chunk.text);
          }
          result = await call.result;
        }
      } catch (error) {
        const cancelled = signal?.aborted === true || TokenwiseError.hasCode(error, "aborted");
        const usage = partialUsage({
          error,
          cancelled,
          inputTokens: prepared.countedInputTokens,
          received,
          model,
        });
        if (usage === undefined) throw error;
        const cost = costFromUsage(model, usage, { catalog: this.#catalog }).total;
        this.#recordSpend("chat", model, usage, cost);
        if (!cancelled) {
          await this.save();
          throw error;
        }
        const message: ChatMessage = { role: "assistant", content: received };
        this.#state.entries.push(prepared.userEntry);
        if (received !== "") {
          this.#state.entries.push(
            historyEntry(message, model, { model: model.id, partial: true }),
          );
        }
        await this.save();
        return this.#turn({ prepared, message, usage, cost, cancelled: true });
      }
      const message: ChatMessage = { ...result.message, role: "assistant" };
      // A client may end a cancelled stream cleanly, with the partial reply as its result.
      const cancelled = signal?.aborted === true;
      this.#recordSpend("chat", model, result.usage, result.cost.total);
      this.#state.entries.push(prepared.userEntry);
      if (!cancelled || messageText(message) !== "") {
        const writer = result.modelUsed ?? model.id;
        this.#state.entries.push(
          historyEntry(
            message,
            model,
            cancelled ? { model: writer, partial: true } : { model: writer },
          ),
        );
      }
      await this.save();
      return this.#turn({
        prepared,
        message,
        usage: result.usage,
        cost: result.cost.total,
        cancelled,
      });
    } finally {
      this.#busy = false;
    }
  }

  #turn(options: {
    prepared: PreparedTurn;
    message: ChatMessage;
    usage: Usage;
    cost: Picodollars;
    cancelled: boolean;
  }): ChatTurn {
    const totalCost = this.#spent();
    const turn: ChatTurn = {
      reply: messageText(options.message),
      message: options.message,
      model: options.prepared.model.id,
      usage: options.usage,
      cost: options.cost,
      totalCost,
      summarized: options.prepared.summarized,
      droppedMessages: options.prepared.droppedMessages,
      cancelled: options.cancelled,
    };
    if (this.#state.budget !== undefined) turn.budgetRemaining = this.#state.budget - totalCost;
    if (this.#notice !== undefined) {
      turn.notice = this.#notice;
      this.#notice = undefined;
    }
    return turn;
  }

  #recordSpend(purpose: CallPurpose, model: ModelInfo, usage: Usage, cost: Picodollars): void {
    this.#state.spend = addSpend(this.#state.spend, { purpose, model: model.id, usage, cost });
  }

  async #summarizeIfLong(pending: ChatHistoryEntry, options: SendOptions): Promise<boolean> {
    if (this.#summariesOff) return false;
    if (this.#contextTokens(pending) <= this.#state.settings.summarizeAt) return false;
    const fold = messagesToFold(this.#state.entries, {
      coveredThrough: this.#state.summary?.coveredThrough ?? -1,
      keepLast: this.#state.settings.keepLast,
      pendingTurn: true,
    });
    if (fold.length === 0) return false;
    return (await this.#foldIntoSummary(fold, options, pending)) > 0;
  }

  /**
   * One summary call folding `fold` (oldest first) into the summary; returns messages folded.
   * A summary not meaningfully shorter than what it replaces, with the history still over
   * `summarizeAt` (`pending` counted), is dropped and turns automatic summaries off: kept, it
   * would be redone, and paid for, on every turn.
   */
  async #foldIntoSummary(
    fold: number[],
    options: SendOptions,
    pending: ChatHistoryEntry | undefined,
  ): Promise<number> {
    const { signal } = options;
    const state = this.#state;
    const summaryModel = this.#summaryModel();
    const maxOutputTokens = outputLimit(summaryModel, state.settings.summaryMaxOutputTokens);
    const limit = inputLimit(summaryModel, maxOutputTokens, "summaryMaxOutputTokens");
    const { messages, folded, inputTokens } = this.#summaryRequestWithin(fold, {
      model: summaryModel,
      maxOutputTokens,
      limit,
    });
    const request: ChatRequest = {
      model: state.summaryModel,
      messages,
      ...outputLimitField(summaryModel, maxOutputTokens),
    };
    assertWithinBudget({
      purpose: "the summary of older turns",
      request,
      model: summaryModel,
      budget: state.budget,
      spent: this.#spent(),
    });
    let result: ChatCallResult;
    try {
      result = await this.#client.chat(request, this.#callOptions(options, "summary"));
    } catch (error) {
      const cancelled = signal?.aborted === true || TokenwiseError.hasCode(error, "aborted");
      const usage = partialUsage({
        error,
        cancelled,
        inputTokens,
        received: "",
        model: summaryModel,
      });
      if (usage !== undefined) {
        const cost = costFromUsage(summaryModel, usage, { catalog: this.#catalog }).total;
        this.#recordSpend("summary", summaryModel, usage, cost);
        await this.save();
      }
      throw error;
    }
    this.#recordSpend("summary", summaryModel, result.usage, result.cost.total);
    const text = messageText(result.message).trim();
    const chatModel = this.#model();
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
      this.#contextTokens(pending) > state.settings.summarizeAt
    ) {
      state.summary = previous;
      this.#summariesOff = true;
      this.#notice =
        `the summary came back with ${summaryTokens} tokens for the ${replacedTokens} it was to replace, ` +
        "so it was dropped and automatic summaries are off for this session; from now on the " +
        `oldest turns are left out to keep requests near ${state.settings.summarizeAt} tokens`;
      await this.save();
      return 0;
    }
    await this.save();
    return folded.length;
  }

  /**
   * The summary request for the longest prefix of `fold` that fits the summary model; a single
   * message too long on its own is cut (its end is dropped) until it fits.
   */
  #summaryRequestWithin(
    fold: number[],
    options: { model: ModelInfo; maxOutputTokens: number; limit: number },
  ): { messages: ChatMessage[]; folded: number[]; inputTokens: number } {
    const previous = this.#state.summary?.text;
    const maxWords = Math.max(20, Math.floor(options.maxOutputTokens * 0.6));
    const messageAt = (index: number | undefined): ChatMessage =>
      this.#state.entries[index ?? -1]?.message ?? { role: "user", content: "" };
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
}

/** The provider the catalog gives a model (a fallback's too), or undefined for an unknown one. */
function providerOf(catalog: ModelCatalog, model: string): string | undefined {
  try {
    return catalog.get(model).provider;
  } catch {
    return undefined;
  }
}

/** The output limit of a request: the setting, capped by the model's maximum. */
function outputLimit(model: ModelInfo, maxOutputTokens: number): number {
  return Math.min(maxOutputTokens, model.maxOutputTokens);
}

/**
 * Most input tokens a request may have so that the reply still fits: the context window minus
 * the output limit (and the model's input cap), less the margin for estimated tokenizers.
 */
function inputLimit(model: ModelInfo, maxOutputTokens: number, field: string): number {
  const room = Math.min(
    model.contextWindow - maxOutputTokens,
    model.maxInputTokens ?? Number.POSITIVE_INFINITY,
  );
  const limit = isEncodingName(model.tokenizer) ? room : Math.floor(room / ESTIMATED_INPUT_MARGIN);
  if (limit <= 0) {
    throw invalidInput(
      field,
      `(${maxOutputTokens}) leaves no room for input in ${model.id}'s context window of ${model.contextWindow} tokens; lower it`,
    );
  }
  return limit;
}

/** OpenAI's reasoning models take `max_completion_tokens`; everything else `max_tokens`. */
function outputLimitField(
  model: ModelInfo,
  maxOutputTokens: number,
): Pick<ChatRequest, "max_tokens" | "max_completion_tokens"> {
  return model.provider === "openai" && model.capabilities.reasoning
    ? { max_completion_tokens: maxOutputTokens }
    : { max_tokens: maxOutputTokens };
}

/**
 * What a call that stopped early consumed, or undefined when nothing suggests it was billed.
 * The provider's own partial usage wins; otherwise a cancelled call counts its whole input and
 * the text received, so a spend is never under-counted.
 */
function partialUsage(options: {
  error: unknown;
  cancelled: boolean;
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
  if (!options.cancelled && receivedTokens === 0) return undefined;
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

function chatModelInfo(catalog: ModelCatalog, name: string, field: string): ModelInfo {
  if (typeof name !== "string" || name.trim() === "") {
    throw invalidInput(
      field,
      `must be a model name such as "gpt-4o-mini", got ${JSON.stringify(name)}`,
    );
  }
  const model = catalog.get(name);
  if (model.mode !== "chat") {
    throw invalidInput(field, `names ${model.id}, an ${model.mode} model; choose a chat model`);
  }
  return model;
}

function readBudget(budget: Picodollars | string | number): Picodollars {
  const amount = typeof budget === "bigint" ? budget : usd(budget, "budget");
  if (amount < 0n) {
    throw invalidInput("budget", `must not be negative, got ${String(budget)}`);
  }
  return amount;
}

function assertClient(client: unknown): asserts client is ChatClient {
  const candidate = client as Partial<ChatClient> | undefined;
  if (
    typeof candidate !== "object" ||
    candidate === null ||
    typeof candidate.chat !== "function" ||
    typeof candidate.streamChat !== "function"
  ) {
    throw invalidInput(
      "client",
      "must have chat() and streamChat() methods, such as createClient(...) or createProviderChatClient({ provider }) returns",
    );
  }
}

const SESSION_ID = /^[A-Za-z0-9_-]{1,64}$/;

function isSessionId(value: unknown): value is string {
  return typeof value === "string" && SESSION_ID.test(value);
}

function newSessionId(): string {
  return randomBytes(6).toString("hex");
}
