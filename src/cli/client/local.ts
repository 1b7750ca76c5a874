// LocalClient: the CLI working on the database file directly (the default), with the same
// modules the server uses: the Queue for queue jobs, the store's ledger for runs, the scheduler's status
// functions, and, for `run`, a JobScheduler started for manual runs only (no lease, no cron
// timers), so a run is recorded in job_runs exactly like one triggered from the API.
// Not (yet) on the public createNightshift(): its scheduler either takes the lease and arms cron
// timers (enabled: true) or refuses runNow (enabled: false), and its runner claims every job type,
// while the CLI needs a lease-free manual scheduler and a runner for one type (--local-runner).
import { existsSync } from 'node:fs';
import { loadJobs, type LoadedJob } from '../../jobs/load.ts';
import type { Logger } from '../../log/logger.ts';
import { IdempotencyKeyReusedError, Queue, QueueRunner, QueueValidationError, UnknownJobTypeError } from '../../queue/index.ts';
import { JobAlreadyRunningError, JobsDisabledError, SchedulerNotRunningError, UnknownJobError } from '../../scheduler/errors.ts';
import { JobScheduler } from '../../scheduler/scheduler.ts';
import { jobStatus } from '../../scheduler/status.ts';
import { openSqliteStore, type SqliteStore } from '../../store/sqlite/index.ts';
import { CliError, EXIT, conflictError, notFoundError, unreachableError, usageError } from '../errors.ts';
import type { CliSettings } from '../project.ts';
import type { EngineLogLevel } from '../settings.ts';
import type { Client, EnqueueRequest, JobFilter, JobList, RunFilter, StartedRun, StatusView } from './types.ts';

/** How long a run started here may take to stop when the CLI is interrupted or exits. */
const STOP_GRACE_MS = 5_000;
/** The lease of a job the local runner claims: the library's default. */
const QUEUE_LEASE_MS = 30_000;

/** The app's settings, with the database and jobs folder known (main.ts refuses otherwise). */
export type LocalSettings = CliSettings & { database: string; jobs: string };

export interface LocalClientOptions {
  settings: LocalSettings;
  logger: Logger;
  logLevel: EngineLogLevel;
}

export class LocalClient implements Client {
  readonly mode = 'local' as const;
  readonly pollMs = 100;
  readonly target: string;
  private readonly store: SqliteStore;
  private jobsLoaded?: Promise<LoadedJob[]>;
  private queueInstance?: Promise<Queue>;
  private scheduler?: JobScheduler;
  private runner?: QueueRunner;

  constructor(private readonly options: LocalClientOptions) {
    const path = options.settings.database;
    this.target = path;
    // A typo in the configured path must not silently create an empty database and report nothing.
    if (!existsSync(path)) {
      const from = options.settings.databaseFrom;
      throw unreachableError(`No database at ${path} (from ${from}): start the app once so Nightshift creates it, or fix the setting`, 'NO_DATABASE');
    }
    this.store = openSqliteStore(path);
    this.store.migrate();
  }

  private jobs(): Promise<LoadedJob[]> {
    this.jobsLoaded ??= loadJobs(this.options.settings.jobs).catch((err: Error) => {
      throw new CliError(EXIT.failed, `Could not load the job files in ${this.options.settings.jobs}: ${err.message}`, 'JOBS_DIR');
    });
    return this.jobsLoaded;
  }

  private queue(): Promise<Queue> {
    this.queueInstance ??= this.jobs().then(
      (jobs) =>
        new Queue({
          store: this.store,
          jobs,
          logger: this.options.logger,
          // With --local-runner in this process, start and cancel without waiting for its poll.
          onEnqueue: (job) => this.runner?.wake(job.runAt),
          onCancel: (id) => this.runner?.cancel(id),
        }),
    );
    return this.queueInstance;
  }

  async status(): Promise<StatusView> {
    const config = this.options.settings;
    const jobs = await this.jobs();
    const lease = config.enabled ? await this.store.leader.read() : undefined;
    return {
      mode: 'local',
      target: this.target,
      scheduler: {
        enabled: config.enabled,
        running: lease !== undefined && lease.expiresAt > Date.now(),
        timezone: config.timezone,
        leaseHolder: lease ? { owner: lease.owner, expiresAt: new Date(lease.expiresAt).toISOString() } : null,
      },
      queue: await this.queueCounts(),
      jobs: await Promise.all(
        jobs
          .filter((j) => j.definition.schedule)
          .map((j) => jobStatus(j, { store: this.store, timezone: config.timezone, scheduling: config.enabled, runningHere: false })),
      ),
    };
  }

  async queueCounts() {
    return (await this.queue()).counts();
  }

  async processingCount() {
    return (await this.queueCounts()).processing;
  }

  async listRuns(filter: RunFilter) {
    return this.store.runs.list(filter);
  }

  async getRun(id: string) {
    const run = await this.store.runs.get(id);
    if (!run) throw notFoundError(`Run ${id} not found`);
    return run;
  }

  async listJobs(filter: JobFilter): Promise<JobList> {
    const { jobs, total } = await (await this.queue()).list(filter);
    return { jobs, total, limit: filter.limit, offset: filter.offset };
  }

  async getJob(id: string) {
    const job = await (await this.queue()).get(id);
    if (!job) throw notFoundError(`Job ${id} not found`);
    return job;
  }

  async progress(id: string) {
    const progress = await (await this.queue()).progress(id);
    if (!progress) throw notFoundError(`Job ${id} not found`);
    return progress;
  }

  async enqueue(request: EnqueueRequest) {
    const queue = await this.queue();
    try {
      return await queue.enqueue({
        type: request.type,
        payload: request.data,
        runAt: request.runAt,
        priority: request.priority,
        maxAttempts: request.maxAttempts,
        idempotencyKey: request.idempotencyKey,
        createdBy: 'cli',
        actorId: 'cli',
      });
    } catch (err) {
      throw enqueueError(err);
    }
  }

  async cancel(id: string) {
    const { outcome, job } = await (await this.queue()).cancel(id);
    if (outcome === 'not_found') throw notFoundError(`Job ${id} not found`);
    if (outcome === 'finished') throw conflictError(`Job ${id} is already ${job!.status}`, 'CONFLICT', { status: job!.status });
    return { outcome, job: job! };
  }

  async retry(id: string) {
    const { outcome, job } = await (await this.queue()).retry(id);
    if (outcome === 'not_found') throw notFoundError(`Job ${id} not found`);
    if (outcome === 'not_retryable') {
      throw conflictError(`Job ${id} is ${job!.status}; only failed or cancelled jobs can be retried`, 'CONFLICT', { status: job!.status });
    }
    return { outcome, job: job! };
  }

  async startRun(name: string): Promise<StartedRun> {
    const scheduler = await this.manualScheduler();
    try {
      const handle = await scheduler.runNow(name, 'manual');
      return { job: name, runId: handle.runId };
    } catch (err) {
      if (err instanceof UnknownJobError) throw notFoundError(`"${name}" is not a scheduled job`, 'NOT_A_SCHEDULED_JOB');
      if (err instanceof JobAlreadyRunningError) {
        throw conflictError(`${err.message} (run ${err.runningRunId})`, 'ALREADY_RUNNING', { runId: err.runningRunId });
      }
      if (err instanceof JobsDisabledError) throw conflictError(err.message, 'JOBS_DISABLED');
      if (err instanceof SchedulerNotRunningError) throw conflictError(err.message, 'SCHEDULER_NOT_RUNNING');
      throw err;
    }
  }

  /** A scheduler in this process for manual runs only: it never takes the lease from a server's. */
  private async manualScheduler(): Promise<JobScheduler> {
    if (!this.scheduler) {
      const { settings: config, logger, logLevel } = this.options;
      this.scheduler = new JobScheduler({
        store: this.store,
        jobs: await this.jobs(),
        logger,
        logLevel,
        enabled: config.enabled,
        timezone: config.timezone,
        shutdownGraceMs: STOP_GRACE_MS,
      });
      await this.scheduler.startForManualRuns();
    }
    return this.scheduler;
  }

  /**
   * `run --local-runner`: a queue runner in this process for one job type, for when no server
   * runs one. Only that type is claimed (a runner skips types it has no file for), one at a time.
   */
  async startLocalRunner(type: string): Promise<void> {
    if (this.runner) return;
    const { settings: config, logger, logLevel } = this.options;
    const job = (await this.jobs()).filter((j) => j.definition.name === type);
    if (job.length === 0) throw notFoundError(`Unknown job type "${type}"`, 'UNKNOWN_JOB_TYPE');
    this.runner = new QueueRunner({
      store: this.store,
      jobs: job,
      logger,
      logLevel,
      workers: 1,
      pollIntervalMs: config.pollIntervalMs,
      leaseMs: QUEUE_LEASE_MS,
      shutdownGraceMs: STOP_GRACE_MS,
    });
    await this.runner.start();
  }

  get hasLocalRunner(): boolean {
    return this.runner !== undefined;
  }

  /**
   * Stops what runs in this process: a scheduled run is cancelled (its ctx.signal aborts, then its
   * thread is terminated after the grace period; recorded 'cancelled'); a queue job held by the
   * local runner may finish within the grace period, else it goes back to pending for another runner.
   */
  async stopHere(graceMs = STOP_GRACE_MS): Promise<void> {
    await Promise.all([this.scheduler?.stop(graceMs), this.runner?.stop(graceMs)]);
  }

  async close(): Promise<void> {
    await this.stopHere();
    this.store.close();
  }
}

/** Queue.enqueue's errors, as the HTTP API reports them (field names as the CLI spells them). */
function enqueueError(err: unknown): unknown {
  if (err instanceof UnknownJobTypeError) return notFoundError(err.message, 'UNKNOWN_JOB_TYPE');
  if (err instanceof IdempotencyKeyReusedError) {
    return conflictError(err.message, 'IDEMPOTENCY_KEY_REUSED', { jobId: err.existingJobId });
  }
  if (err instanceof QueueValidationError) {
    const rename = (f: string) => f.replace(/^payload\b/, 'data');
    return usageError(`Invalid field "${rename(err.field)}": ${err.issues[0]?.message ?? 'invalid'}`, 'VALIDATION_ERROR', {
      field: rename(err.field),
      issues: err.issues.map((i) => ({ field: rename(i.field), message: i.message })),
    });
  }
  return err;
}
