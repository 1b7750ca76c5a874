// Builds and starts the whole engine in this process: database, migrations, job files, scheduler,
// HTTP server. server.ts calls it for `npm start`; tests and benchmarks call it with their own config.
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Config } from './config/config.ts';
import { resolveJwtSecret } from './config/jwt-secret.ts';
import type { Db } from './db/open.ts';
import { migrateAppSchema } from './domain/schema.ts';
import { createApp, type App } from './http/app.ts';
import { loadJobs } from './jobs/load.ts';
import { createLogger, type Logger } from './log/logger.ts';
import { JobScheduler } from './scheduler/scheduler.ts';
import { Queue, QueueRunner } from './queue/index.ts';
import { createMetrics } from './metrics/metrics.ts';
import { openSqliteStore, type SqliteStore } from './store/sqlite/index.ts';

export interface Runtime {
  config: Config;
  /** The app's database connection (Nightshift's store runs on the same one). */
  db: Db;
  store: SqliteStore;
  app: App;
  scheduler: JobScheduler;
  /** Enqueue, read and control queue jobs (works without a runner). */
  queue: Queue<SqliteStore>;
  /** Runs queue jobs; undefined when JOBS_ENABLED=false or QUEUE_WORKERS=0. */
  runner: QueueRunner | undefined;
  logger: Logger;
  /** Base URL the server listens on, e.g. http://127.0.0.1:3000 */
  url: string;
  /** Stops the scheduler (bounded by SHUTDOWN_GRACE_MS), the server and the database. */
  stop(): Promise<void>;
}

export async function startRuntime(config: Config, logger: Logger = createLogger({ level: config.logLevel, format: config.logFormat })): Promise<Runtime> {
  const jwtSecret = resolveJwtSecret(config, logger);
  const store = openSqliteStore(config.databasePath);
  const { db } = store;
  const { applied } = store.migrate();
  if (applied.length) logger.info('Database migrated', { path: config.databasePath, applied });
  const appApplied = migrateAppSchema(db);
  if (appApplied.length) logger.info("App's tables migrated", { applied: appApplied });
  const jobs = await loadJobs(config.jobsDir);
  // Counters are fed by the scheduler's and runner's hooks; gauges read them (and the store) per scrape.
  const metrics = createMetrics({ store, logger, processMetrics: true });
  const scheduler = new JobScheduler({
    store,
    jobs,
    logger,
    enabled: config.jobsEnabled,
    timezone: config.timezone,
    leaseMs: config.schedulerLeaseMs,
    shutdownGraceMs: config.shutdownGraceMs,
    logLevel: config.logLevel,
    events: metrics.schedulerEvents,
  });
  const runner =
    config.jobsEnabled && config.queueWorkers > 0
      ? new QueueRunner({
          store,
          jobs,
          logger,
          workers: config.queueWorkers,
          pollIntervalMs: config.queuePollIntervalMs,
          leaseMs: config.queueLeaseMs,
          shutdownGraceMs: config.shutdownGraceMs,
          logLevel: config.logLevel,
          events: metrics.runnerEvents,
        })
      : undefined;
  // The runner claims right after an enqueue or a cancel in this process instead of at its next poll.
  const queue = new Queue({ store, jobs, logger, onEnqueue: (job) => runner?.wake(job.runAt), onCancel: (id) => runner?.cancel(id), onRetry: metrics.onManualRetry });
  metrics.attach({ scheduler, queue, runner });
  const app = createApp({
    store,
    scheduler,
    queue,
    logger,
    domain: { db, write: (fn) => store.gate.write(fn) },
    jwtSecret,
    runWaitMs: config.runWaitMs,
    bodyLimitBytes: config.bodyLimitBytes,
    metricsToken: config.metricsToken,
    dashboardSessionMinutes: config.dashboardSessionMinutes,
    metrics,
  }, { dashboardPath: '/dashboard' });

  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, () => resolve(s));
  });
  const address = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `http://${host}:${address.port}`;
  // `url` is an address to open from this host; `bound` is what the socket listens on (0.0.0.0: every interface).
  logger.info('Nightshift listening', { url, bound: `${config.host}:${address.port}`, database: config.databasePath, jobsEnabled: config.jobsEnabled });
  await scheduler.start();
  await runner?.start();

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      // Stop accepting connections first; requests in flight (e.g. a manual run being awaited) end
      // when the scheduler settles their runs. Whatever is still open after that is cut.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Both share one grace period: SIGTERM never waits longer than SHUTDOWN_GRACE_MS for jobs.
      await Promise.all([runner?.stop(config.shutdownGraceMs), scheduler.stop(config.shutdownGraceMs)]);
      // Give requests that were waiting on a run a moment to write their answer, then cut the rest.
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      await closed;
      store.close();
    })());
  return { config, db, store, app, scheduler, queue, runner, logger, url, stop };
}
