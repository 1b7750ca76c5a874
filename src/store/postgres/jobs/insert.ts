// INSERT of jobs. Each is one statement, so it is atomic on its own and, on a client the app lent
// us with its transaction open, commits or rolls back with the app's rows (no BEGIN of ours).
// A job due at once is written ready (due); one for later waits on the run_at index (claim.ts).
import type { JobRow } from '../../job-rows.ts';
import type { NewJob } from '../../types.ts';
import type { Db } from '../db.ts';

const COLUMNS = `id, type, status, payload, tenant_id, actor_id, trace_id, request_id, priority, run_at,
                 max_attempts, idempotency_key, created_by, created_at, updated_at, due`;
const ON_KEY_HELD = `ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING`;

const INSERT_ONE = `
  INSERT INTO ns.queue_jobs (${COLUMNS})
  VALUES ($1, $2, 'pending', $3, $4, $5, $6, $7, $8, $9::bigint, $10, $11, $12, $13::bigint, $13::bigint, $9::bigint <= $13::bigint)
  ${ON_KEY_HELD}
  RETURNING id`;

const valuesOf = (j: NewJob) => [
  j.id, j.type, j.payload, j.tenantId, j.actorId, j.traceId, j.requestId, j.priority, j.runAt, j.maxAttempts, j.idempotencyKey, j.createdBy, j.createdAt,
];

/** Returns false when a job with the same idempotency key already exists (nothing inserted). */
export async function insertJob(db: Db, job: NewJob): Promise<boolean> {
  return (await db.rows(INSERT_ONE, valuesOf(job))).length === 1;
}

// One statement for the whole batch: the jobs arrive as one array per column and are inserted in
// their order (ORDER BY ord), so within the batch the first job with a key wins and later ones
// conflict with it; a row the database refuses (a CHECK) fails the statement, so nothing is stored.
const INSERT_MANY = `
  INSERT INTO ns.queue_jobs (${COLUMNS})
  SELECT id, type, 'pending', payload, tenant_id, actor_id, trace_id, request_id, priority, run_at,
         max_attempts, idempotency_key, created_by, created_at, created_at, run_at <= created_at
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::integer[], $9::bigint[],
              $10::integer[], $11::text[], $12::text[], $13::bigint[])
       WITH ORDINALITY AS j(id, type, payload, tenant_id, actor_id, trace_id, request_id, priority, run_at,
                            max_attempts, idempotency_key, created_by, created_at, ord)
  ORDER BY ord
  ${ON_KEY_HELD}
  RETURNING id`;

/** Inserts jobs in order, all or nothing. Per job: true when inserted, false when its key was held. */
export async function insertJobs(db: Db, jobs: readonly NewJob[]): Promise<boolean[]> {
  if (jobs.length === 0) return [];
  const columns: unknown[][] = Array.from({ length: 13 }, () => []);
  for (const job of jobs) valuesOf(job).forEach((value, i) => columns[i]!.push(value));
  const inserted = new Set((await db.rows<{ id: string }>(INSERT_MANY, columns)).map((r) => r.id));
  return jobs.map((job) => inserted.has(job.id));
}

export async function jobsByIdempotencyKey(db: Db, keys: readonly string[]): Promise<Map<string, JobRow>> {
  const rows = await db.rows<JobRow>(`SELECT * FROM ns.queue_jobs WHERE idempotency_key = ANY($1::text[])`, [keys]);
  return new Map(rows.map((r) => [r.idempotency_key!, r]));
}
