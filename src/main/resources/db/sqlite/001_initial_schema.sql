-- Agent Kanban board schema, version 1. Timestamps are epoch milliseconds.
-- Statements are separated by lines holding only ';' so the runner needs no SQL parser.

CREATE TABLE board_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
)
;
CREATE TABLE tasks (
  id                   TEXT PRIMARY KEY,
  title                TEXT NOT NULL,
  body                 TEXT NOT NULL DEFAULT '',
  assignee             TEXT,
  status               TEXT NOT NULL CHECK (status IN
                         ('triage','todo','scheduled','ready','running','blocked','review','done','archived')),
  priority             INTEGER NOT NULL DEFAULT 0,
  tenant               TEXT,
  created_by           TEXT,
  idempotency_key      TEXT,
  dedupe_scope         TEXT NOT NULL DEFAULT 'open' CHECK (dedupe_scope IN ('open','lifetime')),
  -- The idempotency key while it still deduplicates; NULL otherwise. Unique: two open tasks
  -- can never share a key, whatever the race.
  dedupe_slot          TEXT UNIQUE,
  workspace_kind       TEXT NOT NULL DEFAULT 'scratch' CHECK (workspace_kind IN ('scratch','dir','worktree')),
  workspace_path       TEXT,
  created_at           INTEGER NOT NULL,
  updated_at           INTEGER NOT NULL,
  started_at           INTEGER,
  completed_at         INTEGER,
  scheduled_at         INTEGER,
  max_runtime_ms       INTEGER CHECK (max_runtime_ms IS NULL OR max_runtime_ms > 0),
  max_retries          INTEGER CHECK (max_retries IS NULL OR max_retries >= 0),
  consecutive_failures INTEGER NOT NULL DEFAULT 0,
  protocol_violations  INTEGER NOT NULL DEFAULT 0,
  block_kind           TEXT CHECK (block_kind IS NULL OR block_kind IN ('dependency','needs_input','capability','transient')),
  block_recurrences    INTEGER NOT NULL DEFAULT 0,
  block_reason         TEXT,
  resume_status        TEXT NOT NULL DEFAULT 'ready' CHECK (resume_status IN ('ready','review')),
  review_implementer   TEXT,
  current_run_id       INTEGER REFERENCES runs(id) DEFERRABLE INITIALLY DEFERRED,
  last_failure_error   TEXT,
  version              INTEGER NOT NULL DEFAULT 0,
  CHECK ((status = 'running') = (current_run_id IS NOT NULL))
)
;
CREATE INDEX tasks_by_status_in_dispatch_order ON tasks (status, priority DESC, created_at, id)
;
CREATE INDEX tasks_by_assignee_status ON tasks (assignee, status)
;
CREATE INDEX tasks_by_tenant ON tasks (tenant)
;
CREATE INDEX tasks_scheduled_due ON tasks (scheduled_at) WHERE status = 'scheduled'
;
CREATE TABLE runs (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  task_id           TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
  lane              TEXT NOT NULL CHECK (lane IN ('ready','review')),
  assignee          TEXT,
  claimed_by        TEXT,
  token_hash        TEXT,
  lease_expires_at  INTEGER,
  lease_ttl_ms      INTEGER,
  last_heartbeat_at INTEGER,
  worker_host       TEXT,
  worker_pid        INTEGER,
  worker_started_at INTEGER,
  workspace_path    TEXT,
  max_runtime_ms    INTEGER,
  started_at        INTEGER NOT NULL,
  ended_at          INTEGER,
  outcome           TEXT CHECK (outcome IS NULL OR outcome IN
                      ('completed','blocked','review_requested','changes_requested','crashed',
                       'protocol_violation','rate_limited','timed_out','reclaimed','spawn_failed',
                       'gave_up','cancelled')),
  summary           TEXT,
  metadata          TEXT,
  error             TEXT,
  exit_code         INTEGER,
  CHECK ((ended_at IS NULL) = (outcome IS NULL))
)
;
-- The invariant "running <=> exactly one open run", held by the database itself.
CREATE UNIQUE INDEX runs_one_open_per_task ON runs (task_id) WHERE ended_at IS NULL
;
CREATE INDEX runs_by_task ON runs (task_id, id)
;
CREATE INDEX runs_open_by_lease ON runs (lease_expires_at) WHERE ended_at IS NULL
;
CREATE INDEX runs_completed_by_assignee ON runs (assignee, ended_at) WHERE outcome = 'completed'
;
CREATE TABLE links (
  parent_id  TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
  child_id   TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (parent_id, child_id),
  CHECK (parent_id <> child_id)
) WITHOUT ROWID
;
CREATE INDEX links_by_child ON links (child_id, parent_id)
;
CREATE TABLE comments (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  task_id    TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
  author     TEXT NOT NULL,
  body       TEXT NOT NULL,
  created_at INTEGER NOT NULL
)
;
CREATE INDEX comments_by_task ON comments (task_id, id)
;
CREATE TABLE events (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  task_id    TEXT REFERENCES tasks(id) ON DELETE CASCADE,
  run_id     INTEGER REFERENCES runs(id) ON DELETE CASCADE,
  kind       TEXT NOT NULL,
  actor      TEXT,
  payload    TEXT,
  created_at INTEGER NOT NULL
)
;
CREATE INDEX events_by_task ON events (task_id, id)
;
CREATE INDEX events_by_run ON events (run_id) WHERE run_id IS NOT NULL
;
CREATE TABLE attachments (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  task_id      TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
  filename     TEXT NOT NULL,
  stored_name  TEXT NOT NULL,
  content_type TEXT,
  size         INTEGER NOT NULL CHECK (size >= 0),
  sha256       TEXT,
  uploaded_by  TEXT,
  created_at   INTEGER NOT NULL,
  UNIQUE (task_id, filename)
)
;
