// LocalClient: the CLI working on the app's database directly (the default), through Nightshift's
// public API like any app: createNightshift on the configured database and jobs folder. Reads need
// only the migrated database (ns.runs after ns.migrate()); commands that need the job files start
// Nightshift as a tool beside the app: `scheduler: 'manual'` (runNow works, recorded in the ledger
// like a run from the API, but the lease and the cron timers stay with the app) and no queue
// runner. `run --local-runner` starts a second Nightshift whose runner claims that one type only.
// Nothing here touches the store or SQL, so local mode works on whatever store Nightshift opens.
import { existsSync } from 'node:fs';
import {
  createLogger, createNightshift, IdempotencyKeyReusedError, JobAlreadyRunningError, JobsDisabledError, QueueValidationError,
  SchedulerNotRunningError, UnknownJobError, UnknownJobTypeError, type Nightshift, type PinoLike, type StartOptions,
} from '../../index.ts';
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
  logLevel: EngineLogLevel;
}

/** Engine logs (off unless --verbose) on stderr, so stdout stays the command's output. */
function stderrLogger(level: EngineLogLevel): PinoLike {
  return createLogger({ level, format: 'pretty', destination: { write: (line) => process.stderr.write(line) } });
}

export class LocalClient implements Client {
  readonly mode = 'local' as const;
  readonly pollMs = 100;
  readonly target: string;
  private readonly logger: PinoLike;
  /** The CLI's Nightshift: migrated at open(), started (manual scheduler, no runner) on first need of the jobs. */
  private readonly ns: Nightshift;
  private started?: Promise<Nightshift>;
  /** `run --local-runner`: a second Nightshift whose runner claims one type. */
  private runnerNs?: Nightshift;

  /** Opens the app's database (Nightshift's tables migrated, as the app's start would). */
  static async open(options: LocalClientOptions): Promise<LocalClient> {
    const client = new LocalClient(options);
    await client.ns.migrate();
    return client;
  }

  private constructor(private readonly options: LocalClientOptions) {
    const path = options.settings.database;
    this.target = path;
    // A typo in the configured path must not silently create an empty database and report nothing.
    if (!existsSync(path)) {
      const from = options.settings.databaseFrom;
      throw unreachableError(`No database at ${path} (from ${from}): start the app once so Nightshift creates it, or fix the setting`, 'NO_DATABASE');
    }
    this.logger = stderrLogger(options.logLevel);
    this.ns = this.nightshift({ enabled: options.settings.enabled, workers: 0 });
  }

  private nightshift(over: { enabled: boolean; workers: number }): Nightshift {
    const { settings, logLevel } = this.options;
    return createNightshift({
      database: settings.database,
      jobs: settings.jobs,
      timezone: settings.timezone,
      logger: this.logger,
      logLevel,
      pollIntervalMs: settings.pollIntervalMs,
      queueLeaseMs: QUEUE_LEASE_MS,
      shutdownGraceMs: STOP_GRACE_MS,
      ...over,
    });
  }

  /** Starts `ns` as a tool beside the app; a job file that fails to load is the CLI's JOBS_DIR error. */
  private async startTool(ns: Nightshift, options: StartOptions): Promise<Nightshift> {
    await ns.migrate();
    try {
      await ns.start(options);
    } catch (err) {
      throw new CliError(EXIT.failed, `Could not load the job files in ${this.options.settings.jobs}: ${(err as Error).message}`, 'JOBS_DIR');
    }
    return ns;
  }

  /** The CLI's Nightshift with its jobs loaded: runNow without the lease, no queue runner. */
  private withJobs(): Promise<Nightshift> {
    this.started ??= this.startTool(this.ns, { scheduler: 'manual', runnerTypes: [] });
    return this.started;
  }

  async status(): Promise<StatusView> {
    const config = this.options.settings;
    const status = await (await this.withJobs()).scheduler.getStatus();
    const lease = status.leaseHolder;
    return {
      mode: 'local',
      target: this.target,
      scheduler: {
        enabled: config.enabled,
        running: lease !== null && Date.parse(lease.expiresAt) > Date.now(),
        timezone: config.timezone,
        leaseHolder: lease,
      },
      queue: await this.queueCounts(),
      jobs: status.jobs,
    };
  }

  async queueCounts() {
    return (await this.withJobs()).queue.counts();
  }

  async processingCount() {
    return (await this.queueCounts()).processing;
  }

  async listRuns(filter: RunFilter) {
    return this.ns.runs.list(filter);
  }

  async getRun(id: string) {
    const run = await this.ns.runs.get(id);
    if (!run) throw notFoundError(`Run ${id} not found`);
    return run;
  }

  async listJobs(filter: JobFilter): Promise<JobList> {
    const { jobs, total } = await (await this.withJobs()).queue.list(filter);
    return { jobs, total, limit: filter.limit, offset: filter.offset };
  }

  async getJob(id: string) {
    const job = await (await this.withJobs()).queue.get(id);
    if (!job) throw notFoundError(`Job ${id} not found`);
    return job;
  }

  async progress(id: string) {
    const progress = await (await this.withJobs()).queue.progress(id);
    if (!progress) throw notFoundError(`Job ${id} not found`);
    return progress;
  }

  async enqueue(request: EnqueueRequest) {
    const ns = await this.withJobs();
    try {
      const result = ns.enqueue(request.type, request.data, {
        runAt: request.runAt,
        priority: request.priority,
        maxAttempts: request.maxAttempts,
        idempotencyKey: request.idempotencyKey,
        createdBy: 'cli',
        actorId: 'cli',
      });
      // With --local-runner in this process, start without waiting for its poll.
      if (result.created) this.runnerNs?.runner?.wake(result.job.runAt);
      return result;
    } catch (err) {
      throw enqueueError(err);
    }
  }

  async cancel(id: string) {
    const { outcome, job } = await (await this.withJobs()).queue.cancel(id);
    if (outcome === 'not_found') throw notFoundError(`Job ${id} not found`);
    if (outcome === 'finished') throw conflictError(`Job ${id} is already ${job!.status}`, 'CONFLICT', { status: job!.status });
    // The local runner (if it holds the job) stops it now rather than at its next poll.
    if (outcome === 'cancelling') this.runnerNs?.runner?.cancel(id);
    return { outcome, job: job! };
  }

  async retry(id: string) {
    const { outcome, job } = await (await this.withJobs()).queue.retry(id);
    if (outcome === 'not_found') throw notFoundError(`Job ${id} not found`);
    if (outcome === 'not_retryable') {
      throw conflictError(`Job ${id} is ${job!.status}; only failed or cancelled jobs can be retried`, 'CONFLICT', { status: job!.status });
    }
    return { outcome, job: job! };
  }

  async startRun(name: string): Promise<StartedRun> {
    const ns = await this.withJobs();
    try {
      const handle = await ns.scheduler.runNow(name, 'manual');
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

  /**
   * `run --local-runner`: a queue runner in this process for one job type, for when no server
   * runs one. Only that type is claimed, one at a time.
   */
  async startLocalRunner(type: string): Promise<void> {
    if (this.runnerNs) return;
    if (!(await this.withJobs()).queue.types.get(type)) throw notFoundError(`Unknown job type "${type}"`, 'UNKNOWN_JOB_TYPE');
    this.runnerNs = this.nightshift({ enabled: true, workers: 1 });
    await this.startTool(this.runnerNs, { scheduler: 'manual', runnerTypes: [type] });
  }

  get hasLocalRunner(): boolean {
    return this.runnerNs !== undefined;
  }

  /**
   * Stops what runs in this process: a scheduled run is cancelled (its ctx.signal aborts, then its
   * thread is terminated after the grace period; recorded 'cancelled'); a queue job held by the
   * local runner may finish within the grace period, else it goes back to pending for another runner.
   */
  async stopHere(graceMs = STOP_GRACE_MS): Promise<void> {
    const started = this.started && (await this.started.catch(() => undefined));
    await Promise.all([started?.scheduler.stop(graceMs), this.runnerNs?.runner?.stop(graceMs)]);
  }

  async close(): Promise<void> {
    await this.stopHere();
    await Promise.all([this.ns.stop(), this.runnerNs?.stop()]);
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
