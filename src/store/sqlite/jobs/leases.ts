// Leases: renewal by the holder, and recovery of jobs whose holder stopped.
//
// At-least-once delivery: a claimed job holds a lease (token + expiry) that its runner renews while
// the handler runs. If the runner dies (kill -9, power loss) or freezes for longer than the lease,
// the lease expires and recovery puts the job back to pending (or failed, once its attempts are
// used up; or cancelled, if a cancel was asked for meanwhile) and closes its open nightshift_job_runs row as
// 'abandoned'. The job then runs again: a job is never lost and never stays 'processing' forever,
// but a handler can run more than once, so handlers must be idempotent. While a lease is valid no
// other runner can claim the job, and only the token holder can complete it.
import type { Db } from '../open.ts';
import { endAttempt } from './finish.ts';
import type { JobRow } from '../../job-rows.ts';
import { endRun } from '../runs/queue-runs.ts';
import type { Recovered } from '../../types.ts';
import { recoveryOf } from '../../recovery.ts';
import { stmt } from '../statements.ts';

export interface Held {
  id: string;
  token: string;
}

const RENEW = `
  UPDATE nightshift_queue_jobs SET lease_expires_at = @expires
  FROM json_each(@held) AS h
  WHERE nightshift_queue_jobs.id = h.value ->> 0 AND nightshift_queue_jobs.lease_token = h.value ->> 1
  RETURNING nightshift_queue_jobs.id, nightshift_queue_jobs.cancel_requested`;

/** Extends the leases still held; returns which are held and which have a cancel request. */
export function renewLeases(db: Db, held: readonly Held[], now: number, leaseMs: number): { held: Set<string>; cancel: Set<string> } {
  const rows = held.length
    ? (stmt(db, RENEW).all({ held: JSON.stringify(held.map((h) => [h.id, h.token])), expires: now + leaseMs }) as {
        id: string;
        cancel_requested: number;
      }[])
    : [];
  return { held: new Set(rows.map((r) => r.id)), cancel: new Set(rows.filter((r) => r.cancel_requested).map((r) => r.id)) };
}

/** Of the given jobs, those an admin asked to cancel (polled often; cheap primary-key lookups). */
export function cancelRequested(db: Db, ids: readonly string[]): string[] {
  if (ids.length === 0) return [];
  const rows = stmt(db, `SELECT id FROM nightshift_queue_jobs WHERE id IN (SELECT value FROM json_each(?)) AND cancel_requested = 1`).all(
    JSON.stringify(ids),
  ) as { id: string }[];
  return rows.map((r) => r.id);
}

type Stale = Pick<
  JobRow,
  'id' | 'type' | 'trace_id' | 'lease_token' | 'run_id' | 'attempts' | 'max_attempts' | 'cancel_requested' | 'lease_owner' | 'lease_expires_at' | 'started_at'
>;

/**
 * Recovers processing jobs whose lease expired, or whose owner `isGone` says is dead (a process on
 * this host that no longer exists: no need to wait for the lease). Call inside a transaction.
 */
export function recoverStale(db: Db, now: number, isGone: (owner: string | null) => boolean): Recovered[] {
  const owners = stmt(db, `SELECT DISTINCT lease_owner FROM nightshift_queue_jobs INDEXED BY nightshift_queue_jobs_expired_leases WHERE status = 'processing'`).all() as { lease_owner: string | null }[];
  const gone = owners.map((o) => o.lease_owner).filter((o) => isGone(o));
  const stale = stmt(
    db,
    `SELECT id, type, trace_id, lease_token, run_id, attempts, max_attempts, cancel_requested, lease_owner, lease_expires_at, started_at
     FROM nightshift_queue_jobs INDEXED BY nightshift_queue_jobs_expired_leases
     WHERE status = 'processing' AND (lease_expires_at < @now OR lease_owner IN (SELECT value FROM json_each(@gone)))`,
  ).all({ now, gone: JSON.stringify(gone) }) as Stale[];
  const recovered: Recovered[] = [];
  for (const job of stale) {
    const { reason, status, message } = recoveryOf(job, now);
    const runId = endAttempt(db, {
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
      endRun(db, { ...run, status: 'abandoned', details: null, error: message }, job.lease_owner, now);
    }
    recovered.push({ id: job.id, type: job.type, traceId: job.trace_id, status, reason, owner: job.lease_owner });
  }
  return recovered;
}
