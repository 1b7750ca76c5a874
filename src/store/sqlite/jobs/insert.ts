// INSERT of jobs. Plain statements (no BEGIN of their own when the caller has a transaction open)
// so they join the caller's transaction, and are their own atomic unit otherwise.
// A job due at once is written ready (due = 1); one for later waits on the run_at index (claim.ts).
import type { Db } from '../open.ts';
import type { JobRow } from '../../job-rows.ts';
import type { NewJob } from '../../types.ts';
import { inTransaction, stmt } from '../statements.ts';

const INSERT = `
  INSERT INTO nightshift_queue_jobs (id, type, status, payload, tenant_id, actor_id, trace_id, request_id, priority, run_at,
                          max_attempts, idempotency_key, created_by, created_at, updated_at, due)
  VALUES (@id, @type, 'pending', @payload, @tenantId, @actorId, @traceId, @requestId, @priority, @runAt,
          @maxAttempts, @idempotencyKey, @createdBy, @createdAt, @createdAt, @runAt <= @createdAt)
  ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING`;

/** Returns false when a job with the same idempotency key already exists (nothing inserted). */
export function insertJob(db: Db, job: NewJob): boolean {
  return stmt(db, INSERT).run(job).changes === 1;
}

/**
 * Inserts jobs in order in one transaction (the caller's, if open). Returns, per job, true when it
 * was inserted, false when its idempotency key was already held (by an existing job or by an
 * earlier job of this batch: the first one with a key wins).
 */
export function insertJobs(db: Db, jobs: readonly NewJob[]): boolean[] {
  const insert = stmt(db, INSERT);
  return inTransaction(db, () => jobs.map((job) => insert.run(job).changes === 1));
}

export function jobByIdempotencyKey(db: Db, key: string): JobRow | undefined {
  return stmt(db, `SELECT * FROM nightshift_queue_jobs WHERE idempotency_key = ?`).get(key) as JobRow | undefined;
}
