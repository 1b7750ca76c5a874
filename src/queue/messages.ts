// Messages between QueueRunner (main thread) and its queue threads. The main thread owns all queue
// SQL (claims, completions, leases); a thread only runs handlers and reports back, so every write
// to the queue can be batched in one place.
import type { LogRecord } from '../log/logger.ts';
import type { StoreThreadSpec } from '../store/types.ts';

export interface QueueThreadData {
  /** How the thread opens its own store on the same database (its connection is the jobs' ctx.db). */
  store: StoreThreadSpec;
  /** type -> absolute job file; each thread imports them all at start (types added later arrive as 'load'). */
  jobFiles: Record<string, string>;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  threadIndex: number;
  /** Thread 0 runs a PASSIVE WAL checkpoint this often, TRUNCATE past a size limit (0: never); see QueueRunnerOptions. */
  checkpointIntervalMs: number;
}

export interface RunJob {
  id: string;
  type: string;
  token: string;
  runId: string;
  /** JSON text as stored; the thread parses it with the job's schema. */
  payload: string | null;
  tenantId: string | null;
  actorId: string | null;
  traceId: string;
  requestId: string | null;
  attempt: number;
  maxAttempts: number;
  /** May share the thread with other I/O-bound jobs (threadConcurrency > 1). */
  io: boolean;
}

export type MainToThread =
  | { type: 'run'; jobs: RunJob[] }
  /** Abort one job's signal (cancel); the main thread terminates the thread if it does not stop. */
  | { type: 'cancel'; id: string }
  /** Shutdown: abort every running job, hand back the ones not started. */
  | { type: 'stop' }
  /** A job type registered after start: import its file; answered by 'loaded'. */
  | { type: 'load'; jobType: string; file: string };

export interface JobOutcome {
  id: string;
  token: string;
  ok: boolean;
  /** ok: the return value as JSON text (null for none). */
  result?: string | null;
  error?: string;
  stack?: string;
  /** The handler asked for this retry delay (RetryAfterError or any error with retryAfterMs). */
  retryAfterMs?: number;
  /** false when the handler said another attempt cannot help. */
  retryable?: boolean;
  /** Never started (cancelled or stopped while queued in the thread). */
  notStarted?: boolean;
  /** Handler run time. */
  ms: number;
  processed: number | null;
  total: number | null;
}

export type ThreadToMain =
  | { type: 'ready' }
  | { type: 'results'; results: JobOutcome[] }
  | { type: 'progress'; id: string; token: string; processed: number; total: number | null }
  | { type: 'log'; record: LogRecord }
  /** The answer to 'load': the file is imported (or why it could not be). */
  | { type: 'loaded'; jobType: string; error?: string };
