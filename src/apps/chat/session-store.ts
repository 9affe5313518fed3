import type { Picodollars } from "../../core/money/index.js";
import type { ChatHistoryEntry } from "./chat-history.js";
import type { ChatSettings } from "./chat-settings.js";
import type { ModelSpend } from "./chat-spend.js";
import type { RunningSummary } from "./running-summary.js";

/** Everything needed to resume a chat: its messages, summary state, settings and spend. */
export interface ChatSessionRecord {
  id: string;
  /** ISO timestamps. */
  createdAt: string;
  updatedAt: string;
  model: string;
  summaryModel: string;
  /** Absent: no spending limit. */
  budget?: Picodollars;
  settings: ChatSettings;
  messages: ChatHistoryEntry[];
  summary?: RunningSummary;
  spend: ModelSpend[];
  /** Bumped by every reset, so a store knows the stored messages no longer apply. */
  generation: number;
}

/** A line of a session listing. */
export interface ChatSessionInfo {
  id: string;
  createdAt: string;
  updatedAt: string;
  model: string;
  messages: number;
  /** Chat calls made (summary calls not counted); a reset does not take them back. */
  turns: number;
  cost: Picodollars;
}

/** Where chat sessions persist. Money is kept exactly (whole picodollars). */
export interface ChatSessionStore {
  /** The session, or undefined when there is none with this id. */
  load(id: string): Promise<ChatSessionRecord | undefined>;
  /** Writes the session, replacing what was stored under its id. */
  save(record: ChatSessionRecord): Promise<void>;
  /** Sessions, most recently updated first. */
  list(): Promise<ChatSessionInfo[]>;
  /** True when a session was deleted. */
  delete(id: string): Promise<boolean>;
  close(): Promise<void>;
}
