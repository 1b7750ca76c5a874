// Cancel and manual retry: state changes an admin asks for. Each locks the job's row first (FOR
// UPDATE), so the status it decides on cannot change under it: a runner's claim or completion in
// another process waits for it, or it waits for them.
import type { CancelOutcome, RetryOutcome } from '../../../queue/types.ts';
import type { QueueJobStatus } from '../../../queue/types.ts';
import type { Db } from '../db.ts';

const LOCK = `SELECT status FROM ns.queue_jobs WHERE id = $1 FOR UPDATE`;

const CANCEL_PENDING = `
  UPDATE ns.queue_jobs SET status = 'cancelled', completed_at = $2, updated_at = $2, last_error = 'Cancelled'
  WHERE id = $1`;
// A running job is only flagged: its runner aborts the handler (and after a grace period terminates
// the thread) and records 'cancelled'. If that runner is gone, lease recovery records it instead.
const FLAG_PROCESSING = `UPDATE ns.queue_jobs SET cancel_requested = 1, updated_at = $2 WHERE id = $1`;
const RETRY = `
  UPDATE ns.queue_jobs SET status = 'pending', due = true, attempts = 0, run_at = $2, cancel_requested = 0, started_at = NULL,
                           completed_at = NULL, result = NULL, processed_items = 0, total_items = NULL, updated_at = $2
  WHERE id = $1`;

/** Call inside a transaction. */
export async function cancelJob(db: Db, id: string, now: number): Promise<CancelOutcome> {
  const row = await db.row<{ status: QueueJobStatus }>(LOCK, [id]);
  if (!row) return 'not_found';
  if (row.status === 'pending') return (await db.run(CANCEL_PENDING, [id, now]), 'cancelled');
  if (row.status === 'processing') return (await db.run(FLAG_PROCESSING, [id, now]), 'cancelling');
  return 'finished';
}

/** Failed or cancelled -> pending again, with a fresh set of attempts; the error log is kept. Call inside a transaction. */
export async function retryJob(db: Db, id: string, now: number): Promise<RetryOutcome> {
  const row = await db.row<{ status: QueueJobStatus }>(LOCK, [id]);
  if (!row) return 'not_found';
  if (row.status !== 'failed' && row.status !== 'cancelled') return 'not_retryable';
  await db.run(RETRY, [id, now]);
  return 'retried';
}
