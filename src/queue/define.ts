// How the queue reads a job definition (src/jobs/define.ts, shared with the scheduler): its queue
// options with defaults, and the context a queue run gets.
import type { JobContext, JobDefinition } from '../jobs/define.ts';

export const DEFAULT_MAX_ATTEMPTS = 3;

/** The context a queue run gets: JobContext with its queue fields always set. */
export interface QueueJobContext<P = unknown> extends JobContext<P> {
  jobId: string;
  /** 1 for the first attempt. */
  attempt: number;
  maxAttempts: number;
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
  return {
    maxAttempts: definition.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    concurrency: definition.concurrency,
    threadConcurrency: positiveInt(definition.threadConcurrency, 'threadConcurrency', definition.name) ?? 1,
    timeoutMs,
  };
}
