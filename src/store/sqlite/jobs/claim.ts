// Claiming: the runner picks ready jobs (pending and due, by priority) and takes a lease on each,
// for a whole batch in one IMMEDIATE transaction (the runner wraps it with the completions it writes).
// Three steps, each reading only the rows it acts on, whatever the backlog (issue 11):
//   1. promoteDue: waiting jobs whose run_at has come become ready (due = 1), oldest first;
//   2. readyCandidates: per type this runner runs and has room for, its next ready jobs in claim
//      order, merged across types (each type's read stops after `limit` rows);
//   3. claimJobs: one UPDATE ... FROM json_each for the ids the engine placed, guarded by status.
// The hot statements name their index (INDEXED BY): without ANALYZE statistics the planner may
// prefer another index and turn a claim into a scan of the pending set. test/store/plans.test.ts
// checks the plans.
import type { Db } from '../open.ts';
import type { Candidate, ClaimedRow } from '../../types.ts';
import { inClaimOrder, type Claim } from '../../claims.ts';
import { stmt } from '../statements.ts';

/** Most waiting jobs one tick makes ready; more are left for the next tick (see promoteDue). */
export const PROMOTE_BATCH = 500;

export const PROMOTE = `
  UPDATE nightshift_queue_jobs SET due = 1
  WHERE id IN (SELECT id FROM nightshift_queue_jobs INDEXED BY nightshift_queue_jobs_waiting_by_run_at
               WHERE status = 'pending' AND due = 0 AND run_at <= @now ORDER BY run_at LIMIT @limit)`;

/**
 * Makes up to `limit` waiting jobs whose run_at has passed ready. Returns how many; when that is
 * `limit`, more may be waiting and the runner ticks again at once. Bounded so a burst (200,000
 * jobs due at midnight) is promoted over several short ticks, not in one long write lock; within
 * a burst, the oldest run_at goes first.
 */
export function promoteDue(db: Db, now: number, limit = PROMOTE_BATCH): number {
  return stmt(db, PROMOTE).run({ now, limit }).changes;
}

export const READY_OF_TYPE = `
  SELECT id, type, priority, run_at FROM nightshift_queue_jobs INDEXED BY nightshift_queue_jobs_ready_by_type
  WHERE status = 'pending' AND due = 1 AND type = ?
  ORDER BY priority DESC, run_at, id
  LIMIT ?`;

interface Ready extends Candidate {
  priority: number;
  run_at: number;
}

/** Claim order: higher priority first, then the oldest run_at, then the oldest id. */
function claimOrder(a: Ready, b: Ready): number {
  return b.priority - a.priority || a.run_at - b.run_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * The next `limit` ready jobs of the given types, in claim order. `perType` caps what one type may
 * contribute (its concurrency room); a type absent from `types` is never read.
 */
export function readyCandidates(db: Db, limit: number, types: readonly string[], perType: ReadonlyMap<string, number> = new Map()): Candidate[] {
  if (limit <= 0) return [];
  const read = stmt(db, READY_OF_TYPE);
  const ready: Ready[] = [];
  for (const type of types) {
    const n = Math.min(limit, perType.get(type) ?? limit);
    if (n > 0) for (const row of read.all(type, n) as Ready[]) ready.push(row);
  }
  if (types.length > 1) ready.sort(claimOrder);
  return ready.slice(0, limit).map(({ id, type }) => ({ id, type }));
}

// Reads the processing rows only: at most what the runners' threads hold.
export const RUNNING_BY_TYPE = `
  SELECT type, count(*) AS n FROM nightshift_queue_jobs INDEXED BY nightshift_queue_jobs_expired_leases
  WHERE status = 'processing' AND type IN (SELECT value FROM json_each(?)) GROUP BY type`;

/** Running jobs per type, across every runner on this database (for per-type concurrency caps). */
export function runningByType(db: Db, types: readonly string[]): Map<string, number> {
  const rows = stmt(db, RUNNING_BY_TYPE).all(JSON.stringify(types)) as { type: string; n: number }[];
  return new Map(rows.map((r) => [r.type, r.n]));
}


export const CLAIM = `
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
  return inClaimOrder(claims, rows);
}
