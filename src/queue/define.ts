// Queue-specific additions to a job definition and its context. src/jobs/define.ts is shared with
// the scheduler, so the queue's extras live here: a job file that needs them uses defineQueueJob
// (same shape as defineJob, plus the fields below); plain defineJob files work on the queue too.
import type { JobContext, JobDefinition, JobDetails } from '../jobs/define.ts';

export const DEFAULT_MAX_ATTEMPTS = 3;

/** The context a queue run gets: JobContext plus which job and attempt this is. */
export interface QueueJobContext<P = unknown> extends JobContext<P> {
  jobId: string;
  /** 1 for the first attempt. */
  attempt: number;
  maxAttempts: number;
}

export interface QueueJobOptions {
  /**
   * How many jobs of this type one thread may run at once. 1 (the default) means a thread runs it
   * alone; set it higher for I/O-bound jobs (HTTP calls, file copies) that mostly wait.
   */
  threadConcurrency?: number;
}

export interface QueueJobDefinition<P = unknown> extends Omit<JobDefinition<P>, 'run'>, QueueJobOptions {
  run(ctx: QueueJobContext<P>): Promise<JobDetails | void> | JobDetails | void;
}

/** defineJob for queue jobs that want the extra context or options. */
export function defineQueueJob<P = void>(definition: QueueJobDefinition<P>): JobDefinition<P> {
  return definition as JobDefinition<P>;
}

export interface QueueTypeOptions {
  maxAttempts: number;
  /** Cluster-wide cap on running jobs of this type (undefined: no cap). */
  concurrency: number | undefined;
  threadConcurrency: number;
  timeoutMs: number;
}

function positiveInt(value: unknown, what: string, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new Error(`Job "${name}": ${what} must be a positive integer`);
  }
  return value;
}

/** Reads (and checks) the queue options of a loaded definition. */
export function queueOptionsOf(definition: JobDefinition<any>, timeoutMs: number): QueueTypeOptions {
  const extra = definition as JobDefinition<any> & QueueJobOptions;
  return {
    maxAttempts: definition.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    concurrency: definition.concurrency,
    threadConcurrency: positiveInt(extra.threadConcurrency, 'threadConcurrency', definition.name) ?? 1,
    timeoutMs,
  };
}
