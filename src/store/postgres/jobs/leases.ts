// Leases: renewal by the holder, and recovery of jobs whose holder stopped.
//
// At-least-once delivery: a claimed job holds a lease (token + expiry) that its runner renews while
// the handler runs. If the runner dies (kill -9, a lost container) or freezes for longer than the
// lease, the lease expires and recovery, by any instance, puts the job back to pending (or failed
// once its attempts are used up; or cancelled, if a cancel was asked for meanwhile) and closes its
// run row as 'abandoned'. A job is never lost and never stays 'processing' forever, but a handler
// can run more than once, so handlers must be idempotent. While a lease is valid no other runner
// can claim the job, and only the token holder can complete it.
import type { JobRow } from '../../job-rows.ts';
import type { Recovered } from '../../types.ts';
import { recoveryOf } from '../../recovery.ts';
import type { Db } from '../db.ts';
import { endRun } from '../runs/queue-runs.ts';
import { endAttempt } from './finish.ts';

export interface Held {
  id: string;
  token: string;
}

const RENEW = `
  UPDATE ns.queue_jobs AS j SET lease_expires_at = $1
  FROM unnest($2::text[], $3::text[]) AS h(id, token)
  WHERE j.id = h.id AND j.lease_token = h.token
  RETURNING j.id, j.cancel_requested`;

/** Extends the leases still held; returns which are held and which have a cancel request. */
export async function renewLeases(db: Db, held: readonly Held[], now: number, leaseMs: number): Promise<{ held: Set<string>; cancel: Set<string> }> {
  const rows = held.length
    ? await db.rows<{ id: string; cancel_requested: number }>(RENEW, [now + leaseMs, held.map((h) => h.id), held.map((h) => h.token)])
    : [];
  return { held: new Set(rows.map((r) => r.id)), cancel: new Set(rows.filter((r) => r.cancel_requested).map((r) => r.id)) };
}

/** Of the given jobs, those an admin asked to cancel (polled often; primary-key lookups). */
export async function cancelRequested(db: Db, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db.rows<{ id: string }>(`SELECT id FROM ns.queue_jobs WHERE id = ANY($1::text[]) AND cancel_requested = 1`, [ids]);
  return rows.map((r) => r.id);
}

type Stale = Pick<
  JobRow,
  'id' | 'type' | 'trace_id' | 'lease_token' | 'run_id' | 'attempts' | 'max_attempts' | 'cancel_requested' | 'lease_owner' | 'lease_expires_at' | 'started_at'
>;

// SKIP LOCKED: a job another transaction is writing (its runner completing it, another instance
// recovering it) is left to that transaction; if it still needs recovery, the next upkeep finds it.
const STALE = `
  SELECT id, type, trace_id, lease_token, run_id, attempts, max_attempts, cancel_requested, lease_owner, lease_expires_at, started_at
  FROM ns.queue_jobs
  WHERE status = 'processing' AND (lease_expires_at < $1 OR lease_owner = ANY($2::text[]))
  ORDER BY id
  FOR UPDATE SKIP LOCKED`;

/**
 * Recovers processing jobs whose lease expired, or whose owner `isGone` says is dead (a process on
 * this host that no longer exists: no need to wait for the lease). Call inside a transaction.
 */
export async function recoverStale(db: Db, now: number, isGone: (owner: string | null) => boolean): Promise<Recovered[]> {
  const owners = await db.rows<{ lease_owner: string | null }>(`SELECT DISTINCT lease_owner FROM ns.queue_jobs WHERE status = 'processing'`);
  const gone = owners.map((o) => o.lease_owner).filter((o) => isGone(o));
  const stale = await db.rows<Stale>(STALE, [now, gone]);
  const recovered: Recovered[] = [];
  for (const job of stale) {
    const { reason, status, message } = recoveryOf(job, now);
    const runId = await endAttempt(db, {
      id: job.id,
      token: job.lease_token!,
      status,
      runAt: status === 'pending' ? now : undefined,
      error: { attempt: job.attempts, message },
      now,
    });
    // The run row may not exist yet (short attempts get theirs at the end): endRun writes it then.
    if (runId) {
      const run = { runId, type: job.type, jobId: job.id, traceId: job.trace_id, startedAt: job.started_at ?? now };
      await endRun(db, { ...run, status: 'abandoned', details: null, error: message }, job.lease_owner, now);
    }
    recovered.push({ id: job.id, type: job.type, traceId: job.trace_id, status, reason, owner: job.lease_owner });
  }
  return recovered;
}
