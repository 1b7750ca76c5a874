// INSERT of one job. A plain statement (no BEGIN) so it joins the caller's transaction when there
// is one, and is its own atomic autocommit otherwise.
import type { Db } from '../open.ts';
import type { JobRow } from '../../job-rows.ts';
import type { NewJob } from '../../types.ts';
import { stmt } from '../statements.ts';

const INSERT = `
  INSERT INTO nightshift_queue_jobs (id, type, status, payload, tenant_id, actor_id, trace_id, request_id, priority, run_at,
                          max_attempts, idempotency_key, created_by, created_at, updated_at)
  VALUES (@id, @type, 'pending', @payload, @tenantId, @actorId, @traceId, @requestId, @priority, @runAt,
          @maxAttempts, @idempotencyKey, @createdBy, @createdAt, @createdAt)
  ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING`;

/** Returns false when a job with the same idempotency key already exists (nothing inserted). */
export function insertJob(db: Db, job: NewJob): boolean {
  return stmt(db, INSERT).run(job).changes === 1;
}

export function jobByIdempotencyKey(db: Db, key: string): JobRow | undefined {
  return stmt(db, `SELECT * FROM nightshift_queue_jobs WHERE idempotency_key = ?`).get(key) as JobRow | undefined;
}
