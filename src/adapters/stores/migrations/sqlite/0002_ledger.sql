-- The ledger's default tables (prefix tokenwise_ledger), exactly as createSqliteLedger creates
-- them; a ledger that opened the file first has already made them, hence IF NOT EXISTS.
CREATE TABLE IF NOT EXISTS "tokenwise_ledger_scopes" (
  scope TEXT PRIMARY KEY NOT NULL,
  spent TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS "tokenwise_ledger_holds" (
  id TEXT NOT NULL,
  position INTEGER NOT NULL,
  scope TEXT NOT NULL,
  amount INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (id, position)
);
CREATE INDEX IF NOT EXISTS "tokenwise_ledger_holds_scope" ON "tokenwise_ledger_holds" (scope, expires_at);
CREATE INDEX IF NOT EXISTS "tokenwise_ledger_holds_expires_at" ON "tokenwise_ledger_holds" (expires_at);
CREATE TABLE IF NOT EXISTS "tokenwise_ledger_settled" (
  id TEXT PRIMARY KEY NOT NULL,
  scopes TEXT NOT NULL,
  reserved INTEGER NOT NULL,
  actual INTEGER NOT NULL,
  forget_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS "tokenwise_ledger_settled_forget_at" ON "tokenwise_ledger_settled" (forget_at);
CREATE TABLE IF NOT EXISTS "tokenwise_ledger_spend" (
  id INTEGER PRIMARY KEY,
  time INTEGER NOT NULL,
  scope TEXT NOT NULL,
  model TEXT NOT NULL,
  provider TEXT NOT NULL,
  input_tokens INTEGER NOT NULL,
  cached_input_tokens INTEGER NOT NULL,
  cache_write_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  reasoning_tokens INTEGER NOT NULL,
  cost INTEGER NOT NULL,
  request_id TEXT,
  cached INTEGER,
  metadata TEXT,
  scopes TEXT
);
CREATE INDEX IF NOT EXISTS "tokenwise_ledger_spend_time" ON "tokenwise_ledger_spend" (time);
CREATE INDEX IF NOT EXISTS "tokenwise_ledger_spend_scope_time" ON "tokenwise_ledger_spend" (scope, time);
