import {
  openSqliteConnection,
  type SqliteConnectionOptions,
  type SqliteDatabase,
} from "../../adapters/stores/index.js";
import { TokenwiseError } from "../../core/errors/index.js";
import type { ChatMessage } from "../../core/messages/index.js";
import type { TokenizerName } from "../../core/tokens/index.js";
import type { ChatHistoryEntry } from "./chat-history.js";
import type { ChatSettings } from "./chat-settings.js";
import { type CallPurpose, chatTurns, type ModelSpend } from "./chat-spend.js";
import type { ChatSessionInfo, ChatSessionRecord, ChatSessionStore } from "./session-store.js";

interface SessionRow {
  id: string;
  created_at: string;
  updated_at: string;
  model: string;
  summary_model: string;
  budget_picodollars: string | null;
  settings_json: string;
  generation: number;
  summary_text: string | null;
  summary_covered_through: number | null;
  summary_tokens: number | null;
  summary_tokenizer: string | null;
  summary_updates: number | null;
}

interface MessageRow {
  message_json: string;
  tokens: number;
  tokenizer: string;
  model: string | null;
  partial: number;
}

interface SpendRow {
  purpose: string;
  model: string;
  calls: number;
  input_tokens: number;
  cached_input_tokens: number;
  cache_write_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  cost_picodollars: string;
}

interface ListRow {
  id: string;
  created_at: string;
  updated_at: string;
  model: string;
  messages: number;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS tokenwise_chat_sessions (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    model TEXT NOT NULL,
    summary_model TEXT NOT NULL,
    budget_picodollars TEXT,
    settings_json TEXT NOT NULL,
    generation INTEGER NOT NULL,
    summary_text TEXT,
    summary_covered_through INTEGER,
    summary_tokens INTEGER,
    summary_tokenizer TEXT,
    summary_updates INTEGER
  );
  CREATE TABLE IF NOT EXISTS tokenwise_chat_messages (
    session_id TEXT NOT NULL,
    message_index INTEGER NOT NULL,
    message_json TEXT NOT NULL,
    tokens INTEGER NOT NULL,
    tokenizer TEXT NOT NULL,
    model TEXT,
    partial INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (session_id, message_index)
  );
  CREATE TABLE IF NOT EXISTS tokenwise_chat_spend (
    session_id TEXT NOT NULL,
    purpose TEXT NOT NULL,
    model TEXT NOT NULL,
    calls INTEGER NOT NULL,
    input_tokens INTEGER NOT NULL,
    cached_input_tokens INTEGER NOT NULL,
    cache_write_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    reasoning_tokens INTEGER NOT NULL,
    cost_picodollars TEXT NOT NULL,
    PRIMARY KEY (session_id, purpose, model)
  );
`;

/**
 * Chat sessions in SQLite (one file, shared with the other tokenwise tables). Messages are
 * appended as the chat grows rather than rewritten; money is stored as TEXT of whole
 * picodollars, so it comes back exactly.
 *
 * @example
 * ```ts
 * const store = createSqliteSessionStore({ path: ".tokenwise/tokenwise.db" });
 * const chat = await resumeChat("3f9c2a7b1d04", { client, store });
 * ```
 */
export function createSqliteSessionStore(options: SqliteConnectionOptions): ChatSessionStore {
  const { database, owned } = openSqliteConnection(options);
  guard("Creating the chat session tables", () => database.exec(SCHEMA));
  const statements = prepare(database);
  let closed = false;
  const open = () => {
    if (closed) {
      throw new TokenwiseError("store_error", "The chat session store is closed; open a new one");
    }
  };

  const saveTransaction = database.transaction((record: ChatSessionRecord) => {
    const stored = statements.generation.get(record.id);
    if (stored !== undefined && stored.generation !== record.generation) {
      statements.deleteMessages.run(record.id);
    }
    statements.upsertSession.run(sessionRow(record));
    statements.deleteMessagesFrom.run(record.id, record.messages.length);
    const storedCount = statements.countMessages.get(record.id)?.count ?? 0;
    record.messages.slice(storedCount).forEach((entry, offset) => {
      statements.insertMessage.run({
        session_id: record.id,
        message_index: storedCount + offset,
        message_json: JSON.stringify(entry.message),
        tokens: entry.tokens,
        tokenizer: entry.tokenizer,
        model: entry.model ?? null,
        partial: entry.partial === true ? 1 : 0,
      });
    });
    statements.deleteSpend.run(record.id);
    for (const row of record.spend) {
      statements.insertSpend.run({
        session_id: record.id,
        purpose: row.purpose,
        model: row.model,
        calls: row.calls,
        input_tokens: row.usage.inputTokens,
        cached_input_tokens: row.usage.cachedInputTokens,
        cache_write_tokens: row.usage.cacheWriteTokens,
        output_tokens: row.usage.outputTokens,
        reasoning_tokens: row.usage.reasoningTokens,
        cost_picodollars: row.cost.toString(),
      });
    }
  });

  const deleteTransaction = database.transaction((id: string) => {
    statements.deleteMessages.run(id);
    statements.deleteSpend.run(id);
    return statements.deleteSession.run(id).changes > 0;
  });

  return {
    async load(id) {
      open();
      return guard(`Loading chat session ${id}`, () => {
        const row = statements.session.get(id);
        if (row === undefined) return undefined;
        return recordFromRows(row, statements.messages.all(id), statements.spend.all(id));
      });
    },
    async save(record) {
      open();
      guard(`Saving chat session ${record.id}`, () => saveTransaction(record));
    },
    async list(): Promise<ChatSessionInfo[]> {
      open();
      return guard("Listing chat sessions", () =>
        statements.list.all().map((row) => {
          const spend = statements.spend.all(row.id);
          return {
            id: row.id,
            createdAt: row.created_at,
            updatedAt: row.updated_at,
            model: row.model,
            messages: row.messages,
            turns: chatTurns(spend),
            cost: spend.reduce((sum, item) => sum + BigInt(item.cost_picodollars), 0n),
          };
        }),
      );
    },
    async delete(id) {
      open();
      return guard(`Deleting chat session ${id}`, () => deleteTransaction(id));
    },
    async close() {
      if (closed) return;
      closed = true;
      if (owned) database.close();
    },
  };
}

function prepare(database: SqliteDatabase) {
  return guard("Preparing the chat session statements", () => ({
    session: database.prepare<[string], SessionRow>(
      "SELECT * FROM tokenwise_chat_sessions WHERE id = ?",
    ),
    generation: database.prepare<[string], { generation: number }>(
      "SELECT generation FROM tokenwise_chat_sessions WHERE id = ?",
    ),
    messages: database.prepare<[string], MessageRow>(
      "SELECT message_json, tokens, tokenizer, model, partial FROM tokenwise_chat_messages " +
        "WHERE session_id = ? ORDER BY message_index",
    ),
    countMessages: database.prepare<[string], { count: number }>(
      "SELECT COUNT(*) AS count FROM tokenwise_chat_messages WHERE session_id = ?",
    ),
    spend: database.prepare<[string], SpendRow>(
      "SELECT * FROM tokenwise_chat_spend WHERE session_id = ? ORDER BY rowid",
    ),
    list: database.prepare<[], ListRow>(
      "SELECT s.id, s.created_at, s.updated_at, s.model, " +
        "(SELECT COUNT(*) FROM tokenwise_chat_messages m WHERE m.session_id = s.id) AS messages " +
        "FROM tokenwise_chat_sessions s ORDER BY s.updated_at DESC, s.id",
    ),
    upsertSession: database.prepare<[SessionRow]>(
      "INSERT INTO tokenwise_chat_sessions VALUES (@id, @created_at, @updated_at, @model, " +
        "@summary_model, @budget_picodollars, @settings_json, @generation, @summary_text, " +
        "@summary_covered_through, @summary_tokens, @summary_tokenizer, @summary_updates) " +
        "ON CONFLICT(id) DO UPDATE SET updated_at = excluded.updated_at, model = excluded.model, " +
        "summary_model = excluded.summary_model, budget_picodollars = excluded.budget_picodollars, " +
        "settings_json = excluded.settings_json, generation = excluded.generation, " +
        "summary_text = excluded.summary_text, " +
        "summary_covered_through = excluded.summary_covered_through, " +
        "summary_tokens = excluded.summary_tokens, summary_tokenizer = excluded.summary_tokenizer, " +
        "summary_updates = excluded.summary_updates",
    ),
    insertMessage: database.prepare<[Record<string, string | number | null>]>(
      "INSERT OR REPLACE INTO tokenwise_chat_messages VALUES (@session_id, @message_index, " +
        "@message_json, @tokens, @tokenizer, @model, @partial)",
    ),
    deleteMessages: database.prepare<[string]>(
      "DELETE FROM tokenwise_chat_messages WHERE session_id = ?",
    ),
    deleteMessagesFrom: database.prepare<[string, number]>(
      "DELETE FROM tokenwise_chat_messages WHERE session_id = ? AND message_index >= ?",
    ),
    insertSpend: database.prepare<[Record<string, string | number>]>(
      "INSERT INTO tokenwise_chat_spend VALUES (@session_id, @purpose, @model, @calls, " +
        "@input_tokens, @cached_input_tokens, @cache_write_tokens, @output_tokens, " +
        "@reasoning_tokens, @cost_picodollars)",
    ),
    deleteSpend: database.prepare<[string]>(
      "DELETE FROM tokenwise_chat_spend WHERE session_id = ?",
    ),
    deleteSession: database.prepare<[string]>("DELETE FROM tokenwise_chat_sessions WHERE id = ?"),
  }));
}

function sessionRow(record: ChatSessionRecord): SessionRow {
  return {
    id: record.id,
    created_at: record.createdAt,
    updated_at: record.updatedAt,
    model: record.model,
    summary_model: record.summaryModel,
    budget_picodollars: record.budget === undefined ? null : record.budget.toString(),
    settings_json: JSON.stringify(record.settings),
    generation: record.generation,
    summary_text: record.summary?.text ?? null,
    summary_covered_through: record.summary?.coveredThrough ?? null,
    summary_tokens: record.summary?.tokens ?? null,
    summary_tokenizer: record.summary?.tokenizer ?? null,
    summary_updates: record.summary?.updates ?? null,
  };
}

function recordFromRows(
  row: SessionRow,
  messages: MessageRow[],
  spend: SpendRow[],
): ChatSessionRecord {
  const record: ChatSessionRecord = {
    id: row.id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    model: row.model,
    summaryModel: row.summary_model,
    settings: JSON.parse(row.settings_json) as ChatSettings,
    generation: row.generation,
    messages: messages.map((message) => {
      const entry: ChatHistoryEntry = {
        message: JSON.parse(message.message_json) as ChatMessage,
        tokens: message.tokens,
        tokenizer: message.tokenizer as TokenizerName,
      };
      if (message.model !== null) entry.model = message.model;
      if (message.partial === 1) entry.partial = true;
      return entry;
    }),
    spend: spend.map(
      (item): ModelSpend => ({
        purpose: item.purpose as CallPurpose,
        model: item.model,
        calls: item.calls,
        usage: {
          inputTokens: item.input_tokens,
          cachedInputTokens: item.cached_input_tokens,
          cacheWriteTokens: item.cache_write_tokens,
          outputTokens: item.output_tokens,
          reasoningTokens: item.reasoning_tokens,
        },
        cost: BigInt(item.cost_picodollars),
      }),
    ),
  };
  if (row.budget_picodollars !== null) record.budget = BigInt(row.budget_picodollars);
  if (row.summary_text !== null) {
    record.summary = {
      text: row.summary_text,
      coveredThrough: row.summary_covered_through ?? -1,
      tokens: row.summary_tokens ?? 0,
      tokenizer: (row.summary_tokenizer ?? "o200k_base") as TokenizerName,
      updates: row.summary_updates ?? 0,
    };
  }
  return record;
}

function guard<T>(operation: string, run: () => T): T {
  try {
    return run();
  } catch (cause) {
    if (TokenwiseError.isInstance(cause)) throw cause;
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new TokenwiseError("store_error", `${operation} failed: ${reason}`, { cause });
  }
}
