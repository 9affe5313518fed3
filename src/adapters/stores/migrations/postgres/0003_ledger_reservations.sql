-- Reservations are leases: one row per scope a reservation holds its amount on, all with the
-- same expiry, in epoch milliseconds of the database server's clock. A settled reservation
-- leaves its result behind until forget_at, so a retried settle returns it and charges nothing.

-- The one clock every lease time comes from: the database server's, in epoch milliseconds.
CREATE FUNCTION tokenwise_clock_ms() RETURNS bigint
LANGUAGE sql VOLATILE
AS $$ SELECT floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint $$;
CREATE TABLE tokenwise_ledger_holds (
  id text NOT NULL,
  position smallint NOT NULL,
  scope text NOT NULL,
  amount bigint NOT NULL CHECK (amount >= 0),
  expires_at bigint NOT NULL,
  PRIMARY KEY (id, position)
);

CREATE INDEX tokenwise_ledger_holds_scope ON tokenwise_ledger_holds (scope, expires_at);
CREATE INDEX tokenwise_ledger_holds_expires_at ON tokenwise_ledger_holds (expires_at);

CREATE TABLE tokenwise_ledger_settled (
  id text PRIMARY KEY,
  scopes text[] NOT NULL,
  reserved bigint NOT NULL,
  actual bigint NOT NULL,
  forget_at bigint NOT NULL
);

CREATE INDEX tokenwise_ledger_settled_forget_at ON tokenwise_ledger_settled (forget_at);
