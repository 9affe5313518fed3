export {
  DATABASE_FILE,
  DEFAULT_DATA_DIR,
  type ResolveDataDirOptions,
  resolveDataDir,
} from "./data-dir.js";
export type {
  KeyValueStore,
  SetOptions,
  StoreEntry,
  StoreValue,
} from "./key-value-store.js";
export { createMemoryStore, type MemoryStore, type MemoryStoreOptions } from "./memory-store.js";
export {
  checkedSequence,
  type Migration,
  type MigrationEngine,
  type MigrationReport,
  migration,
  readMigrationDirectory,
  shippedMigrations,
} from "./migrations/migration-files.js";
export { migratePostgres, type PostgresMigrateOptions } from "./migrations/postgres-migrator.js";
export { migrateSqlite, type SqliteMigrateOptions } from "./migrations/sqlite-migrator.js";
export {
  DEFAULT_POSTGRES_SCHEMA,
  openPostgresConnection,
  openPostgresPool,
  type PostgresConnection,
  type PostgresConnectionOptions,
  type PostgresQueryable,
  withPostgresTransaction,
} from "./postgres-connection.js";
export {
  createPostgresStore,
  type PostgresStore,
  type PostgresStoreOptions,
} from "./postgres-store.js";
export {
  openRedisConnection,
  type RedisConnection,
  type RedisConnectionOptions,
} from "./redis-connection.js";
export { createRedisStore, type RedisStoreOptions } from "./redis-store.js";
export {
  openSqliteConnection,
  type SqliteConnection,
  type SqliteConnectionOptions,
  type SqliteDatabase,
} from "./sqlite-database.js";
export { createSqliteStore, type SqliteStore, type SqliteStoreOptions } from "./sqlite-store.js";
