-- The key-value store (response and embedding caches). Keys and values are bytes: keys are the
-- UTF-8 of the caller's key (so prefix deletes are byte ranges on the primary key), values the
-- UTF-8 of text or raw bytes, with is_text saying which kind to hand back.
CREATE TABLE tokenwise_kv (
  namespace text NOT NULL,
  key bytea NOT NULL,
  value bytea NOT NULL,
  is_text boolean NOT NULL,
  expires_at timestamptz,
  PRIMARY KEY (namespace, key)
);

CREATE INDEX tokenwise_kv_expires_at ON tokenwise_kv (namespace, expires_at)
  WHERE expires_at IS NOT NULL;
