export { budgetScopes } from "./budget-scopes.js";
export {
  type CalendarPeriod,
  calendarPeriod,
  type LocalDate,
  localDateAt,
  startOfLocalDay,
} from "./calendar-period.js";
export { keyNotFoundError, revokedKeyError, teamNotFoundError } from "./key-errors.js";
export {
  BUDGET_PERIODS,
  canonicalTimeZone,
  normalizeBudget,
  normalizeCreateKeyInput,
  normalizeKeyChanges,
  normalizeTeam,
} from "./key-input.js";
export { createMemoryKeyRegistry, type MemoryKeyRegistryOptions } from "./memory-key-registry.js";
export {
  generateSecret,
  hashesEqual,
  hashSecret,
  SECRET_PREFIX,
  secretHint,
  secretsEqual,
} from "./secret.js";
export { createSqliteKeyRegistry, type SqliteKeyRegistryOptions } from "./sqlite-key-registry.js";
export type * from "./types.js";
