// 'nightshift/job': what a job file imports. Job files run in worker threads, and each thread loads
// what its job file imports, so this entry stays small: no scheduler, HTTP or metrics code. (An app
// imports createNightshift and the rest from 'nightshift'; both entries export the same defineJob.)
export { defineJob, DEFAULT_TIMEOUT_MS, type JobContext, type JobDefinition, type JobDetails, type JobEnvelope, type RunTrigger } from './jobs/define.ts';
export { deleteInBatches, type BatchOptions, type BatchStats, type DeleteBatch } from './jobs/batches.ts';
export { pruneHistory, type PruneResult } from './jobs/retention.ts';
export { NonRetryableError, RetryAfterError, retryAfter } from './queue/errors.ts';
export type { QueueJobContext } from './queue/define.ts';
export { RUN_STATUSES, type JobRun, type RunCountFilter, type RunFilter, type RunReader, type RunStatus } from './runs/types.ts';
