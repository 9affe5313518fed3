-- The gateway's key registry, shared by every replica and `tokenwise keys --postgres`: teams,
-- virtual keys and the SHA-256 hashes of their secrets (never a secret itself). Times are epoch
-- milliseconds of the database server's clock (tokenwise_clock_ms), so replicas agree on when
-- a rotated secret's grace ends. Budget limits are exact numeric picodollars with no upper
-- bound; models are a JSON array (json keeps any name exactly as written).
CREATE TABLE tokenwise_teams (
  name text PRIMARY KEY,
  budget_limit numeric CHECK (budget_limit >= 0),
  budget_period text,
  budget_time_zone text,
  CHECK ((budget_limit IS NULL) = (budget_period IS NULL))
);

CREATE TABLE tokenwise_keys (
  id text PRIMARY KEY,
  name text NOT NULL,
  -- Teams are never deleted; the reference keeps a key from naming one that does not exist.
  team text REFERENCES tokenwise_teams (name),
  models json,
  budget_limit numeric CHECK (budget_limit >= 0),
  budget_period text,
  budget_time_zone text,
  rpm bigint CHECK (rpm > 0),
  tpm bigint CHECK (tpm > 0),
  secret_hint text NOT NULL,
  created_at bigint NOT NULL,
  revoked_at bigint,
  CHECK ((budget_limit IS NULL) = (budget_period IS NULL))
);

-- Two replicas creating the same name at once: this index lets exactly one of them win.
CREATE UNIQUE INDEX tokenwise_keys_live_name ON tokenwise_keys (name) WHERE revoked_at IS NULL;
CREATE INDEX tokenwise_keys_name ON tokenwise_keys (name, created_at);
CREATE INDEX tokenwise_keys_created_at ON tokenwise_keys (created_at DESC, id DESC);

CREATE TABLE tokenwise_key_secrets (
  hash text PRIMARY KEY,
  key_id text NOT NULL REFERENCES tokenwise_keys (id),
  -- NULL while the secret is current; set when a rotation starts its grace or a revocation.
  expires_at bigint
);

CREATE INDEX tokenwise_key_secrets_key_id ON tokenwise_key_secrets (key_id);
