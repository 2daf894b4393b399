// The PostgreSQL schema, created idempotently when a store opens (under an advisory lock: see postgres-store.ts).
export const postgresSchema = `
CREATE TABLE IF NOT EXISTS threads (
  id text PRIMARY KEY,
  agent text NOT NULL,
  -- A cache of deriveStatus(events): each append folds its own events into it (statusAfter); rebuildStatusCache()
  -- recomputes it from all of them.
  status text NOT NULL,
  last_seq integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  lease_owner text,
  lease_token text,
  lease_expires_at timestamptz
);

CREATE TABLE IF NOT EXISTS events (
  thread_id text NOT NULL REFERENCES threads (id),
  seq integer NOT NULL CHECK (seq > 0),
  id text NOT NULL,
  type text NOT NULL,
  -- The event's own time, kept as the text it was appended with so the event loads back exactly.
  at text NOT NULL,
  -- json, not jsonb: jsonb refuses NUL and lone surrogates, which a JSON string may hold; json keeps the text
  -- JSON.stringify wrote (checked for syntax only), so every event loads back exactly.
  data json NOT NULL,
  -- The real guard against two writers taking the same place in a thread.
  CONSTRAINT events_pkey PRIMARY KEY (thread_id, seq),
  CONSTRAINT events_id_key UNIQUE (id)
);

CREATE TABLE IF NOT EXISTS deliveries (
  source text NOT NULL,
  delivery_id text NOT NULL,
  thread_id text NOT NULL REFERENCES threads (id),
  created_at timestamptz NOT NULL,
  CONSTRAINT deliveries_pkey PRIMARY KEY (source, delivery_id)
);

-- The exact prompt of each model step, as a delta against the thread's previous one (see step-prompts.ts). Apart
-- from events, so a thread load never reads them.
CREATE TABLE IF NOT EXISTS step_prompts (
  thread_id text NOT NULL,
  seq integer NOT NULL,
  prefix_length integer NOT NULL CHECK (prefix_length >= 0),
  tail text NOT NULL,
  sha256 text NOT NULL,
  CONSTRAINT step_prompts_pkey PRIMARY KEY (thread_id, seq),
  FOREIGN KEY (thread_id, seq) REFERENCES events (thread_id, seq)
);

-- What a thread can be found by (core/search-terms.ts), written with its events; the key is what a search probes.
CREATE TABLE IF NOT EXISTS thread_terms (
  term text NOT NULL,
  thread_id text NOT NULL,
  CONSTRAINT thread_terms_pkey PRIMARY KEY (term, thread_id)
);

-- Migration for databases created with data jsonb: the cast keeps every event (jsonb always holds valid json).
DO $$
BEGIN
  IF (SELECT data_type FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = 'events' AND column_name = 'data') = 'jsonb' THEN
    ALTER TABLE events ALTER COLUMN data TYPE json USING data::json;
  END IF;
END $$;

CREATE INDEX IF NOT EXISTS threads_by_status ON threads (status, updated_at, id);
CREATE INDEX IF NOT EXISTS threads_by_update ON threads (updated_at, id);
CREATE INDEX IF NOT EXISTS threads_by_agent ON threads (agent, updated_at, id);
CREATE INDEX IF NOT EXISTS deliveries_by_thread ON deliveries (thread_id);
`;
