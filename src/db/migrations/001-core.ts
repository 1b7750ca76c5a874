import type { Migration } from '../migrate.ts';

// Times are integer milliseconds since the epoch (UTC); the API turns them into ISO strings.
export const coreMigration: Migration = {
  version: 1,
  name: 'core: job_runs ledger, scheduler lease, cleanup domain',
  sql: `
    -- id: a UUIDv7 made from started_at (src/db/ids.ts), so id order is start order and
    -- "newest first" is id DESC on the primary key: no separate started_at index to write per run
    -- (the queue writes a row for every attempt, thousands a second).
    CREATE TABLE job_runs (
      id          TEXT PRIMARY KEY,
      name        TEXT NOT NULL,
      status      TEXT NOT NULL CHECK (status IN ('running', 'success', 'failed', 'skipped', 'abandoned', 'cancelled')),
      trigger     TEXT NOT NULL CHECK (trigger IN ('schedule', 'manual', 'catch-up', 'queue')),
      started_at  INTEGER NOT NULL,
      ended_at    INTEGER,
      duration_ms INTEGER,
      details     TEXT,
      error       TEXT,
      owner       TEXT,
      job_id      TEXT,
      trace_id    TEXT,
      CHECK ((status = 'running') = (ended_at IS NULL))
    );
    -- GET /api/jobs/runs (newest first: the primary key, id DESC) and its name filter; lastRun per job.
    CREATE INDEX job_runs_by_name_newest_first ON job_runs (name, id);
    -- Closing runs left 'running' by a dead process, and the overlap check.
    CREATE INDEX job_runs_still_running ON job_runs (name) WHERE status = 'running';

    -- One row: which scheduler instance may schedule on this database, until when.
    CREATE TABLE scheduler_lease (
      id          INTEGER PRIMARY KEY CHECK (id = 1),
      owner       TEXT NOT NULL,
      pid         INTEGER NOT NULL,
      hostname    TEXT NOT NULL,
      acquired_at INTEGER NOT NULL,
      expires_at  INTEGER NOT NULL
    );

    -- When each scheduled job was first seen, so a fresh install does not "catch up" on its first start.
    CREATE TABLE scheduled_jobs (
      name          TEXT PRIMARY KEY,
      first_seen_at INTEGER NOT NULL
    );

    CREATE TABLE preview_sessions (
      id         TEXT NOT NULL,
      token      TEXT NOT NULL UNIQUE,
      revoked    INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1)),
      expires_at INTEGER NOT NULL,
      created_at INTEGER NOT NULL
    );
    CREATE INDEX preview_sessions_expired ON preview_sessions (expires_at);
    CREATE INDEX preview_sessions_revoked ON preview_sessions (revoked) WHERE revoked = 1;

    CREATE TABLE i18n_cache (
      id          TEXT NOT NULL,
      prompt_hash TEXT NOT NULL UNIQUE,
      value       TEXT NOT NULL,
      expires_at  INTEGER NOT NULL,
      created_at  INTEGER NOT NULL
    );
    CREATE INDEX i18n_cache_expired ON i18n_cache (expires_at);
    CREATE INDEX i18n_cache_older_than ON i18n_cache (created_at);
  `,
};
