// Cancel and manual retry: state changes an admin asks for, each guarded by the status it expects so
// a concurrent claim or completion in another process cannot be overwritten.
import type { Db } from '../open.ts';
import type { CancelOutcome, RetryOutcome } from '../../../queue/types.ts';
import { inTransaction, stmt } from '../statements.ts';

const CANCEL_PENDING = `
  UPDATE nightshift_queue_jobs SET status = 'cancelled', completed_at = @now, updated_at = @now, last_error = 'Cancelled'
  WHERE id = @id AND status = 'pending'`;
// A running job is only flagged: its runner aborts the handler (and after a grace period terminates
// the thread) and records 'cancelled'. If that runner is gone, lease recovery records it instead.
const FLAG_PROCESSING = `
  UPDATE nightshift_queue_jobs SET cancel_requested = 1, updated_at = @now
  WHERE id = @id AND status = 'processing'`;
const RETRY = `
  UPDATE nightshift_queue_jobs SET status = 'pending', due = 1, attempts = 0, run_at = @now, cancel_requested = 0, started_at = NULL,
                        completed_at = NULL, result = NULL, processed_items = 0, total_items = NULL, updated_at = @now
  WHERE id = @id AND status IN ('failed', 'cancelled')`;
const EXISTS = `SELECT 1 FROM nightshift_queue_jobs WHERE id = ?`;

export function cancelJob(db: Db, id: string, now = Date.now()): CancelOutcome {
  return inTransaction(db, () => {
    if (stmt(db, CANCEL_PENDING).run({ id, now }).changes === 1) return 'cancelled';
    if (stmt(db, FLAG_PROCESSING).run({ id, now }).changes === 1) return 'cancelling';
    return stmt(db, EXISTS).get(id) ? 'finished' : 'not_found';
  });
}

/** Failed or cancelled -> pending again, with a fresh set of attempts; the error log is kept. */
export function retryJob(db: Db, id: string, now = Date.now()): RetryOutcome {
  return inTransaction(db, () => {
    if (stmt(db, RETRY).run({ id, now }).changes === 1) return 'retried';
    return stmt(db, EXISTS).get(id) ? 'not_retryable' : 'not_found';
  });
}
