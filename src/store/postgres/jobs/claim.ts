// Claiming on PostgreSQL: the runner picks ready jobs (pending and due, by priority) and takes a
// lease on each, inside its tick's transaction. Three steps, each reading only the rows it acts on,
// whatever the backlog (the same design as the SQLite store, issue 11):
//   1. promoteDue: waiting jobs whose run_at has come become ready (due), oldest first, bounded;
//   2. readyCandidates: per type this runner runs and has room for, its next ready jobs in claim
//      order, one statement for all types (a LATERAL read per type), merged across types;
//   3. claimJobs: one UPDATE for the ids the engine placed.
// Several instances share the table: steps 1 and 2 lock what they read with FOR UPDATE SKIP
// LOCKED, so two ticks never wait on each other and never read the same candidate; a job another
// tick holds is simply not offered. test/store/postgres-plans.test.ts checks the plans.
import type { Candidate, ClaimedRow } from '../../types.ts';
import { inClaimOrder, type Claim } from '../../claims.ts';
import type { Db } from '../db.ts';

/** Most waiting jobs one tick makes ready; more are left for the next tick (see promoteDue). */
export const PROMOTE_BATCH = 500;

// = ANY(ARRAY(...)): the ids are gathered first (on the waiting index), then updated by primary
// key; with IN (...) the planner may join the two and, misjudging the row count, scan the table.
export const PROMOTE = `
  UPDATE ns.queue_jobs SET due = true
  WHERE id = ANY(ARRAY(SELECT id FROM ns.queue_jobs
                       WHERE status = 'pending' AND NOT due AND run_at <= $1
                       ORDER BY run_at LIMIT $2
                       FOR UPDATE SKIP LOCKED))`;

/**
 * Makes up to `limit` waiting jobs whose run_at has passed ready. Returns how many; when that is
 * `limit`, more may be waiting and the runner ticks again at once. Bounded so a burst (200,000
 * jobs due at midnight) is promoted over several short transactions.
 */
export function promoteDue(db: Db, now: number, limit = PROMOTE_BATCH): Promise<number> {
  return db.run(PROMOTE, [now, limit]);
}

export const READY_BY_TYPE = `
  SELECT j.id, j.type, j.priority, j.run_at
  FROM unnest($1::text[], $2::integer[]) AS t(type, n)
  CROSS JOIN LATERAL (
    SELECT id, type, priority, run_at FROM ns.queue_jobs
    WHERE status = 'pending' AND due AND type = t.type
    ORDER BY priority DESC, run_at, id
    LIMIT t.n
    FOR UPDATE SKIP LOCKED
  ) AS j`;

interface Ready extends Candidate {
  priority: number;
  run_at: number;
}

/** Claim order: higher priority first, then the oldest run_at, then the oldest id (byte order, as COLLATE "C"). */
function claimOrder(a: Ready, b: Ready): number {
  return b.priority - a.priority || a.run_at - b.run_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * The next `limit` ready jobs of the given types, in claim order, locked for this transaction.
 * `perType` caps what one type may contribute (its concurrency room); a type absent from `types`
 * is never read.
 */
export async function readyCandidates(db: Db, limit: number, types: readonly string[], perType: ReadonlyMap<string, number> = new Map()): Promise<Candidate[]> {
  if (limit <= 0) return [];
  const wanted = types.map((type) => [type, Math.min(limit, perType.get(type) ?? limit)] as const).filter(([, n]) => n > 0);
  if (wanted.length === 0) return [];
  const ready = await db.rows<Ready>(READY_BY_TYPE, [wanted.map(([type]) => type), wanted.map(([, n]) => n)]);
  if (wanted.length > 1) ready.sort(claimOrder);
  return ready.slice(0, limit).map(({ id, type }) => ({ id, type }));
}

/**
 * Running jobs per type, across every runner on this database (for per-type concurrency caps).
 * Takes an advisory lock per capped type first (in a fixed order: no deadlock between two ticks),
 * so two instances cannot both see the same room and together claim past the cap; the lock is
 * held to the end of the tick, and ticks of uncapped types never take it.
 */
export async function runningByType(db: Db, types: readonly string[]): Promise<Map<string, number>> {
  for (const type of [...types].sort()) await db.lock(`cap:${type}`);
  const rows = await db.rows<{ type: string; n: number }>(
    `SELECT type, count(*) AS n FROM ns.queue_jobs WHERE status = 'processing' AND type = ANY($1::text[]) GROUP BY type`,
    [types],
  );
  return new Map(rows.map((r) => [r.type, r.n]));
}


export const CLAIM = `
  UPDATE ns.queue_jobs AS j
  SET status = 'processing', attempts = j.attempts + 1, lease_token = c.token, run_id = c.run_id,
      lease_owner = $1, lease_expires_at = $2, started_at = $3, updated_at = $3
  FROM unnest($4::text[], $5::text[], $6::text[]) AS c(id, token, run_id)
  WHERE j.id = c.id AND j.status = 'pending'
  RETURNING j.id, j.type, j.payload, j.tenant_id, j.actor_id, j.trace_id, j.request_id, j.attempts, j.max_attempts, j.lease_token, j.run_id`;

/** Claims the given jobs (those still pending); returns them in the order given. */
export async function claimJobs(db: Db, claims: readonly Claim[], lease: { owner: string; now: number; leaseMs: number }): Promise<ClaimedRow[]> {
  if (claims.length === 0) return [];
  const rows = await db.rows<ClaimedRow>(CLAIM, [
    lease.owner,
    lease.now + lease.leaseMs,
    lease.now,
    claims.map((c) => c.id),
    claims.map((c) => c.token),
    claims.map((c) => c.runId),
  ]);
  return inClaimOrder(claims, rows);
}
