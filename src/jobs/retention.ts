// Retention for a job file: deletes finished queue jobs and finished runs older than a cutoff, in
// the same polite batches as any cleanup (deleteInBatches). Unfinished jobs and running runs are
// never touched. An app schedules it in a job of its own (the reference app: jobs/prune-history.ts).
import { pruneFinishedJobs, pruneRuns } from '../store/sqlite/retention.ts';
import { deleteInBatches, type BatchOptions } from './batches.ts';
import type { JobContext } from './define.ts';

export interface PruneResult {
  queueJobsDeleted: number;
  runsDeleted: number;
  batches: number;
  yieldedMs: number;
}

/** Deletes history older than `cutoff` (epoch ms) through the job thread's own connection. */
export async function pruneHistory(ctx: Pick<JobContext, 'db' | 'signal' | 'yieldToWriters'>, cutoff: number, options: BatchOptions = {}): Promise<PruneResult> {
  const jobs = await deleteInBatches(ctx, (limit) => pruneFinishedJobs(ctx.db, cutoff, limit), options);
  const runs = await deleteInBatches(ctx, (limit) => pruneRuns(ctx.db, cutoff, limit), options);
  return { queueJobsDeleted: jobs.deleted, runsDeleted: runs.deleted, batches: jobs.batches + runs.batches, yieldedMs: Math.round(jobs.yieldedMs + runs.yieldedMs) };
}
