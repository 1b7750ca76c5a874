// The reads behind the scrape-time gauges on PostgreSQL, each in one consistent snapshot (a
// read-only REPEATABLE READ transaction: readers never block the queue's writers).
import { QUEUE_STATUSES } from '../../queue/types.ts';
import type { QueueDepth, ScheduledRunStats } from '../types.ts';
import type { Db } from './db.ts';
import { countByTypeAndStatus } from './jobs/read.ts';

/**
 * Due jobs are either ready (their index is ordered by type first, so the minimum run_at scans it:
 * scrape time only) or waiting to be made ready by the next tick (the first entry of the run_at index).
 */
const OLDEST_READY = `SELECT min(run_at) AS at FROM ns.queue_jobs WHERE status = 'pending' AND due`;
const OLDEST_WAITING_DUE = `SELECT min(run_at) AS at FROM ns.queue_jobs WHERE status = 'pending' AND NOT due AND run_at <= $1`;

/** Call inside a (read-only) transaction. */
export async function readQueueDepth(db: Db, now: number): Promise<QueueDepth> {
  const byStatus = Object.fromEntries(QUEUE_STATUSES.map((s) => [s, new Map<string, number>()])) as QueueDepth['byStatus'];
  for (const [type, counts] of await countByTypeAndStatus(db)) {
    // As GROUP BY returns them: a status with no rows of this type is absent; completed always present (as SQLite).
    for (const status of QUEUE_STATUSES) if (counts[status] > 0 || status === 'completed') byStatus[status].set(type, counts[status]);
  }
  const ready = (await db.row<{ at: number | null }>(OLDEST_READY))!.at;
  const waiting = (await db.row<{ at: number | null }>(OLDEST_WAITING_DUE, [now]))!.at;
  const due = [ready, waiting].filter((at): at is number => at !== null);
  return { byStatus, oldestDueRunAt: due.length ? Math.min(...due) : null };
}

// Queue attempts also have job_runs rows; theirs carry a job_id, scheduled runs do not.
const IN_PROGRESS = `SELECT name, count(*) AS n FROM ns.job_runs WHERE status = 'running' AND job_id IS NULL GROUP BY name`;
// Per job, its runs newest first, stopping at the first success.
const LAST_SUCCESS = `
  SELECT n.name, r.at FROM unnest($1::text[]) AS n(name)
  CROSS JOIN LATERAL (SELECT ended_at AS at FROM ns.job_runs WHERE name = n.name AND status = 'success' ORDER BY id DESC LIMIT 1) AS r`;

/** Call inside a (read-only) transaction. */
export async function readScheduledRunStats(db: Db, jobNames: readonly string[]): Promise<ScheduledRunStats> {
  const inProgress = new Map((await db.rows<{ name: string; n: number }>(IN_PROGRESS)).map((r) => [r.name, r.n] as const));
  const lastSuccessAt = new Map<string, number>();
  if (jobNames.length > 0) {
    for (const row of await db.rows<{ name: string; at: number | null }>(LAST_SUCCESS, [jobNames])) if (row.at !== null) lastSuccessAt.set(row.name, row.at);
  }
  return { inProgress, lastSuccessAt };
}
