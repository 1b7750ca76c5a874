// Ending an attempt. Every UPDATE here is guarded by `id = ? AND lease_token = ?`: only the holder
// of the current lease can complete or fail a job, so a runner whose lease expired (and whose job
// another runner re-claimed) cannot overwrite the newer attempt.
import type { Db } from '../open.ts';
import type { AttemptEnd } from '../../claims.ts';
import { appendErrorLog, type JobRow } from '../../job-rows.ts';
import type { ProgressWrite } from '../../types.ts';
import { stmt } from '../statements.ts';

export interface Completion {
  id: string;
  token: string;
  /** The handler's return value as JSON text, or null. */
  result: string | null;
  processed: number | null;
  total: number | null;
}

// A completed job has no current error: last_error is cleared (the error log keeps every failure).
const COMPLETE = `
  UPDATE nightshift_queue_jobs
  SET status = 'completed', result = c.value ->> 2, completed_at = @now, updated_at = @now, last_error = NULL,
      processed_items = coalesce(c.value ->> 3, processed_items), total_items = coalesce(c.value ->> 4, total_items),
      lease_token = NULL, lease_expires_at = NULL, lease_owner = NULL
  FROM json_each(@items) AS c
  WHERE nightshift_queue_jobs.id = c.value ->> 0 AND nightshift_queue_jobs.lease_token = c.value ->> 1
  RETURNING nightshift_queue_jobs.id, nightshift_queue_jobs.run_id`;

/** Completes a batch in one statement; returns the ones whose lease was still held. */
export function completeJobs(db: Db, items: readonly Completion[], now: number): { id: string; run_id: string }[] {
  if (items.length === 0) return [];
  const json = JSON.stringify(items.map((c) => [c.id, c.token, c.result, c.processed, c.total]));
  return stmt(db, COMPLETE).all({ items: json, now }) as { id: string; run_id: string }[];
}

const END = `
  UPDATE nightshift_queue_jobs
  SET status = @status, run_at = coalesce(@runAt, run_at), attempts = attempts - @uncount,
      -- Back to pending: ready at once when due now, else waiting for its run_at (claim.ts).
      due = coalesce(@runAt, run_at) <= @now,
      completed_at = CASE WHEN @status = 'pending' THEN NULL ELSE @now END,
      error_log = coalesce(@errorLog, error_log), last_error = coalesce(@lastError, last_error), updated_at = @now,
      cancel_requested = CASE WHEN @status = 'pending' THEN 0 ELSE cancel_requested END,
      -- Progress belongs to an attempt: a job going back to pending shows none until the next one reports.
      processed_items = CASE WHEN @status = 'pending' THEN 0 ELSE processed_items END,
      total_items = CASE WHEN @status = 'pending' THEN NULL ELSE total_items END,
      lease_token = NULL, lease_expires_at = NULL, lease_owner = NULL
  WHERE id = @id AND lease_token = @token`;

/** Ends one attempt (failures are rare, so one row at a time). Returns its run id, or undefined if the lease is gone. */
export function endAttempt(db: Db, end: AttemptEnd): string | undefined {
  const row = stmt(db, `SELECT run_id, error_log FROM nightshift_queue_jobs WHERE id = ? AND lease_token = ?`).get(end.id, end.token) as
    | Pick<JobRow, 'run_id' | 'error_log'>
    | undefined;
  if (!row) return undefined;
  const errorLog = end.error
    ? appendErrorLog(row.error_log, { at: new Date(end.now).toISOString(), attempt: end.error.attempt, message: end.error.message })
    : null;
  stmt(db, END).run({
    id: end.id,
    token: end.token,
    status: end.status,
    runAt: end.runAt ?? null,
    uncount: end.uncount ? 1 : 0,
    errorLog,
    lastError: end.error?.message ?? null,
    now: end.now,
  });
  return row.run_id ?? undefined;
}

const PROGRESS = `
  UPDATE nightshift_queue_jobs SET processed_items = p.value ->> 2, total_items = coalesce(p.value ->> 3, total_items), updated_at = @now
  FROM json_each(@items) AS p
  WHERE nightshift_queue_jobs.id = p.value ->> 0 AND nightshift_queue_jobs.lease_token = p.value ->> 1`;

export function writeProgress(db: Db, items: readonly ProgressWrite[], now: number): void {
  if (items.length === 0) return;
  stmt(db, PROGRESS).run({ items: JSON.stringify(items.map((p) => [p.id, p.token, p.processed, p.total])), now });
}
