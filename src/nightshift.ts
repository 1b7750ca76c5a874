// createNightshift: the engine as a library. It runs beside the app in the app's process, on the
// app's database: scheduled jobs and queue jobs in worker threads, the run ledger, and a Hono
// sub-app (API and dashboard) the app mounts where it likes. It never opens a port by itself
// (listen() does, when asked) and never reads process.env: everything comes in as options.
import type { Hono } from 'hono';
import { isPromise } from './core/awaitable.ts';
import { loadJobSources, type LoadedJob } from './jobs/load.ts';
import { createLogger, fromHostLogger, type Logger } from './log/logger.ts';
import { createMetrics, type Metrics } from './metrics/metrics.ts';
import { parseOptions, type NightshiftOptions, type ResolvedOptions } from './options.ts';
import { Queue, QueueRunner, type EnqueueInput, type EnqueueResult, type EnqueueTarget } from './queue/index.ts';
import type { SyncStore } from './queue/enqueue.ts';
import type { JobRun, RunFilter } from './runs/types.ts';
import { JobScheduler } from './scheduler/scheduler.ts';
import { openSqliteStore, type SqliteStore } from './store/sqlite/index.ts';
import type { Db } from './store/sqlite/open.ts';
import { mountable, type EngineParts, type RoutesOptions } from './http/mount.ts';
import { listen, type Listening, type ListenOptions } from './http/listen.ts';

/** Everything enqueue takes besides the type and payload, plus the caller's transaction (`connection`). */
export interface EnqueueOptions extends Omit<EnqueueInput, 'type' | 'payload'>, EnqueueTarget {}

/** What start() builds: the parts that need the job files loaded. */
interface Parts {
  jobs: LoadedJob[];
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
  start(): Promise<void> {
    this.starting ??= this.doStart();
    return this.starting;
  }

  /**
   * Opens the database and brings Nightshift's own tables up to date, and nothing else (start()
   * does it first). For an app that migrates its own tables in between: ns.migrate(), then the
   * app's migrations, then ns.start(). Refuses a schema newer than this code before writing.
   */
  migrate(): Promise<void> {
    this.migrating ??= (async () => {
      const store = (this.store = openSqliteStore(this.options.database as string | Db));
      const { applied } = store.migrate();
      if (applied.length) this.logger.info('Nightshift tables migrated', { applied });
    })();
    return this.migrating;
  }
  private migrating?: Promise<void>;

  private async doStart(): Promise<void> {
    const o = this.options;
    await this.migrate();
    const store = this.store!;
    const jobs = await loadJobSources(o.jobs);
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
    const runner = o.enabled && o.workers > 0
      ? new QueueRunner({
          store, jobs, logger, logLevel,
          workers: o.workers,
          pollIntervalMs: o.pollIntervalMs,
          leaseMs: o.queueLeaseMs,
          shutdownGraceMs: o.shutdownGraceMs,
          events: metrics.runnerEvents,
        })
      : undefined;
    // The runner claims right after an enqueue or a cancel in this process instead of at its next poll.
    const limits = { maxPayloadBytes: o.maxPayloadBytes, maxRunAheadMs: o.maxRunAheadMs };
    const queue = new Queue({ store, jobs, logger, limits, onEnqueue: (job) => runner?.wake(job.runAt), onCancel: (id) => runner?.cancel(id), onRetry: metrics.onManualRetry });
    metrics.attach({ scheduler, queue, runner });
    this.parts = { jobs, queue, scheduler, runner, metrics };
    await scheduler.start();
    await runner?.start();
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
    list: async (filter: RunFilter): Promise<JobRun[]> => this.requireStore('runs.list').runs.list(filter),
    get: async (id: string): Promise<JobRun | undefined> => this.requireStore('runs.get').runs.get(id),
  };

  private requireStore(what: string): SqliteStore {
    if (!this.store || !this.parts) throw new NightshiftNotStartedError(what);
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
