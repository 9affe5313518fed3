-- The ledger's running totals and its append-only spend log. Totals are exact numeric
-- picodollars with no upper bound; each cost is a 64-bit integer. A spend row that carries a
-- request id is written once: a retried or replayed write of the same request is ignored
-- (ON CONFLICT DO NOTHING on the unique index) and charges nothing again.
CREATE TABLE tokenwise_ledger_scopes (
  scope text PRIMARY KEY,
  spent numeric NOT NULL CHECK (spent >= 0)
);

CREATE TABLE tokenwise_ledger_spend (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  time bigint NOT NULL,
  scope text NOT NULL,
  -- Every scope charged, scope first, when there are several (a key and its team).
  scopes text[],
  model text NOT NULL,
  provider text NOT NULL,
  input_tokens bigint NOT NULL,
  cached_input_tokens bigint NOT NULL,
  cache_write_tokens bigint NOT NULL,
  output_tokens bigint NOT NULL,
  reasoning_tokens bigint NOT NULL,
  cost bigint NOT NULL CHECK (cost >= 0),
  request_id text,
  cached boolean,
  -- json, not jsonb: it keeps the metadata exactly as written, including "\u0000" escapes.
  metadata json
);

CREATE UNIQUE INDEX tokenwise_ledger_spend_request_id ON tokenwise_ledger_spend (request_id)
  WHERE request_id IS NOT NULL;
CREATE INDEX tokenwise_ledger_spend_time ON tokenwise_ledger_spend (time);
CREATE INDEX tokenwise_ledger_spend_scope_time ON tokenwise_ledger_spend (scope, time);
