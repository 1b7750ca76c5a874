// What a command can ask of Nightshift, whether it talks to the database file (LocalClient) or to a
// running server (HttpClient). Both return the same shapes, the HTTP API's JSON, so `--json`
// output does not depend on the mode.
import type { QueueCounts, QueueJob, QueueJobStatus, ProgressView, CancelOutcome } from '../../queue/types.ts';
import type { JobRun, RunStatus } from '../../runs/types.ts';
import type { JobStatus } from '../../scheduler/status.ts';
import type { RunTrigger } from '../../jobs/define.ts';

export type { QueueCounts, QueueJob, QueueJobStatus, ProgressView, CancelOutcome, JobRun, RunStatus, JobStatus, RunTrigger };

export interface StatusView {
  mode: 'local' | 'remote';
  /** The database file (local) or the server's URL (remote). */
  target: string;
  scheduler: {
    enabled: boolean;
    /** A scheduler holds an unexpired lease on this database (cron jobs fire). */
    running: boolean;
    timezone: string;
    leaseHolder: { owner: string; expiresAt: string } | null;
  };
  queue: QueueCounts;
  jobs: JobStatus[];
}

export interface RunFilter {
  name?: string;
  status?: RunStatus;
  trigger?: RunTrigger;
  limit: number;
  offset: number;
}

export interface JobFilter {
  status?: QueueJobStatus;
  type?: string;
  limit: number;
  offset: number;
}

export interface JobList {
  jobs: QueueJob[];
  total: number;
  limit: number;
  offset: number;
}

export interface EnqueueRequest {
  type: string;
  data?: unknown;
  runAt?: string;
  priority?: number;
  maxAttempts?: number;
  idempotencyKey?: string;
}

/** A scheduled run that has started; `runId` is its job_runs row. */
export interface StartedRun {
  job: string;
  runId: string;
}

export interface Client {
  readonly mode: 'local' | 'remote';
  readonly target: string;
  /** How often followers poll: cheap locally, gentler on a server. */
  readonly pollMs: number;
  status(): Promise<StatusView>;
  queueCounts(): Promise<QueueCounts>;
  /** Jobs processing now, anywhere on the database (one cheap question, for `run`'s pending reason). */
  processingCount(): Promise<number>;
  listRuns(filter: RunFilter): Promise<JobRun[]>;
  getRun(id: string): Promise<JobRun>;
  listJobs(filter: JobFilter): Promise<JobList>;
  getJob(id: string): Promise<QueueJob>;
  progress(id: string): Promise<ProgressView>;
  enqueue(request: EnqueueRequest): Promise<{ job: QueueJob; created: boolean }>;
  cancel(id: string): Promise<{ outcome: Exclude<CancelOutcome, 'finished' | 'not_found'>; job: QueueJob }>;
  retry(id: string): Promise<{ outcome: 'retried'; job: QueueJob }>;
  /**
   * Starts a run of a scheduled job now. Throws CliError NOT_A_SCHEDULED_JOB (exit 3) when `name`
   * is not one, so `run` can fall back to the queue.
   */
  startRun(name: string): Promise<StartedRun>;
  /** Local mode only (`run --local-runner`): a queue runner in this process for one job type. */
  startLocalRunner?(type: string): Promise<void>;
  /**
   * Local mode only: stops what runs in this process (Ctrl-C). A scheduled run is cancelled; a
   * queue job held by the local runner gets `graceMs` to finish, then goes back to pending.
   */
  stopHere?(graceMs: number): Promise<void>;
  /** Frees what the client holds (database, threads). Local runs still going are cancelled. */
  close(): Promise<void>;
}
