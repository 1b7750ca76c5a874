// The reads behind the scrape-time gauges on SQLite. Each uses the index that serves it: left to itself,
// SQLite counts pending jobs by type through the type index, looking up every row of the table
// (0.5 s at 1M rows), instead of walking the small partial index of pending jobs (65 ms for a
// 50k backlog). Queue counts by type are the queue's own read (countByTypeAndStatus, shared with
// the dashboard).
import type { Db } from './open.ts';
import { countByTypeAndStatus } from './jobs/read.ts';
import { stmt } from './statements.ts';
import { QUEUE_STATUSES } from '../../queue/types.ts';
import type { QueueDepth, ScheduledRunStats } from '../types.ts';

/**
 * Due jobs are either ready (their index is ordered by type and priority first, so this scans it:
 * covering, ~35 ns a row, at scrape time only) or waiting to be made ready by the next tick (the
 * first entry of the run_at index).
 */
const OLDEST_READY = `SELECT min(run_at) AS at FROM nightshift_queue_jobs INDEXED BY nightshift_queue_jobs_ready_by_type WHERE status = 'pending' AND due = 1`;
const OLDEST_WAITING_DUE = `SELECT min(run_at) AS at FROM nightshift_queue_jobs INDEXED BY nightshift_queue_jobs_waiting_by_run_at WHERE status = 'pending' AND due = 0 AND run_at <= ?`;


/** One consistent snapshot (a read transaction: WAL readers never block the queue's writers). */
export function readQueueDepth(db: Db, now: number): QueueDepth {
  return db.transaction((): QueueDepth => {
    const byStatus = Object.fromEntries(QUEUE_STATUSES.map((s) => [s, new Map<string, number>()])) as QueueDepth['byStatus'];
    for (const [type, counts] of countByTypeAndStatus(db)) {
      // As GROUP BY returns them: a status with no rows of this type is absent; completed (derived) is not.
      for (const status of QUEUE_STATUSES) if (counts[status] > 0 || status === 'completed') byStatus[status].set(type, counts[status]);
    }
    const ready = (stmt(db, OLDEST_READY).get() as { at: number | null }).at;
    const waiting = (stmt(db, OLDEST_WAITING_DUE).get(now) as { at: number | null }).at;
    const due = [ready, waiting].filter((at): at is number => at !== null);
    return { byStatus, oldestDueRunAt: due.length ? Math.min(...due) : null };
  })();
}


// Queue attempts also have nightshift_job_runs rows; theirs carry a job_id, scheduled runs do not.
const IN_PROGRESS = `SELECT name, count(*) AS n FROM nightshift_job_runs INDEXED BY nightshift_job_runs_still_running
                     WHERE status = 'running' AND job_id IS NULL GROUP BY name`;
// Walks the job's runs newest first and stops at the first success.
const LAST_SUCCESS = `SELECT ended_at AS at FROM nightshift_job_runs INDEXED BY nightshift_job_runs_by_name_newest_first
                      WHERE name = ? AND status = 'success' ORDER BY id DESC LIMIT 1`;

export function readScheduledRunStats(db: Db, jobNames: readonly string[]): ScheduledRunStats {
  return db.transaction((): ScheduledRunStats => {
    const inProgress = new Map((stmt(db, IN_PROGRESS).all() as { name: string; n: number }[]).map((r) => [r.name, r.n] as const));
    const lastSuccessAt = new Map<string, number>();
    for (const name of jobNames) {
      const row = stmt(db, LAST_SUCCESS).get(name) as { at: number | null } | undefined;
      if (row?.at != null) lastSuccessAt.set(name, row.at);
    }
    return { inProgress, lastSuccessAt };
  })();
}
