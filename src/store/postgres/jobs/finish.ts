// Ending an attempt. Every UPDATE here is guarded by `id = ... AND lease_token = ...`: only the
// holder of the current lease can complete or fail a job, so a runner whose lease expired (and
// whose job another runner re-claimed) cannot overwrite the newer attempt.
import type { AttemptEnd } from '../../claims.ts';
import { appendErrorLog, type JobRow } from '../../job-rows.ts';
import type { ProgressWrite, RunRef } from '../../types.ts';
import type { Db } from '../db.ts';

export interface Completion {
  id: string;
  token: string;
  /** The handler's return value as JSON text, or null. */
  result: string | null;
  processed: number | null;
  total: number | null;
  /** The attempt's run row: opened already (closed as success here), or not yet (written finished here). */
  run: RunRef & { open: boolean };
}

// One statement for a batch of completions and their run rows (a round trip each would be three):
//   done:   the jobs whose lease is still held become completed (last_error cleared: the error log
//           keeps every failure);
//   opened: their run rows opened while they ran are closed as success;
//   fresh:  attempts that ended before their row was opened get it, already finished.
// The data-modifying parts all run, whatever the final SELECT reads.
export const COMPLETE = `
  WITH c AS (
    SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::text[], $8::boolean[], $9::text[], $10::text[], $11::bigint[])
      AS c(id, token, result, processed, total, run_id, run_open, type, trace_id, started_at)
  ), done AS (
    UPDATE ns.queue_jobs AS j
    SET status = 'completed', result = c.result, completed_at = $1, updated_at = $1, last_error = NULL,
        processed_items = coalesce(c.processed, j.processed_items), total_items = coalesce(c.total, j.total_items),
        lease_token = NULL, lease_expires_at = NULL, lease_owner = NULL
    FROM c
    WHERE j.id = c.id AND j.lease_token = c.token
    RETURNING j.id
  ), opened AS (
    UPDATE ns.job_runs AS r SET status = 'success', ended_at = $1, duration_ms = greatest(0, $1 - r.started_at), details = c.result
    FROM done JOIN c ON c.id = done.id
    WHERE c.run_open AND r.id = c.run_id AND r.status = 'running'
  ), fresh AS (
    INSERT INTO ns.job_runs (id, name, status, trigger, started_at, ended_at, duration_ms, details, error, owner, job_id, trace_id)
    SELECT c.run_id, c.type, 'success', 'queue', least(c.started_at, $1), $1, greatest(0, $1 - least(c.started_at, $1)), c.result, NULL, $12, c.id, c.trace_id
    FROM done JOIN c ON c.id = done.id
    WHERE NOT c.run_open
    ON CONFLICT (id) DO NOTHING
  )
  SELECT id FROM done`;

/** Completes a batch and writes their run rows, in one statement; returns the ids whose lease was still held. */
export async function completeJobs(db: Db, items: readonly Completion[], now: number, owner: string): Promise<Set<string>> {
  if (items.length === 0) return new Set();
  const rows = await db.rows<{ id: string }>(COMPLETE, [
    now,
    items.map((c) => c.id),
    items.map((c) => c.token),
    items.map((c) => c.result),
    items.map((c) => c.processed),
    items.map((c) => c.total),
    items.map((c) => c.run.runId),
    items.map((c) => c.run.open),
    items.map((c) => c.run.type),
    items.map((c) => c.run.traceId),
    items.map((c) => c.run.startedAt),
    owner,
  ]);
  return new Set(rows.map((r) => r.id));
}

// Locks the row, so the error log appended to is the current one and the write below cannot lose
// a race with recovery in another process.
const HELD = `SELECT run_id, error_log FROM ns.queue_jobs WHERE id = $1 AND lease_token = $2 FOR UPDATE`;

const END = `
  UPDATE ns.queue_jobs
  SET status = $3::text, run_at = coalesce($4::bigint, run_at), attempts = attempts - $5::integer,
      -- Back to pending: ready at once when due now, else waiting for its run_at (claim.ts).
      due = coalesce($4::bigint, run_at) <= $8::bigint,
      completed_at = CASE WHEN $3::text = 'pending' THEN NULL ELSE $8::bigint END,
      error_log = coalesce($6::text, error_log), last_error = coalesce($7::text, last_error), updated_at = $8::bigint,
      cancel_requested = CASE WHEN $3::text = 'pending' THEN 0 ELSE cancel_requested END,
      -- Progress belongs to an attempt: a job going back to pending shows none until the next one reports.
      processed_items = CASE WHEN $3::text = 'pending' THEN 0 ELSE processed_items END,
      total_items = CASE WHEN $3::text = 'pending' THEN NULL ELSE total_items END,
      lease_token = NULL, lease_expires_at = NULL, lease_owner = NULL
  WHERE id = $1 AND lease_token = $2`;

/**
 * Ends one attempt (failures are rare, so one row at a time). Call inside a transaction. Returns
 * its run id, or undefined if the lease is gone (nothing written).
 */
export async function endAttempt(db: Db, end: AttemptEnd): Promise<string | undefined> {
  const row = await db.row<Pick<JobRow, 'run_id' | 'error_log'>>(HELD, [end.id, end.token]);
  if (!row) return undefined;
  const errorLog = end.error
    ? appendErrorLog(row.error_log, { at: new Date(end.now).toISOString(), attempt: end.error.attempt, message: end.error.message })
    : null;
  await db.run(END, [end.id, end.token, end.status, end.runAt ?? null, end.uncount ? 1 : 0, errorLog, end.error?.message ?? null, end.now]);
  return row.run_id ?? undefined;
}

const PROGRESS = `
  UPDATE ns.queue_jobs AS j SET processed_items = p.processed, total_items = coalesce(p.total, j.total_items), updated_at = $1
  FROM unnest($2::text[], $3::text[], $4::bigint[], $5::bigint[]) AS p(id, token, processed, total)
  WHERE j.id = p.id AND j.lease_token = p.token`;

export async function writeProgress(db: Db, items: readonly ProgressWrite[], now: number): Promise<void> {
  if (items.length === 0) return;
  await db.run(PROGRESS, [now, items.map((p) => p.id), items.map((p) => p.token), items.map((p) => p.processed), items.map((p) => p.total)]);
}
