// Retention (seed 003's cleanupOldJobs): deletes finished queue jobs (completed, failed, cancelled)
// and nightshift_job_runs rows older than RETENTION_DAYS (default 30), daily, in the same polite batches as
// the other cleanups. Unfinished jobs and running runs are never touched.
import { z } from 'zod';
import { defineJob, pruneHistory } from '../src/job.ts';

export const DEFAULT_RETENTION_DAYS = 30;
const DAY_MS = 24 * 60 * 60_000;

/** RETENTION_DAYS from the environment (the job runs in its own thread, so it reads it itself). */
export function retentionDays(env: Record<string, string | undefined> = process.env): number {
  const days = Number(env.RETENTION_DAYS);
  return Number.isInteger(days) && days >= 1 ? days : DEFAULT_RETENTION_DAYS;
}

export default defineJob({
  name: 'pruneHistory',
  description: 'Delete finished queue jobs and run history older than RETENTION_DAYS',
  schedule: '30 4 * * *',
  timeoutMs: 30 * 60_000,
  // Scheduled runs have no payload; an enqueued run may override the age.
  payload: z.object({ olderThanDays: z.number().int().min(1).max(3650).optional() }).optional(),
  async run(ctx) {
    const days = ctx.payload?.olderThanDays ?? retentionDays();
    const cutoff = Date.now() - days * DAY_MS;
    const details = { retentionDays: days, cutoff: new Date(cutoff).toISOString(), ...(await pruneHistory(ctx, cutoff)) };
    ctx.logger.info('History pruned', details);
    return details;
  },
});
