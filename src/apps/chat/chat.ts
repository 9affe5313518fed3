import { createMemoryLedger } from "../../adapters/ledger/index.js";
import { defaultCatalog } from "../../core/catalog/index.js";
import { invalidInput, TokenwiseError } from "../../core/errors/index.js";
import type { Picodollars } from "../../core/money/index.js";
import { readBudget, SessionBudget } from "./chat-budget.js";
import type { ChatClient } from "./chat-client.js";
import { type ChatHistoryEntry, isInstruction, messageTokens, recountFor } from "./chat-history.js";
import { chatState, isSessionId } from "./chat-persistence.js";
import { ChatSession } from "./chat-session.js";
import type { ChatSettings } from "./chat-settings.js";
import { totalSpend } from "./chat-spend.js";
import { executeTurn, prepareTurn } from "./chat-turn.js";
import type {
  Chat,
  ChatStats,
  ChatTurn,
  ChatTurnStream,
  CreateChatOptions,
  SendOptions,
} from "./chat-types.js";
import { createPushStream } from "./push-stream.js";
import { chatModelInfo } from "./request-limits.js";
import { type RunningSummary, summaryMessage } from "./running-summary.js";
import type { ChatSessionStore } from "./session-store.js";
import { summarizeNow } from "./summary-folding.js";

/**
 * A cost-aware chat. Every call is priced at its worst case and reserved on the session's
 * ledger scope (`chat:<sessionId>`, limited to the budget) before it is made, refused when it
 * does not fit, and settled at its exact cost; old turns fold into an incrementally updated
 * summary once the history passes `summarizeAt` tokens; every request is fitted to the model's
 * context window; with a `store`, the session persists and can be resumed by id, keeping what
 * it spent.
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
  const state = chatState({ create: options, stored, model, summaryModel, chatModel, now });
  const budget = await SessionBudget.open({
    ledger: options.ledger ?? options.client.ledger ?? createMemoryLedger(),
    sessionId: state.id,
    limit: state.budget,
    spent: totalSpend(state.spend).cost,
    ...(options.reservationTtlMs === undefined
      ? {}
      : { reservationTtlMs: options.reservationTtlMs }),
  });
  const session = new ChatSession({
    state,
    client: options.client,
    catalog,
    budget,
    store: options.store,
    now,
  });
  await session.save();
  return new CostAwareChat(session);
}

/**
 * Resumes a stored session: its messages, summary, settings, budget and spend. Options given
 * here (a new budget, another model) override the stored ones. What the session spent counts
 * against its budget whatever ledger it resumes on.
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
  readonly #session: ChatSession;

  constructor(session: ChatSession) {
    this.#session = session;
  }

  get sessionId(): string {
    return this.#session.state.id;
  }

  async send(text: string, options: SendOptions = {}): Promise<ChatTurn> {
    const prepared = await prepareTurn(this.#session, text, options);
    return executeTurn(this.#session, prepared, undefined);
  }

  async sendStreaming(text: string, options: SendOptions = {}): Promise<ChatTurnStream> {
    const prepared = await prepareTurn(this.#session, text, options);
    const pieces = createPushStream<string>();
    const result = executeTurn(this.#session, prepared, (piece) => pieces.push(piece)).then(
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
    const session = this.#session;
    const { state } = session;
    const total = totalSpend(state.spend);
    const stats: ChatStats = {
      sessionId: state.id,
      model: session.model().id,
      summaryModel: session.summaryModel().id,
      usage: total.usage,
      cost: total.cost,
      calls: total.calls,
      byModel: structuredClone(state.spend),
      messages: state.entries.length,
      contextTokens: session.contextTokens(undefined),
    };
    const remaining = session.budget.remaining();
    if (state.budget !== undefined) stats.budget = state.budget;
    if (remaining !== undefined) stats.budgetRemaining = remaining;
    if (state.summary !== undefined) {
      const { coveredThrough, tokens, updates } = state.summary;
      stats.summary = { coveredThrough, tokens, updates };
    }
    return stats;
  }

  history(): ChatHistoryEntry[] {
    return structuredClone(this.#session.state.entries);
  }

  summary(): RunningSummary | undefined {
    const { summary } = this.#session.state;
    return summary === undefined ? undefined : { ...summary };
  }

  settings(): ChatSettings {
    return { ...this.#session.state.settings };
  }

  async summarize(options: SendOptions = {}): Promise<number> {
    return this.#session.exclusive(() => summarizeNow(this.#session, options));
  }

  async setModel(model: string): Promise<void> {
    const session = this.#session;
    const info = chatModelInfo(session.catalog, model, "model");
    await session.exclusive(async () => {
      const { state } = session;
      state.model = model;
      state.entries = state.entries.map((entry) => recountFor(entry, info));
      if (state.summary !== undefined && state.summary.tokenizer !== info.tokenizer) {
        state.summary = {
          ...state.summary,
          tokens: messageTokens(summaryMessage(state.summary.text), info),
          tokenizer: info.tokenizer,
        };
      }
      await session.save();
    });
  }

  async setBudget(budget: Picodollars | string | number | undefined): Promise<void> {
    const amount = budget === undefined ? undefined : readBudget(budget);
    const session = this.#session;
    await session.exclusive(async () => {
      session.state.budget = amount;
      await session.budget.setLimit(amount);
      await session.save();
    });
  }

  async reset(): Promise<void> {
    const session = this.#session;
    await session.exclusive(async () => {
      const { state } = session;
      state.entries = state.entries.filter((entry) => isInstruction(entry.message));
      state.summary = undefined;
      state.generation += 1;
      await session.save();
    });
  }

  async save(): Promise<void> {
    await this.#session.save();
  }
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
