// Retention deletes on PostgreSQL, one bounded batch per call (the caller paces the batches: see
// src/jobs/batches.ts), each batch its own short statement. Unfinished jobs and running runs are
// never touched.
import { uuidv7Prefix } from '../../core/ids.ts';
import type { Db } from './db.ts';

// A job finished before the cutoff was created before it, so its (time-ordered) id sorts below the
// cutoff's id prefix: the primary key range is the index. completed_at is set for every finished
// status (failed and cancelled too). SKIP LOCKED: a row some transaction is writing is not worth
// waiting for. = ANY(ARRAY(...)): the batch's ids first, then deletes by primary key (see claim.ts PROMOTE).
export const FINISHED_JOBS = `
  DELETE FROM ns.queue_jobs WHERE id = ANY(ARRAY(
    SELECT id FROM ns.queue_jobs
    WHERE id < $1 AND status IN ('completed', 'failed', 'cancelled') AND completed_at < $2
    ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED))`;

// A run id is a UUIDv7 of (about) its start time, so runs started before the cutoff are found by
// the primary key range too; started_at < cutoff is the rule itself. A run still 'running' is left
// alone, however old: recovery closes it, not retention.
const OLD_RUNS = `
  DELETE FROM ns.job_runs WHERE id = ANY(ARRAY(
    SELECT id FROM ns.job_runs
    WHERE id < $1 AND started_at < $2 AND status <> 'running'
    ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED))`;

export function pruneFinishedJobs(db: Db, cutoff: number, limit: number): Promise<number> {
  return db.run(FINISHED_JOBS, [uuidv7Prefix(cutoff), cutoff, limit]);
}

export function pruneRuns(db: Db, cutoff: number, limit: number): Promise<number> {
  // One millisecond past the cutoff: an id can be a millisecond ahead of its start time (uuidv7's
  // counter overflow), and started_at decides anyway.
  return db.run(OLD_RUNS, [uuidv7Prefix(cutoff + 1), cutoff, limit]);
}
