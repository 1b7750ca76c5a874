import type { Migration } from '../migrate.ts';

// The durable queue (src/queue/) and the small `requests` table its example job reads.
// Times are integer ms since the epoch; JSON columns hold JSON text. Each index is named after the
// query it serves; the partial indexes stay small because most rows are finished. Every index costs
// page writes on each enqueue or state change, so there is none without a query that needs it.
export const queueMigration: Migration = {
  version: 2,
  name: 'queue: queue_jobs, requests',
  sql: `
    -- WITHOUT ROWID: the table is stored in primary-key order, and ids are UUIDv7 (time-ordered, see
    -- src/queue/ids.ts), so rows are appended in creation order and "newest first" is simply id DESC.
    -- No separate primary-key index to maintain on every enqueue; each secondary index ends with the id.
    CREATE TABLE queue_jobs (
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
      -- The job_runs row of the current (or last) attempt, so any process can close it on recovery.
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
    CREATE INDEX queue_jobs_ready ON queue_jobs (priority DESC, run_at) WHERE status = 'pending';
    -- Recovery of expired leases, and per-type concurrency counts (processing rows are few: at most
    -- what the runners' threads hold, so counting by scanning them beats another index to maintain).
    CREATE INDEX queue_jobs_expired_leases ON queue_jobs (lease_expires_at) WHERE status = 'processing';
    -- A repeated enqueue with the same key returns the existing job (NULL keys never collide).
    CREATE UNIQUE INDEX queue_jobs_by_idempotency_key ON queue_jobs (idempotency_key) WHERE idempotency_key IS NOT NULL;
    -- GET /api/v1/jobs?type= and ?status=, newest first (each index ends with the id: that is the order).
    -- No index on status for the common path pending -> processing -> completed: it would be rewritten
    -- twice per job. pending and processing are served by the two partial indexes above, completed by
    -- the primary key (most rows are completed, and the newest are found first); the rare statuses
    -- get small partial indexes.
    CREATE INDEX queue_jobs_by_type_newest_first ON queue_jobs (type);
    CREATE INDEX queue_jobs_failed_newest_first ON queue_jobs (status) WHERE status = 'failed';
    CREATE INDEX queue_jobs_cancelled_newest_first ON queue_jobs (status) WHERE status = 'cancelled';
    -- Retention needs no index of its own: finished jobs older than the cutoff were created before it,
    -- so they sit at the start of the primary key (ids are time-ordered).

    -- Retention also deletes old job_runs rows by age; queue runs are found by job id.
    CREATE INDEX job_runs_by_job_id ON job_runs (job_id) WHERE job_id IS NOT NULL;

    -- What requests.reminder reads (seed 004's domain job).
    CREATE TABLE requests (
      id         TEXT PRIMARY KEY,
      tenant_id  TEXT NOT NULL,
      title      TEXT NOT NULL,
      remind_at  INTEGER,
      created_at INTEGER NOT NULL
    );
  `,
};
