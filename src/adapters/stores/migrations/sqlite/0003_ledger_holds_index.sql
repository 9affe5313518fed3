-- What a scope holds is summed on every reserve and settle: from this index alone, which
-- covers the amount. The index by expiry alone served only the once-a-second sweep of
-- expired holds, over a table that keeps only live and recently expired holds.
CREATE INDEX IF NOT EXISTS "tokenwise_ledger_holds_scope_amount" ON "tokenwise_ledger_holds" (scope, expires_at, amount);
DROP INDEX IF EXISTS "tokenwise_ledger_holds_scope";
DROP INDEX IF EXISTS "tokenwise_ledger_holds_expires_at";
