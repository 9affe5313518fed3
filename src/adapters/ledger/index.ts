export type {
  BalanceListener,
  JsonValue,
  Ledger,
  LedgerOptions,
  Reservation,
  ReserveOptions,
  ScopeBalance,
  ScopeBudget,
  SettledReservation,
  SettleRecord,
  SpendQuery,
  SpendRecord,
  SpendRecordInput,
  SpendRecordsQuery,
  SpendTotalsQuery,
  SpendTotalsRow,
} from "./ledger.js";
export {
  type BudgetExceededDetails,
  budgetExceeded,
  type LedgerRefusal,
} from "./ledger-errors.js";
export { MAX_AMOUNT, MAX_LIMIT } from "./ledger-input.js";
export { createMemoryLedger, type MemoryLedgerOptions } from "./memory-ledger.js";
export { createPostgresLedger, type PostgresLedgerOptions } from "./postgres-ledger.js";
export { spentByScope } from "./postgres-spend-rows.js";
export {
  closeOnSignals,
  createPostgresSpendWriter,
  type PostgresSpendWriterOptions,
  type SpendFlushResult,
  type SpendWrite,
  type SpendWriter,
  type SpendWriterStats,
} from "./postgres-spend-writer.js";
export {
  createRedisLedger,
  isLedgerStateLost,
  type RedisLedgerOptions,
  redisLedgerHasData,
  restoreRedisLedger,
} from "./redis-ledger.js";
export { type OutboxEntry, type RedisSpendOutbox, redisSpendOutbox } from "./redis-spend-outbox.js";
export { totalSpend, utcDay } from "./spend-totals.js";
export { createSqliteLedger, type SqliteLedgerOptions } from "./sqlite-ledger.js";
