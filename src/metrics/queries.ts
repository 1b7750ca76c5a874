// The reads behind the scrape-time gauges. Each names the index that serves it: left to itself,
// SQLite counts pending jobs by type through the type index, looking up every row of the table
// (0.5 s at 1M rows), instead of walking the small partial index of pending jobs (65 ms for a
// 50k backlog). Statuses are SQL literals because a partial index (WHERE status = 'failed') is
// only used when the query names the same value. Measured costs: /work/briefs/readme-metrics.md.
import type { Db } from '../db/open.ts';
import { stmt } from '../queue/store/statements.ts';
import { QUEUE_STATUSES, type QueueJobStatus } from '../queue/types.ts';

/** Per status, the index holding exactly the rows of that status ('completed' has none: derived). */
const BY_TYPE: Record<Exclude<QueueJobStatus, 'completed'>, string> = {
  pending: `SELECT type, count(*) AS n FROM queue_jobs INDEXED BY queue_jobs_ready WHERE status = 'pending' GROUP BY type`,
  processing: `SELECT type, count(*) AS n FROM queue_jobs INDEXED BY queue_jobs_expired_leases WHERE status = 'processing' GROUP BY type`,
  failed: `SELECT type, count(*) AS n FROM queue_jobs INDEXED BY queue_jobs_failed_newest_first WHERE status = 'failed' GROUP BY type`,
  cancelled: `SELECT type, count(*) AS n FROM queue_jobs INDEXED BY queue_jobs_cancelled_newest_first WHERE status = 'cancelled' GROUP BY type`,
};
/** Every job by type: a scan of the (type, id) index alone, no table lookups. */
const ALL_BY_TYPE = `SELECT type, count(*) AS n FROM queue_jobs INDEXED BY queue_jobs_by_type_newest_first GROUP BY type`;
/** The pending index is ordered by priority first, so this scans it (covering, ~35 ns a row). */
const OLDEST_DUE = `SELECT min(run_at) AS at FROM queue_jobs INDEXED BY queue_jobs_ready WHERE status = 'pending' AND run_at <= ?`;

export interface QueueDepth {
  /** Jobs in the table, by status then type. */
  byStatus: Record<QueueJobStatus, Map<string, number>>;
  /** run_at (epoch ms) of the pending job that has been due the longest; null when none is due. */
  oldestDueRunAt: number | null;
}

const countsByType = (db: Db, sql: string) =>
  new Map((stmt(db, sql).all() as { type: string; n: number }[]).map((r) => [r.type, r.n] as const));

/** One consistent snapshot (a read transaction: WAL readers never block the queue's writers). */
export function readQueueDepth(db: Db, now: number): QueueDepth {
  return db.transaction((): QueueDepth => {
    const byStatus = {} as QueueDepth['byStatus'];
    for (const status of QUEUE_STATUSES) if (status !== 'completed') byStatus[status] = countsByType(db, BY_TYPE[status]);
    // Completed rows have no index of their own (see migration 002): all rows minus the others.
    const completed = countsByType(db, ALL_BY_TYPE);
    for (const [type, total] of completed) {
      const others = (['pending', 'processing', 'failed', 'cancelled'] as const).reduce((sum, s) => sum + (byStatus[s].get(type) ?? 0), 0);
      completed.set(type, Math.max(0, total - others));
    }
    byStatus.completed = completed;
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
