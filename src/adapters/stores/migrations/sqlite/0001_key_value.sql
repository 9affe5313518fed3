-- The key-value store's default table, exactly as createSqliteStore creates it (a store that
-- opened the file first has already made it, hence IF NOT EXISTS). A column declared BLOB has
-- no type affinity: TEXT stays TEXT and BLOB stays BLOB.
CREATE TABLE IF NOT EXISTS "tokenwise_kv" (
  key TEXT PRIMARY KEY NOT NULL,
  value BLOB NOT NULL,
  expires_at INTEGER
);
CREATE INDEX IF NOT EXISTS "tokenwise_kv_expires_at" ON "tokenwise_kv" (expires_at)
  WHERE expires_at IS NOT NULL;
