// The SQLite schema, created idempotently when a store opens.
export const sqliteSchema = `
CREATE TABLE IF NOT EXISTS threads (
  id TEXT PRIMARY KEY,
  agent TEXT NOT NULL,
  -- A cache of deriveStatus(events): each append folds its own events into it (statusAfter); rebuildStatusCache()
  -- recomputes it from all of them.
  status TEXT NOT NULL,
  last_seq INTEGER NOT NULL DEFAULT 0,
  -- Timestamps are ISO-8601 UTC text of one fixed width, so text order is time order.
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  lease_owner TEXT,
  lease_token TEXT,
  lease_expires_at TEXT
) STRICT;

CREATE TABLE IF NOT EXISTS events (
  thread_id TEXT NOT NULL REFERENCES threads (id),
  seq INTEGER NOT NULL CHECK (seq > 0),
  id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  at TEXT NOT NULL,
  data TEXT NOT NULL CHECK (json_valid(data)),
  -- The real guard against two writers taking the same place in a thread.
  PRIMARY KEY (thread_id, seq)
) STRICT;

CREATE TABLE IF NOT EXISTS deliveries (
  source TEXT NOT NULL,
  delivery_id TEXT NOT NULL,
  thread_id TEXT NOT NULL REFERENCES threads (id),
  created_at TEXT NOT NULL,
  PRIMARY KEY (source, delivery_id)
) STRICT;

-- The exact prompt of each model step, as a delta against the thread's previous one (see step-prompts.ts). Apart
-- from events, so a thread load never reads them.
CREATE TABLE IF NOT EXISTS step_prompts (
  thread_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  prefix_length INTEGER NOT NULL CHECK (prefix_length >= 0),
  tail TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  PRIMARY KEY (thread_id, seq),
  FOREIGN KEY (thread_id, seq) REFERENCES events (thread_id, seq)
) STRICT;

-- What a thread can be found by (core/search-terms.ts), written with its events; the key is what a search probes.
CREATE TABLE IF NOT EXISTS thread_terms (
  term TEXT NOT NULL,
  thread_id TEXT NOT NULL,
  PRIMARY KEY (term, thread_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS threads_by_status ON threads (status, updated_at, id);
CREATE INDEX IF NOT EXISTS threads_by_update ON threads (updated_at, id);
CREATE INDEX IF NOT EXISTS threads_by_agent ON threads (agent, updated_at, id);
CREATE INDEX IF NOT EXISTS deliveries_by_thread ON deliveries (thread_id);
`;
