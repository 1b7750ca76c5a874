// QueueRunner's public types: its options (units in the names), the observer hooks metrics use,
// and its states.
import type { LoadedJob } from '../jobs/load.ts';
import type { Logger } from '../log/logger.ts';
import type { BackoffOptions } from './backoff.ts';
import type { JobTypes } from './job-types.ts';
import type { QueueThreadData } from './messages.ts';
import type { Applied, NightshiftStore, Recovered } from '../store/types.ts';

export interface QueueRunnerOptions {
  store: NightshiftStore;
  /** The job types it runs: loaded jobs, or the JobTypes registry it shares with a Queue (types added later included). */
  jobs: readonly LoadedJob[] | JobTypes;
  logger: Logger;
  /** Worker threads (config QUEUE_WORKERS). Default 1. */
  workers?: number;
  /** How often to look for jobs enqueued by other processes (in-process enqueues call wake()). Default 500. */
  pollIntervalMs?: number;
  /** Lease length; renewed every leaseMs/3 while a job runs. Default 30 s. */
  leaseMs?: number;
  shutdownGraceMs?: number;
  /** How long a cancelled handler has to stop before its thread is terminated. Default 5 s. */
  cancelGraceMs?: number;
  logLevel?: QueueThreadData['logLevel'];
  backoff?: Partial<BackoffOptions>;
  /**
   * A PASSIVE WAL checkpoint from the first queue thread this often, and a TRUNCATE one when the
   * WAL has grown past 16 MB (0: leave it all to SQLite's autocheckpoint). While the runner runs,
   * the main connection's wal_autocheckpoint is raised to a backstop, so checkpoint work and fsyncs
   * stay out of the main thread's commits (enqueues included). Default 200 ms.
   */
  checkpointIntervalMs?: number;
  /** See Placement: most jobs queued on one thread (default 256), and how much measured work (default 5 ms). */
  maxPrefetch?: number;
  queuedBudgetMs?: number;
  /** Observers (src/metrics), called after the runner's transaction committed. They must not throw. */
  events?: QueueRunnerEvents;
}

/** What an observer hears: each attempt's ending as written, and jobs recovered from stopped runners. */
export interface QueueRunnerEvents {
  /** `now` is when the ending was written (the attempt ran from applied.attempt.startedAt). */
  attemptEnded?(applied: Applied, now: number): void;
  recovered?(jobs: readonly Recovered[]): void;
}

export type RunnerState = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped';
