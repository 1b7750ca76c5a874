// createNightshift: the engine as a library. It runs beside the app in the app's process, on the
// app's database: scheduled jobs and queue jobs in worker threads, the run ledger, and a Hono
// sub-app (API and dashboard) the app mounts where it likes. It never opens a port by itself
// (listen() does, when asked) and never reads process.env: everything comes in as options.
import type { Hono } from 'hono';
import { isPromise } from './core/awaitable.ts';
import { loadJobSources, type JobSource, type LoadedJob } from './jobs/load.ts';
import { createLogger, fromHostLogger, type Logger } from './log/logger.ts';
import { createMetrics, type Metrics } from './metrics/metrics.ts';
import { parseOptions, type NightshiftOptions, type ResolvedOptions } from './options.ts';
import { Queue, QueueRunner, type EnqueueInput, type EnqueueResult, type EnqueueTarget } from './queue/index.ts';
import type { SyncStore } from './queue/enqueue.ts';
import { DuplicateJobError, JobTypes } from './queue/job-types.ts';
import type { JobRun, RunFilter } from './runs/types.ts';
import { boundListedRun, type ListedJobRun } from './store/list-bounds.ts';
import { JobScheduler } from './scheduler/scheduler.ts';
import { openSqliteStore, type SqliteStore } from './store/sqlite/index.ts';
import type { Db } from './store/sqlite/open.ts';
import { requireWal } from './store/sqlite/app-database.ts';
import { mountable, type EngineParts, type RoutesOptions } from './http/mount.ts';
import { listen, type Listening, type ListenOptions } from './http/listen.ts';

/** Everything enqueue takes besides the type and payload, plus the caller's transaction (`connection`). */
export interface EnqueueOptions extends Omit<EnqueueInput, 'type' | 'payload'>, EnqueueTarget {}

/**
 * How start() runs this process's part. The defaults are an app's: lead the schedules, run every
 * queue type. A tool beside a running app (the CLI) starts with `scheduler: 'manual'` and the
 * runner types it wants (none, or one), so it never takes the schedules over from the app.
 */
export interface StartOptions {
  /**
   * 'cron' (default): contend for the scheduler lease (one scheduler per database) and fire the
   * schedules while holding it. 'manual': never take the lease nor arm cron timers; runNow() still
   * runs a job in a worker thread, recorded in the ledger like any manual run.
   */
  scheduler?: 'cron' | 'manual';
  /** The queue types this process's runner claims (default: every type; none: no runner, no queue threads). */
  runnerTypes?: readonly string[];
}

/** What start() builds: the parts that need the job files loaded. */
interface Parts {
  jobs: LoadedJob[];
  /** Every job's queue type (a scheduled job can be enqueued too), shared by the queue and the runner. */
  types: JobTypes;
  queue: Queue<SyncStore>;
  scheduler: JobScheduler;
  runner: QueueRunner | undefined;
  metrics: Metrics;
}

export class NightshiftNotStartedError extends Error {
  readonly code = 'NOT_STARTED';
  constructor(what: string) {
    super(`${what} needs Nightshift started: await ns.start() first`);
    this.name = 'NightshiftNotStartedError';
  }
}

export class Nightshift {
  readonly options: ResolvedOptions;
  readonly logger: Logger;
  private store?: SqliteStore;
  private parts?: Parts;
  private starting?: Promise<void>;
  private stopping?: Promise<void>;
  private readonly servers = new Set<Listening>();

  constructor(options: NightshiftOptions) {
    this.options = parseOptions(options);
    this.logger = this.options.logger ? fromHostLogger(this.options.logger) : createLogger({ level: this.options.logLevel, format: this.options.logFormat });
  }

  /**
   * Opens and migrates the database, loads the job files, then (when enabled) starts the scheduler
   * and the queue runner. Never opens a port. Rejects with one clear error when the database cannot
   * be used (DatabaseOpenError, SchemaTooNewError) or a job file is invalid; idempotent.
   */
  start(options: StartOptions = {}): Promise<void> {
    this.starting ??= this.doStart(options);
    return this.starting;
  }

  /**
   * Opens the database and brings Nightshift's own tables up to date, and nothing else (start()
   * does it first). For an app that migrates its own tables in between: ns.migrate(), then the
   * app's migrations, then ns.start(). Refuses a schema newer than this code before writing.
   */
  migrate(): Promise<void> {
    this.migrating ??= (async () => {
      const database = this.options.database as string | Db;
      // The app's own connection must be in WAL, as a file Nightshift opens is (see requireWal).
      if (typeof database !== 'string') requireWal(database, (f) => this.logger.info('Switched the app database to WAL journal mode for Nightshift', f));
      const store = (this.store = openSqliteStore(database));
      const { applied } = store.migrate();
      if (applied.length) this.logger.info('Nightshift tables migrated', { applied });
    })();
    return this.migrating;
  }
  private migrating?: Promise<void>;

  private async doStart(options: StartOptions): Promise<void> {
    const o = this.options;
    await this.migrate();
    const store = this.store!;
    const jobs = await loadJobSources(o.jobs);
    const types = new JobTypes(jobs);
    const logger = this.logger;
    // Counters are fed by the scheduler's and runner's hooks; gauges read the store per scrape.
    const metrics = createMetrics({ store, logger, processMetrics: true });
    const logLevel = o.logLevel === 'silent' ? 'silent' : o.logLevel;
    const scheduler = new JobScheduler({
      store, jobs, logger, logLevel,
      enabled: o.enabled,
      timezone: o.timezone,
      leaseMs: o.schedulerLeaseMs,
      shutdownGraceMs: o.shutdownGraceMs,
      events: metrics.schedulerEvents,
    });
    const runnerTypes = this.runnerTypes(types, jobs, options.runnerTypes);
    const runner = o.enabled && o.workers > 0 && runnerTypes
      ? new QueueRunner({
          store, jobs: runnerTypes, logger, logLevel,
          workers: o.workers,
          pollIntervalMs: o.pollIntervalMs,
          leaseMs: o.queueLeaseMs,
          shutdownGraceMs: o.shutdownGraceMs,
          events: metrics.runnerEvents,
        })
      : undefined;
    // The runner claims right after an enqueue or a cancel in this process instead of at its next poll.
    const limits = { maxPayloadBytes: o.maxPayloadBytes, maxRunAheadMs: o.maxRunAheadMs };
    const queue = new Queue({ store, jobs: types, logger, limits, onEnqueue: (job) => runner?.wake(job.runAt), onCancel: (id) => runner?.cancel(id), onRetry: metrics.onManualRetry, onPausedChange: () => void runner?.refreshPaused() });
    metrics.attach({ scheduler, queue, runner });
    this.parts = { jobs, types, queue, scheduler, runner, metrics };
    await (options.scheduler === 'manual' ? scheduler.startForManualRuns() : scheduler.start());
    await runner?.start();
  }

  /** The runner's types: all of them (shared, so register() adds to both), a subset, or none (no runner). */
  private runnerTypes(types: JobTypes, jobs: readonly LoadedJob[], names: readonly string[] | undefined): JobTypes | undefined {
    if (names === undefined) return types;
    for (const name of names) types.require(name);
    return names.length ? new JobTypes(jobs.filter((j) => names.includes(j.definition.name))) : undefined;
  }

  /**
   * Adds jobs to a started Nightshift: a job file (path or URL), a folder of them, a defineJob(...)
   * result, or a list. Each becomes a queue type (enqueue accepts it; this process's runner runs it:
   * its worker threads import the file before the first job is claimed), and a scheduled one also
   * joins the scheduler. The API's job types, its OpenAPI document and the dashboard list it at
   * once. Refuses a name already taken (DuplicateJobError) or an invalid file, adding none of the
   * jobs given. Resolves with the jobs added.
   */
  async register(source: JobSource | readonly JobSource[]): Promise<readonly LoadedJob[]> {
    if (!this.starting) throw new NightshiftNotStartedError('register');
    await this.starting;
    const parts = this.started;
    // One registration at a time: two registering the same name must not both pass the check.
    const added = this.registering.then(() => this.add(parts, source));
    this.registering = added.catch(() => undefined);
    return added;
  }
  private registering: Promise<unknown> = Promise.resolve();

  private async add(parts: Parts, source: JobSource | readonly JobSource[]): Promise<readonly LoadedJob[]> {
    const jobs = await loadJobSources(source);
    for (const job of jobs) {
      const known = parts.types.get(job.definition.name)?.job ?? parts.scheduler.list().find((j) => j.definition.name === job.definition.name);
      if (known) throw new DuplicateJobError(job.definition.name, job.file, known.file);
    }
    for (const job of jobs) {
      // A runner limited to some types (StartOptions.runnerTypes) does not take new ones.
      if (parts.runner?.types === parts.types) await parts.runner.loadJobFile(job);
      parts.types.add(job);
      parts.jobs.push(job);
      if (job.definition.schedule) await parts.scheduler.register(job);
      this.logger.info('Job registered', { job: job.definition.name, file: job.file, schedule: job.definition.schedule });
    }
    // Zero series for the new names, so increase() works from their first event.
    parts.metrics.attach({ scheduler: parts.scheduler, queue: parts.queue, runner: parts.runner });
    return jobs;
  }

  private get started(): Parts {
    if (!this.parts) throw new NightshiftNotStartedError('This');
    return this.parts;
  }

  /**
   * Validates and stores a job; on SQLite synchronously, so inside the app's own transaction on
   * the same connection the job commits or rolls back with the app's rows, and a bad payload throws
   * (UnknownJobTypeError, QueueValidationError) before anything is written.
   */
  enqueue(type: string, payload?: unknown, options: EnqueueOptions = {}): EnqueueResult {
    if (!this.parts) throw new NightshiftNotStartedError('enqueue');
    const { connection, ...input } = options;
    return this.parts.queue.enqueue({ ...input, type, payload }, { connection });
  }

  /**
   * Validates and stores many jobs (up to MAX_BATCH_JOBS), all or nothing, in one transaction: on
   * SQLite synchronously, so inside the app's own transaction too. One result per job, in order;
   * a repeated idempotency key (against stored jobs or earlier in the batch) answers that job.
   */
  enqueueMany(jobs: readonly EnqueueInput[], options: EnqueueTarget = {}): EnqueueResult[] {
    if (!this.parts) throw new NightshiftNotStartedError('enqueueMany');
    return this.parts.queue.enqueueMany(jobs, { connection: options.connection });
  }

  /** The queue: get, list, progress, cancel, retry, counts (seed 003's operations). */
  get queue(): Queue<SyncStore> {
    return this.started.queue;
  }

  /** The scheduler: register, list, runNow, getStatus, getJobStatus (seed 002's API), start/stop. */
  get scheduler(): JobScheduler {
    return this.started.scheduler;
  }

  /** The queue runner of this process (undefined when disabled or with workers: 0). */
  get runner(): QueueRunner | undefined {
    return this.started.runner;
  }

  /** Prometheus metrics of this process (mounted at /metrics by routes()). */
  get metrics(): Metrics {
    return this.started.metrics;
  }

  /** The jobs this Nightshift loaded. */
  get jobs(): readonly LoadedJob[] {
    return this.started.jobs;
  }

  /** The run ledger: every run of every job, newest first. */
  readonly runs = {
    /** Large details and errors summarised (`truncated` names them); get(id) has them whole. */
    list: async (filter: RunFilter): Promise<ListedJobRun[]> => (await this.requireStore('runs.list').runs.list(filter)).map(boundListedRun),
    get: async (id: string): Promise<JobRun | undefined> => this.requireStore('runs.get').runs.get(id),
  };

  /** The ledger needs the database only: it can be read after migrate(), without the job files. */
  private requireStore(what: string): SqliteStore {
    if (!this.store) throw new NightshiftNotStartedError(what);
    return this.store;
  }

  /**
   * The API and dashboard as a Hono sub-app: mount it anywhere (`app.route('/admin/jobs',
   * ns.routes({ authorize }))`). It may be created before start(); until start() has finished it
   * answers 503.
   */
  routes(options: RoutesOptions = {}): Hono {
    return mountable(() => this.engine(), options);
  }

  /** What routes() serves, once started. */
  private engine(): EngineParts | undefined {
    if (!this.parts || !this.store) return undefined;
    const { queue, scheduler, metrics } = this.parts;
    return { store: this.store, queue, scheduler, metrics, logger: this.logger };
  }

  /** A standalone server for the routes (the reference app uses it); stop() closes it. */
  async listen(options: ListenOptions & RoutesOptions = {}): Promise<Listening> {
    const server = await listen(this.routes(options), options);
    this.servers.add(server);
    this.logger.info('Nightshift listening', { url: server.url, bound: server.bound });
    return server;
  }

  /**
   * Stops the scheduler and the runner (running jobs get shutdownGraceMs, then their threads are
   * terminated; interrupted queue jobs go back to pending), closes listen()'s servers, and closes
   * the database when Nightshift opened it (an app's own Database stays open). Idempotent.
   */
  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    if (this.starting) await this.starting.catch(() => undefined);
    const servers = [...this.servers].map((s) => s.close(this.options.shutdownGraceMs));
    const parts = this.parts;
    // Both share one grace period: a stop never waits longer than shutdownGraceMs for jobs.
    await Promise.all([parts?.runner?.stop(this.options.shutdownGraceMs), parts?.scheduler.stop(this.options.shutdownGraceMs)]);
    await Promise.all(servers);
    const closed = this.store?.close();
    if (isPromise(closed)) await closed;
  }
}

/** Creates a Nightshift; nothing is opened until start(). Throws NightshiftOptionsError for a bad option. */
export function createNightshift(options: NightshiftOptions): Nightshift {
  return new Nightshift(options);
}
