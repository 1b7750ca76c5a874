// Nightshift's schema on PostgreSQL, version 1: the run ledger, the scheduler's lease, first-seen
// times of scheduled jobs and the durable queue, in their own schema (`nightshift` by default).
// The same tables and meaning as the SQLite store's migrations 001 and 002, written for PostgreSQL:
//   - times are epoch milliseconds in bigint columns (the seam's unit; no time-zone conversions);
//   - JSON (payload, result, error log, run details) is text: stored and returned byte for byte,
//     key order included (jsonb would reorder keys and drop duplicates);
//   - ids are UUIDv7 text (src/core/ids.ts) compared with COLLATE "C": byte order is time order
//     whatever the database's collation, so "newest first" is id DESC and retention is an id range.
// Each index is named after the query it serves; every index costs writes on each enqueue or
// state change, so there is none without a query that needs it.
import type { PgMigration } from '../migration.ts';

export const coreMigration: PgMigration = {
  version: 1,
  name: 'core: run ledger, scheduler lease, scheduled jobs, queue (ready by type, waiting by run_at)',
  sql: `
    CREATE TABLE ns.job_runs (
      id          text COLLATE "C" PRIMARY KEY,
      name        text NOT NULL,
      status      text NOT NULL CHECK (status IN ('running', 'success', 'failed', 'skipped', 'abandoned', 'cancelled')),
      trigger     text NOT NULL CHECK (trigger IN ('schedule', 'manual', 'catch-up', 'queue')),
      started_at  bigint NOT NULL,
      ended_at    bigint,
      duration_ms bigint,
      details     text,
      error       text,
      owner       text,
      job_id      text COLLATE "C",
      trace_id    text,
      CHECK ((status = 'running') = (ended_at IS NULL))
    );
    -- The runs list's name filter, newest first; a job's last run and last success.
    CREATE INDEX job_runs_by_name_newest_first ON ns.job_runs (name, id);
    -- The overlap check, closing runs left running by a dead process, the in-progress gauge.
    CREATE INDEX job_runs_still_running ON ns.job_runs (name) WHERE status = 'running';
    -- A job's attempts (the runs list's job filter).
    CREATE INDEX job_runs_by_job_id ON ns.job_runs (job_id) WHERE job_id IS NOT NULL;

    -- One row: which scheduler instance may schedule on this database, until when.
    CREATE TABLE ns.scheduler_lease (
      id          integer PRIMARY KEY CHECK (id = 1),
      owner       text NOT NULL,
      pid         integer NOT NULL,
      hostname    text NOT NULL,
      acquired_at bigint NOT NULL,
      expires_at  bigint NOT NULL
    );

    -- When each scheduled job was first seen, so a fresh install does not "catch up" on its first start.
    CREATE TABLE ns.scheduled_jobs (
      name          text PRIMARY KEY,
      first_seen_at bigint NOT NULL
    );

    CREATE TABLE ns.queue_jobs (
      id               text COLLATE "C" PRIMARY KEY,
      type             text NOT NULL,
      status           text NOT NULL CHECK (status IN ('pending', 'processing', 'completed', 'failed', 'cancelled')),
      -- Pending jobs are either ready (due) or waiting for run_at; the runner's tick moves them over.
      due              boolean NOT NULL DEFAULT false,
      payload          text,
      tenant_id        text,
      actor_id         text,
      trace_id         text NOT NULL,
      request_id       text,
      priority         integer NOT NULL DEFAULT 0,
      run_at           bigint NOT NULL,
      attempts         integer NOT NULL DEFAULT 0,
      max_attempts     integer NOT NULL CHECK (max_attempts >= 1),
      -- The current claim: only the holder of lease_token may complete, fail or renew the job.
      lease_token      text,
      lease_expires_at bigint,
      lease_owner      text,
      -- The job_runs row of the current (or last) attempt, so any process can close it on recovery.
      run_id           text COLLATE "C",
      cancel_requested smallint NOT NULL DEFAULT 0 CHECK (cancel_requested IN (0, 1)),
      processed_items  bigint NOT NULL DEFAULT 0,
      total_items      bigint,
      result           text,
      error_log        text NOT NULL DEFAULT '[]',
      last_error       text,
      idempotency_key  text,
      created_by       text,
      created_at       bigint NOT NULL,
      started_at       bigint,
      completed_at     bigint,
      updated_at       bigint NOT NULL,
      CHECK ((status = 'processing') = (lease_token IS NOT NULL))
    );
    -- Claim: a type's ready jobs in claim order (priority, then oldest run_at, then id); a claim
    -- reads exactly the rows it takes, per type the runner runs, whatever else is pending.
    CREATE INDEX queue_jobs_ready_by_type ON ns.queue_jobs (type, priority DESC, run_at, id) WHERE status = 'pending' AND due;
    -- Making due jobs ready: waiting jobs whose run_at has come, oldest first (and the oldest-due gauge).
    CREATE INDEX queue_jobs_waiting_by_run_at ON ns.queue_jobs (run_at) WHERE status = 'pending' AND NOT due;
    -- Recovery of expired leases, and per-type concurrency counts (processing rows are few: at most
    -- what the runners' threads hold).
    CREATE INDEX queue_jobs_expired_leases ON ns.queue_jobs (lease_expires_at) WHERE status = 'processing';
    -- A repeated enqueue with the same key returns the existing job (NULL keys never collide).
    CREATE UNIQUE INDEX queue_jobs_by_idempotency_key ON ns.queue_jobs (idempotency_key) WHERE idempotency_key IS NOT NULL;
    -- The jobs list by type, newest first. Completed jobs (most rows) are listed on the primary key;
    -- the rare statuses get small partial indexes, pending and processing are served by those above.
    CREATE INDEX queue_jobs_by_type_newest_first ON ns.queue_jobs (type, id);
    CREATE INDEX queue_jobs_failed_newest_first ON ns.queue_jobs (id) WHERE status = 'failed';
    CREATE INDEX queue_jobs_cancelled_newest_first ON ns.queue_jobs (id) WHERE status = 'cancelled';
    -- Retention needs no index of its own: finished jobs older than the cutoff were created before
    -- it, so they sit at the start of the primary key (ids are time-ordered).

    -- Every row of the queue changes state two or three times: vacuum it after 2% dead rows, not 20%,
    -- so the partial indexes the claim reads stay small.
    ALTER TABLE ns.queue_jobs SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02);
  `,
};
