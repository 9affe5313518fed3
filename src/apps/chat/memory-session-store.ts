import { chatTurns, totalSpend } from "./chat-spend.js";
import type { ChatSessionInfo, ChatSessionRecord, ChatSessionStore } from "./session-store.js";

/**
 * A session store in memory, for tests and short-lived programs. Records are copied in and out,
 * so a caller never shares state with the store.
 *
 * @example
 * ```ts
 * const store = createMemorySessionStore();
 * const chat = await createChat({ client, model: "gpt-4o-mini", store });
 * const again = await resumeChat(chat.sessionId, { client, store });
 * ```
 */
export function createMemorySessionStore(): ChatSessionStore {
  const records = new Map<string, ChatSessionRecord>();
  return {
    async load(id) {
      const record = records.get(id);
      return record === undefined ? undefined : structuredClone(record);
    },
    async save(record) {
      records.set(record.id, structuredClone(record));
    },
    async list(): Promise<ChatSessionInfo[]> {
      return [...records.values()]
        .map((record) => ({
          id: record.id,
          createdAt: record.createdAt,
          updatedAt: record.updatedAt,
          model: record.model,
          messages: record.messages.length,
          turns: chatTurns(record.spend),
          cost: totalSpend(record.spend).cost,
        }))
        .sort((left, right) => right.updatedAt.localeCompare(left.updatedAt));
    },
    async delete(id) {
      return records.delete(id);
    },
    async close() {},
  };
}
