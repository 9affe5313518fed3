// The one worst-case policy, the client's, so `tokenwise/chat` and `tokenwise/client` export the
// same function.
export {
  ESTIMATED_INPUT_MARGIN,
  reservedInputTokens,
  type WorstCase,
  worstCaseCost,
} from "../client/index.js";
export { assertWithinBudget, type BudgetCheck } from "./budget-check.js";
export { createChat, resumeChat } from "./chat.js";
export { chatBudgetScope } from "./chat-budget.js";
export type {
  ChatCallOptions,
  ChatCallResult,
  ChatCallStream,
  ChatClient,
  ChatClientRetryEvent,
} from "./chat-client.js";
export { type ChatHistoryEntry, historyEntry, messageText } from "./chat-history.js";
export { type ChatSettings, DEFAULT_CHAT_SETTINGS, readChatSettings } from "./chat-settings.js";
export { type CallPurpose, type ModelSpend, totalSpend } from "./chat-spend.js";
export type {
  Chat,
  ChatRetryEvent,
  ChatStats,
  ChatTurn,
  ChatTurnStream,
  CreateChatOptions,
  SendOptions,
} from "./chat-types.js";
export { createMemorySessionStore } from "./memory-session-store.js";
export {
  createProviderChatClient,
  type ProviderChatClientOptions,
} from "./provider-chat-client.js";
export { type RunningSummary, summaryMessage } from "./running-summary.js";
export type { ChatSessionInfo, ChatSessionRecord, ChatSessionStore } from "./session-store.js";
export { createSqliteSessionStore } from "./sqlite-session-store.js";
