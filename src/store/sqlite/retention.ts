// Retention deletes on SQLite, one bounded batch per call (the caller paces the batches: see
// src/jobs/batches.ts). Unfinished jobs and running runs are never touched.
import { uuidv7Prefix } from '../../core/ids.ts';
import type { Db } from './open.ts';
import { stmt } from './statements.ts';

// A job finished before the cutoff was created before it, so its (time-ordered) id sorts below the
// cutoff's id prefix: the primary key range is the index. completed_at is set for every finished
// status (failed and cancelled too).
const FINISHED_JOBS = `
  DELETE FROM nightshift_queue_jobs WHERE id IN (
    SELECT id FROM nightshift_queue_jobs
    WHERE id < ? AND status IN ('completed', 'failed', 'cancelled') AND completed_at < ? LIMIT ?)`;

// A run still 'running' is left alone, however old: recovery closes it, not retention.
const OLD_RUNS = `
  DELETE FROM nightshift_job_runs WHERE rowid IN (
    SELECT rowid FROM nightshift_job_runs WHERE started_at < ? AND status != 'running' LIMIT ?)`;

export function pruneFinishedJobs(db: Db, cutoff: number, limit: number): number {
  return stmt(db, FINISHED_JOBS).run(uuidv7Prefix(cutoff), cutoff, limit).changes;
}

export function pruneRuns(db: Db, cutoff: number, limit: number): number {
  return stmt(db, OLD_RUNS).run(cutoff, limit).changes;
}
