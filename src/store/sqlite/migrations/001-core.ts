// Nightshift's schema on SQLite, version 1: the run ledger, the scheduler's lease, first-seen
// times of scheduled jobs and the durable queue, each table prefixed nightshift_ so it cannot clash
// with an app's own tables. Times are integer milliseconds since the epoch (UTC); JSON columns hold
// JSON text. Each index is named after the query it serves; every index costs page writes on each
// enqueue or state change, so there is none without a query that needs it.
//
// A Nightshift 0.1 database (unprefixed tables, versioned with PRAGMA user_version) is adopted in
// place: its tables are renamed, so nothing is lost (see adoptLegacyTables).
import type { Db } from '../open.ts';
import type { Migration } from '../migration.ts';

const SCHEMA = `
    -- id: a UUIDv7 made from started_at (src/core/ids.ts), so id order is start order and
    -- "newest first" is id DESC on the primary key: no separate started_at index to write per run
    -- (the queue writes a row for every attempt, thousands a second).
    CREATE TABLE IF NOT EXISTS nightshift_job_runs (
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
    CREATE INDEX IF NOT EXISTS nightshift_job_runs_by_name_newest_first ON nightshift_job_runs (name, id);
    -- Closing runs left 'running' by a dead process, and the overlap check.
    CREATE INDEX IF NOT EXISTS nightshift_job_runs_still_running ON nightshift_job_runs (name) WHERE status = 'running';

    -- One row: which scheduler instance may schedule on this database, until when.
    CREATE TABLE IF NOT EXISTS nightshift_scheduler_lease (
      id          INTEGER PRIMARY KEY CHECK (id = 1),
      owner       TEXT NOT NULL,
      pid         INTEGER NOT NULL,
      hostname    TEXT NOT NULL,
      acquired_at INTEGER NOT NULL,
      expires_at  INTEGER NOT NULL
    );

    -- When each scheduled job was first seen, so a fresh install does not "catch up" on its first start.
    CREATE TABLE IF NOT EXISTS nightshift_scheduled_jobs (
      name          TEXT PRIMARY KEY,
      first_seen_at INTEGER NOT NULL
    );

    -- WITHOUT ROWID: the table is stored in primary-key order, and ids are UUIDv7 (time-ordered, see
    -- src/core/ids.ts), so rows are appended in creation order and "newest first" is simply id DESC.
    -- No separate primary-key index to maintain on every enqueue; each secondary index ends with the id.
    CREATE TABLE IF NOT EXISTS nightshift_queue_jobs (
      id               TEXT PRIMARY KEY NOT NULL,
      type             TEXT NOT NULL,
      status           TEXT NOT NULL CHECK (status IN ('pending', 'processing', 'completed', 'failed', 'cancelled')),
      payload          TEXT,
      tenant_id        TEXT,
      actor_id         TEXT,
      trace_id         TEXT NOT NULL,
      request_id       TEXT,
      priority         INTEGER NOT NULL DEFAULT 0,
      run_at           INTEGER NOT NULL,
      attempts         INTEGER NOT NULL DEFAULT 0,
      max_attempts     INTEGER NOT NULL CHECK (max_attempts >= 1),
      -- The current claim: only the holder of lease_token may complete, fail or renew the job.
      lease_token      TEXT,
      lease_expires_at INTEGER,
      lease_owner      TEXT,
      -- The nightshift_job_runs row of the current (or last) attempt, so any process can close it on recovery.
      run_id           TEXT,
      cancel_requested INTEGER NOT NULL DEFAULT 0 CHECK (cancel_requested IN (0, 1)),
      processed_items  INTEGER NOT NULL DEFAULT 0,
      total_items      INTEGER,
      result           TEXT,
      error_log        TEXT NOT NULL DEFAULT '[]',
      last_error       TEXT,
      idempotency_key  TEXT,
      created_by       TEXT,
      created_at       INTEGER NOT NULL,
      started_at       INTEGER,
      completed_at     INTEGER,
      updated_at       INTEGER NOT NULL,
      CHECK ((status = 'processing') = (lease_token IS NOT NULL))
    ) WITHOUT ROWID;
    -- Claim: the next ready jobs in priority order, oldest first (run_at <= now is checked while scanning).
    CREATE INDEX IF NOT EXISTS nightshift_queue_jobs_ready ON nightshift_queue_jobs (priority DESC, run_at) WHERE status = 'pending';
    -- Recovery of expired leases, and per-type concurrency counts (processing rows are few: at most
    -- what the runners' threads hold, so counting by scanning them beats another index to maintain).
    CREATE INDEX IF NOT EXISTS nightshift_queue_jobs_expired_leases ON nightshift_queue_jobs (lease_expires_at) WHERE status = 'processing';
    -- A repeated enqueue with the same key returns the existing job (NULL keys never collide).
    CREATE UNIQUE INDEX IF NOT EXISTS nightshift_queue_jobs_by_idempotency_key ON nightshift_queue_jobs (idempotency_key) WHERE idempotency_key IS NOT NULL;
    -- GET /api/v1/jobs?type= and ?status=, newest first (each index ends with the id: that is the order).
    -- No index on status for the common path pending -> processing -> completed: it would be rewritten
    -- twice per job. pending and processing are served by the two partial indexes above, completed by
    -- the primary key (most rows are completed, and the newest are found first); the rare statuses
    -- get small partial indexes.
    CREATE INDEX IF NOT EXISTS nightshift_queue_jobs_by_type_newest_first ON nightshift_queue_jobs (type);
    CREATE INDEX IF NOT EXISTS nightshift_queue_jobs_failed_newest_first ON nightshift_queue_jobs (status) WHERE status = 'failed';
    CREATE INDEX IF NOT EXISTS nightshift_queue_jobs_cancelled_newest_first ON nightshift_queue_jobs (status) WHERE status = 'cancelled';
    -- Retention needs no index of its own: finished jobs older than the cutoff were created before it,
    -- so they sit at the start of the primary key (ids are time-ordered).

    -- Retention also deletes old nightshift_job_runs rows by age; queue runs are found by job id.
    CREATE INDEX IF NOT EXISTS nightshift_job_runs_by_job_id ON nightshift_job_runs (job_id) WHERE job_id IS NOT NULL;
`;

/** Columns that identify Nightshift 0.1's own tables (an app's own job_runs is never adopted). */
const LEGACY_TABLES: Record<string, string[]> = {
  job_runs: ['id', 'name', 'status', 'trigger', 'started_at', 'ended_at', 'duration_ms', 'details', 'error', 'owner', 'job_id', 'trace_id'],
  scheduler_lease: ['id', 'owner', 'pid', 'hostname', 'acquired_at', 'expires_at'],
  scheduled_jobs: ['name', 'first_seen_at'],
  queue_jobs: ['id', 'type', 'status', 'payload', 'trace_id', 'lease_token', 'run_id', 'error_log', 'idempotency_key'],
};
/** 0.1's index names; they move with their tables and are replaced by prefixed ones. */
const LEGACY_INDEXES = [
  'job_runs_by_name_newest_first', 'job_runs_still_running', 'job_runs_by_job_id', 'queue_jobs_ready',
  'queue_jobs_expired_leases', 'queue_jobs_by_idempotency_key', 'queue_jobs_by_type_newest_first',
  'queue_jobs_failed_newest_first', 'queue_jobs_cancelled_newest_first',
];

function columnsOf(db: Db, table: string): string[] {
  return (db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[]).map((c) => c.name);
}

/** True when `table` exists with at least the columns Nightshift 0.1 gave it. */
function isLegacy(db: Db, table: string): boolean {
  const columns = new Set(columnsOf(db, table));
  return LEGACY_TABLES[table]!.every((c) => columns.has(c));
}

/**
 * Renames a 0.1 database's tables to their prefixed names. Only when its job_runs and
 * scheduler_lease both carry 0.1's columns: that pair is Nightshift's fingerprint, so an app that
 * happens to own a `job_runs` table keeps it untouched. Returns the tables adopted.
 */
export function adoptLegacyTables(db: Db): string[] {
  if (!isLegacy(db, 'job_runs') || !isLegacy(db, 'scheduler_lease')) return [];
  const adopted = Object.keys(LEGACY_TABLES).filter((t) => isLegacy(db, t) && columnsOf(db, `nightshift_${t}`).length === 0);
  for (const table of adopted) db.exec(`ALTER TABLE ${table} RENAME TO nightshift_${table}`);
  for (const index of LEGACY_INDEXES) db.exec(`DROP INDEX IF EXISTS ${index}`);
  return adopted;
}

export const coreMigration: Migration = {
  version: 1,
  name: 'core: run ledger, scheduler lease, scheduled jobs, queue',
  up(db) {
    adoptLegacyTables(db);
    db.exec(SCHEMA);
  },
};
