// Retention deletes for the pruneHistory job. deleteInBatches (src/jobs/batches.ts) passes the
// batch size as the last parameter of each statement.
import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/open.ts';
import { uuidv7Prefix } from '../ids.ts';

export interface RetentionStatements {
  /** Parameters: [cutoffIdPrefix, cutoffMs] (see finishedJobsParams). */
  finishedJobs: Statement;
  /** Parameters: [cutoffMs]. */
  oldRuns: Statement;
}

export function retentionStatements(db: Db): RetentionStatements {
  return {
    // A job finished before the cutoff was created before it, so its (time-ordered) id sorts below
    // the cutoff's id prefix: the primary key range is the index. completed_at is set for every
    // finished status (failed and cancelled too); unfinished jobs are never deleted.
    finishedJobs: db.prepare(
      `DELETE FROM queue_jobs WHERE id IN (
         SELECT id FROM queue_jobs
         WHERE id < ? AND status IN ('completed', 'failed', 'cancelled') AND completed_at < ? LIMIT ?)`,
    ),
    // A run still 'running' is left alone, however old: recovery closes it, not retention.
    oldRuns: db.prepare(
      `DELETE FROM job_runs WHERE rowid IN (
         SELECT rowid FROM job_runs WHERE started_at < ? AND status != 'running' LIMIT ?)`,
    ),
  };
}

export function finishedJobsParams(cutoffMs: number): [string, number] {
  return [uuidv7Prefix(cutoffMs), cutoffMs];
}
