// Retention deletes for the pruneHistory job; the last parameter of each is the batch size
// (see deleteInBatches in src/jobs/batches.ts).
import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/open.ts';

export function retentionStatements(db: Db): { finishedJobs: Statement; oldRuns: Statement } {
  return {
    // completed_at is set for every finished status (failed and cancelled too).
    finishedJobs: db.prepare(
      `DELETE FROM queue_jobs WHERE id IN (
         SELECT id FROM queue_jobs INDEXED BY queue_jobs_finished_at
         WHERE status IN ('completed', 'failed', 'cancelled') AND completed_at < ? LIMIT ?)`,
    ),
    // A run still 'running' is left alone, however old: recovery closes it, not retention.
    oldRuns: db.prepare(
      `DELETE FROM job_runs WHERE rowid IN (
         SELECT rowid FROM job_runs WHERE started_at < ? AND status != 'running' LIMIT ?)`,
    ),
  };
}
