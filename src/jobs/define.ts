// What a job file exports. One file in jobs/ = one job: its name, description, optional cron
// schedule, timeout, optional payload schema (for the queue) and the function that does the work.
import type { ZodType } from 'zod';
import type { Db } from '../db/open.ts';
import type { Logger } from '../log/logger.ts';

export type RunTrigger = 'schedule' | 'manual' | 'catch-up' | 'queue';

/** Per-run details a job returns; stored as JSON on its job_runs row. */
export type JobDetails = Record<string, unknown>;

export interface JobEnvelope<P = unknown> {
  tenantId?: string;
  actorId?: string;
  traceId?: string;
  requestId?: string;
  payload: P;
}

export interface JobContext<P = unknown> {
  /** This thread's own connection to the shared database. */
  db: Db;
  /** Aborted on cancel or shutdown; long jobs check it between steps. */
  signal: AbortSignal;
  logger: Logger;
  runId: string;
  trigger: RunTrigger;
  payload: P;
  envelope: JobEnvelope<P>;
  /** Queue runs only: the queued job's id, and which attempt this is (1 for the first). */
  jobId?: string;
  attempt?: number;
  maxAttempts?: number;
  /** Report progress (queue jobs show it; scheduled runs ignore it). */
  progress(processed: number, total?: number): void;
  /**
   * Between write batches: wait (briefly, bounded) while an API request is waiting for the write
   * lock, so background deletes never make a request wait for more than one batch.
   */
  yieldToWriters(): void;
}

export interface JobDefinition<P = unknown> {
  /** Unique name used in the API and the ledger, e.g. "cleanupPreviewSessions" or "system.ping". */
  name: string;
  description: string;
  /** Cron expression (5 fields, or 6 with seconds); omit for queue-only jobs. */
  schedule?: string;
  /** The worker is terminated and the run failed after this long. */
  timeoutMs?: number;
  /** zod schema for queue payloads; enqueue validates with it before anything is stored. */
  payload?: ZodType<P>;
  /** Queue defaults (overridable per enqueue). */
  maxAttempts?: number;
  /** Most jobs of this type running at once across the queue's threads. */
  concurrency?: number;
  /**
   * Queue: how many jobs of this type one thread may run at once. 1 (the default) means a thread
   * runs it alone; set it higher for I/O-bound jobs (HTTP calls, file copies) that mostly wait.
   */
  threadConcurrency?: number;
  run(ctx: JobContext<P>): Promise<JobDetails | void> | JobDetails | void;
}

export const DEFAULT_TIMEOUT_MS = 5 * 60_000;

/** Identity function that gives job files type-checking and a single documented shape. */
export function defineJob<P = void>(definition: JobDefinition<P>): JobDefinition<P> {
  return definition;
}
