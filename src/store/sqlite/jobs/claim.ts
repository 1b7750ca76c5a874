// Claiming: the runner picks ready jobs (pending, due, by priority) and takes a lease on each, for
// a whole batch in one IMMEDIATE transaction (the runner wraps it with the completions it writes).
// Two steps, so the runner can decide per job (per-type caps, which thread) before claiming:
//   1. readyCandidates: ids and types in claim order, skipping types already at their cap;
//   2. claimJobs: one UPDATE ... FROM json_each for the chosen ids, guarded by status = 'pending'.
// The hot statements name their index (INDEXED BY) or keep the planner off the status index with
// a unary +: without ANALYZE statistics SQLite prefers the (status, created_at) index of the admin
// listing, which turns every claim into a scan and sort of the whole pending set.
import type { Db } from '../open.ts';
import type { Candidate, ClaimedRow } from '../../types.ts';
import { stmt } from '../statements.ts';

const READY = `
  SELECT id, type FROM nightshift_queue_jobs INDEXED BY nightshift_queue_jobs_ready
  WHERE status = 'pending' AND run_at <= @now
    AND type NOT IN (SELECT value FROM json_each(@excluded))
  ORDER BY priority DESC, run_at, id
  LIMIT @limit`;

export function readyCandidates(db: Db, now: number, limit: number, excludedTypes: readonly string[] = []): Candidate[] {
  if (limit <= 0) return [];
  return stmt(db, READY).all({ now, limit, excluded: JSON.stringify(excludedTypes) }) as Candidate[];
}

/** Running jobs per type, across every runner on this database (for per-type concurrency caps). */
export function runningByType(db: Db, types: readonly string[]): Map<string, number> {
  const rows = stmt(
    db,
    `SELECT type, count(*) AS n FROM nightshift_queue_jobs INDEXED BY nightshift_queue_jobs_expired_leases WHERE status = 'processing' AND type IN (SELECT value FROM json_each(?)) GROUP BY type`,
  ).all(JSON.stringify(types)) as { type: string; n: number }[];
  return new Map(rows.map((r) => [r.type, r.n]));
}

export interface Claim {
  id: string;
  /** Fresh random lease token: the only key that can complete, fail or renew this attempt. */
  token: string;
  /** The nightshift_job_runs row this attempt will be recorded as. */
  runId: string;
}

const CLAIM = `
  UPDATE nightshift_queue_jobs
  SET status = 'processing', attempts = attempts + 1, lease_token = c.value ->> 1, run_id = c.value ->> 2,
      lease_owner = @owner, lease_expires_at = @expires, started_at = @now, updated_at = @now
  FROM json_each(@claims) AS c
  WHERE nightshift_queue_jobs.id = c.value ->> 0 AND +nightshift_queue_jobs.status = 'pending'
  RETURNING nightshift_queue_jobs.id, nightshift_queue_jobs.type, nightshift_queue_jobs.payload, nightshift_queue_jobs.tenant_id, nightshift_queue_jobs.actor_id,
            nightshift_queue_jobs.trace_id, nightshift_queue_jobs.request_id, nightshift_queue_jobs.attempts, nightshift_queue_jobs.max_attempts,
            nightshift_queue_jobs.lease_token, nightshift_queue_jobs.run_id`;

/** Claims the given jobs (those still pending); returns them in the order given. */
export function claimJobs(db: Db, claims: readonly Claim[], lease: { owner: string; now: number; leaseMs: number }): ClaimedRow[] {
  if (claims.length === 0) return [];
  const rows = stmt(db, CLAIM).all({
    claims: JSON.stringify(claims.map((c) => [c.id, c.token, c.runId])),
    owner: lease.owner,
    now: lease.now,
    expires: lease.now + lease.leaseMs,
  }) as ClaimedRow[];
  // RETURNING order is unspecified; dispatch must follow claim (priority) order.
  const byId = new Map(rows.map((r) => [r.id, r]));
  return claims.map((c) => byId.get(c.id)).filter((r): r is ClaimedRow => r !== undefined);
}
