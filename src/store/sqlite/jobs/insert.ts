// INSERT of jobs. Plain statements (no BEGIN of their own when the caller has a transaction open)
// so they join the caller's transaction, and are their own atomic unit otherwise.
// A job due at once is written ready (due = 1); one for later waits on the run_at index (claim.ts).
import type { Db } from '../open.ts';
import { IdempotencyKeyReusedError } from '../../../queue/errors.ts';
import { toQueueJob, type JobRow } from '../../job-rows.ts';
import type { InsertOutcome, NewJob } from '../../types.ts';
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
 * Inserts jobs in order in one transaction (the caller's, if open). Per job: inserted, or the job
 * that already holds its idempotency key (an existing job, or an earlier job of this batch: the
 * first with a key wins). A key held by a job of another type is a client bug, not a repeat: it
 * throws IdempotencyKeyReusedError and the whole batch rolls back.
 */
export function insertJobs(db: Db, jobs: readonly NewJob[]): InsertOutcome[] {
  const insert = stmt(db, INSERT);
  return inTransaction(db, () =>
    jobs.map((job): InsertOutcome => {
      if (insert.run(job).changes === 1) return { inserted: true };
      const existing = toQueueJob(jobByIdempotencyKey(db, job.idempotencyKey!)!);
      if (existing.type !== job.type) throw new IdempotencyKeyReusedError(job.idempotencyKey!, existing.id, existing.type);
      return { inserted: false, existing };
    }),
  );
}

export function jobByIdempotencyKey(db: Db, key: string): JobRow | undefined {
  return stmt(db, `SELECT * FROM nightshift_queue_jobs WHERE idempotency_key = ?`).get(key) as JobRow | undefined;
}
