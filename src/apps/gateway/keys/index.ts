export {
  type AdminApi,
  type AdminApiOptions,
  type AdminRequest,
  type AdminResponse,
  createAdminApi,
} from "./admin-api.js";
export { budgetScopes } from "./budget-scopes.js";
export {
  type CachedKeyRegistry,
  type CachedKeyRegistryOptions,
  type CachedKeyRegistryStats,
  createCachedKeyRegistry,
} from "./cached-key-registry.js";
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
export {
  createRedisKeyInvalidation,
  type KeyInvalidation,
  type KeyInvalidationEvent,
  type KeyInvalidationStatus,
  keyInvalidationChannel,
  parseKeyInvalidation,
  type RedisKeyInvalidationOptions,
} from "./key-invalidation.js";
export {
  type BudgetJson,
  budgetFromJson,
  type KeyJson,
  keyChangesFromJson,
  keyToJson,
  type TeamJson,
  teamToJson,
} from "./key-json.js";
export { createMemoryKeyRegistry, type MemoryKeyRegistryOptions } from "./memory-key-registry.js";
export { createMemoryRateLimiter, type MemoryRateLimiterOptions } from "./memory-rate-limiter.js";
export { formatDuration, parseDuration } from "./parse-duration.js";
export {
  createPostgresKeyRegistry,
  type PostgresKeyRegistryOptions,
} from "./postgres-key-registry.js";
export { createRedisRateLimiter, type RedisRateLimiterOptions } from "./redis-rate-limiter.js";
export {
  generateSecret,
  hashesEqual,
  hashSecret,
  looksLikeSecret,
  SECRET_PREFIX,
  secretHint,
  secretsEqual,
} from "./secret.js";
export { RATE_WINDOW_MS } from "./sliding-window.js";
export { createSqliteKeyRegistry, type SqliteKeyRegistryOptions } from "./sqlite-key-registry.js";
export { createSqliteRateLimiter, type SqliteRateLimiterOptions } from "./sqlite-rate-limiter.js";
export type * from "./types.js";
