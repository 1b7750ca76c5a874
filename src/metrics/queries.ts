// The reads behind the scrape-time gauges. Each uses the index that serves it: left to itself,
// SQLite counts pending jobs by type through the type index, looking up every row of the table
// (0.5 s at 1M rows), instead of walking the small partial index of pending jobs (65 ms for a
// 50k backlog). Queue counts by type are the queue's own read (countByTypeAndStatus, shared with
// the dashboard). Measured costs: /work/briefs/readme-metrics.md.
import type { Db } from '../db/open.ts';
import { countByTypeAndStatus } from '../queue/store/read-jobs.ts';
import { stmt } from '../queue/store/statements.ts';
import { QUEUE_STATUSES, type QueueJobStatus } from '../queue/types.ts';

/** The pending index is ordered by priority first, so this scans it (covering, ~35 ns a row). */
const OLDEST_DUE = `SELECT min(run_at) AS at FROM queue_jobs INDEXED BY queue_jobs_ready WHERE status = 'pending' AND run_at <= ?`;

export interface QueueDepth {
  /** Jobs in the table, by status then type. */
  byStatus: Record<QueueJobStatus, Map<string, number>>;
  /** run_at (epoch ms) of the pending job that has been due the longest; null when none is due. */
  oldestDueRunAt: number | null;
}

/** One consistent snapshot (a read transaction: WAL readers never block the queue's writers). */
export function readQueueDepth(db: Db, now: number): QueueDepth {
  return db.transaction((): QueueDepth => {
    const byStatus = Object.fromEntries(QUEUE_STATUSES.map((s) => [s, new Map<string, number>()])) as QueueDepth['byStatus'];
    for (const [type, counts] of countByTypeAndStatus(db)) {
      // As GROUP BY returns them: a status with no rows of this type is absent; completed (derived) is not.
      for (const status of QUEUE_STATUSES) if (counts[status] > 0 || status === 'completed') byStatus[status].set(type, counts[status]);
    }
    const { at } = stmt(db, OLDEST_DUE).get(now) as { at: number | null };
    return { byStatus, oldestDueRunAt: at };
  })();
}

export interface SchedulerRuns {
  /** Scheduled-job runs open in the ledger right now, by job (in any process on this database). */
  inProgress: Map<string, number>;
  /** ended_at (epoch ms) of each job's newest successful run. */
  lastSuccessAt: Map<string, number>;
}

// Queue attempts also have job_runs rows; theirs carry a job_id, scheduled runs do not.
const IN_PROGRESS = `SELECT name, count(*) AS n FROM job_runs INDEXED BY job_runs_still_running
                     WHERE status = 'running' AND job_id IS NULL GROUP BY name`;
// Walks the job's runs newest first and stops at the first success.
const LAST_SUCCESS = `SELECT ended_at AS at FROM job_runs INDEXED BY job_runs_by_name_newest_first
                      WHERE name = ? AND status = 'success' ORDER BY id DESC LIMIT 1`;

export function readSchedulerRuns(db: Db, jobNames: readonly string[]): SchedulerRuns {
  return db.transaction((): SchedulerRuns => {
    const inProgress = new Map((stmt(db, IN_PROGRESS).all() as { name: string; n: number }[]).map((r) => [r.name, r.n] as const));
    const lastSuccessAt = new Map<string, number>();
    for (const name of jobNames) {
      const row = stmt(db, LAST_SUCCESS).get(name) as { at: number | null } | undefined;
      if (row?.at != null) lastSuccessAt.set(name, row.at);
    }
    return { inProgress, lastSuccessAt };
  })();
}
