// What a job file exports. One file in jobs/ = one job: its name, description, optional cron
// schedule, timeout, optional payload schema (for the queue) and the function that does the work.
import { fileURLToPath } from 'node:url';
import type { ZodType } from 'zod';
import type { Db } from '../store/sqlite/open.ts';
import type { Logger } from '../log/logger.ts';
import type { JobDetails, RunReader, RunTrigger } from '../runs/types.ts';

// The run's trigger and details are the ledger's types (src/runs/types.ts), exported here too for job files.
export type { JobDetails, RunTrigger };

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
  /**
   * The run ledger, read-only (list, count, get), on whichever store Nightshift uses: the way for
   * job code to read run history without SQL (jobs/export-runs.ts pages through it).
   */
  runs: RunReader;
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

/** Where defineJob was called: the job's file, which worker threads import on their own. */
const JOB_FILE = Symbol.for('nightshift.jobFile');

/**
 * Gives job files type-checking and a single documented shape, and remembers which file called it,
 * so a definition passed to createNightshift({ jobs: [...] }) can be run in a worker thread (a
 * thread cannot receive a function; it imports the file again).
 */
export function defineJob<P = void>(definition: JobDefinition<P>): JobDefinition<P> {
  const file = callerFile();
  if (file && !Object.prototype.hasOwnProperty.call(definition, JOB_FILE)) {
    Object.defineProperty(definition, JOB_FILE, { value: file, enumerable: false });
  }
  return definition;
}

/** The file a definition was declared in (by defineJob), if known. */
export function jobFileOf(definition: object): string | undefined {
  return (definition as { [JOB_FILE]?: string })[JOB_FILE];
}

/** The module that called defineJob, from the stack: frame 0 is this file, 1 defineJob, 2 the caller. */
function callerFile(): string | undefined {
  const frames = new Error().stack?.split('\n').slice(1) ?? [];
  for (const frame of frames.slice(2, 3)) {
    const match = /(?:\(|at )((?:file:\/\/)?\/[^():]+):\d+:\d+\)?\s*$/.exec(frame);
    if (match) return match[1]!.startsWith('file://') ? fileURLToPath(match[1]!) : match[1]!;
  }
  return undefined;
}
