// The scheduler's public types: its options, the observer hooks metrics use, its roles, and what
// a run started with runNow() hands back.
import type { Worker } from 'node:worker_threads';
import type { JobDetails, RunTrigger } from '../jobs/define.ts';
import type { LoadedJob } from '../jobs/load.ts';
import type { Logger } from '../log/logger.ts';
import type { FinalStatus } from '../runs/types.ts';
import type { NightshiftStore } from '../store/types.ts';
import type { JobThreadData } from './job-thread.ts';

export interface SchedulerOptions {
  store: NightshiftStore;
  /** Loaded job files; those with a schedule are registered. */
  jobs?: LoadedJob[];
  logger: Logger;
  enabled: boolean;
  timezone?: string;
  leaseMs?: number;
  shutdownGraceMs?: number;
  logLevel?: JobThreadData['logLevel'];
  /** Observers (src/metrics): told as runs end. They must not throw. */
  events?: SchedulerEvents;
}

/** What an observer hears: each closed run (and each skipped tick), and runs closed as abandoned. */
export interface SchedulerEvents {
  /** A run ended, or a tick was recorded as skipped (durationMs null: nothing ran). */
  runFinished?(run: { name: string; status: FinalStatus; trigger: RunTrigger; durationMs: number | null }): void;
  /** Runs left 'running' by stopped processes (or past their timeout) were closed as 'abandoned'. */
  abandonedClosed?(count: number): void;
}

export type SchedulerRole = 'disabled' | 'stopped' | 'standby' | 'leader';

export interface RunOutcome {
  runId: string;
  name: string;
  status: FinalStatus;
  details: JobDetails | null;
  error: string | null;
  durationMs: number | null;
}

export interface RunHandle {
  runId: string;
  name: string;
  done: Promise<RunOutcome>;
}

/** A run this scheduler started and has not closed yet. */
export interface Inflight {
  name: string;
  runId: string;
  worker?: Worker;
  cancelRequested: boolean;
  done: Promise<RunOutcome>;
  settle(outcome: RunOutcome): void;
}
