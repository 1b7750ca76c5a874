// The reference app: seed 000's cleanups and admin API, built on Nightshift's public API the way
// any app would be. It opens its own SQLite file, runs its own migrations (PRAGMA user_version),
// hands the same connection to createNightshift, mounts its routes and then Nightshift's, and
// listens. server.ts calls it for `npm start`; tests call it with their own config.
import { serve, type ServerType } from '@hono/node-server';
import type Database from 'better-sqlite3';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import { createNightshift, openDatabase, type Nightshift, type Queue, type QueueRunner } from '../index.ts';
import type { Config } from './config.ts';
import { migrateAppSchema } from './domain/schema.ts';
import { resolveJwtSecret } from './jwt-secret.ts';
import { appLogger, type AppLogger } from './logger.ts';
import { APP_ROUTES, appRoutes } from './routes/index.ts';

export interface Runtime {
  config: Config;
  /** The app's database connection (Nightshift's tables live in the same file, on the same connection). */
  db: Database.Database;
  ns: Nightshift;
  app: Hono;
  /** Enqueue, read and control queue jobs. */
  queue: Nightshift['queue'];
  /** Runs queue jobs; undefined when JOBS_ENABLED=false or QUEUE_WORKERS=0. */
  runner: QueueRunner | undefined;
  logger: AppLogger;
  /** Base URL the server listens on, e.g. http://127.0.0.1:3000 */
  url: string;
  /** Stops Nightshift (bounded by SHUTDOWN_GRACE_MS), the server and the database. */
  stop(): Promise<void>;
}

export type { Queue };

export async function startRuntime(config: Config, logger: AppLogger = appLogger({ level: config.logLevel, format: config.logFormat })): Promise<Runtime> {
  const jwtSecret = resolveJwtSecret(config, logger);
  const db = openDatabase(config.databasePath);
  const ns = createNightshift({
    database: db,
    jobs: config.jobsDir,
    enabled: config.jobsEnabled,
    timezone: config.timezone,
    workers: config.queueWorkers,
    logger,
    logLevel: config.logLevel,
    schedulerLeaseMs: config.schedulerLeaseMs,
    queueLeaseMs: config.queueLeaseMs,
    pollIntervalMs: config.queuePollIntervalMs,
    shutdownGraceMs: config.shutdownGraceMs,
  });
  try {
    // Nightshift's tables first: a database from a newer Nightshift is refused before the app writes.
    await ns.migrate();
    const applied = migrateAppSchema(db);
    if (applied.length) logger.info({ applied }, "App's tables migrated");
    // Jobs next, the port last: when the app answers, Nightshift's routes are ready too.
    await ns.start();
  } catch (err) {
    await ns.stop();
    db.close();
    throw err;
  }

  const app = new Hono();
  app.route('/', appRoutes({ db, write: (fn) => fn(), jwtSecret, bodyLimitBytes: config.bodyLimitBytes, logger }));
  // Nightshift's routes at the root: its API under /api (seed 000's /api/jobs/...), the dashboard at
  // /dashboard, Prometheus at /metrics. Mounted last: at the root it answers every other path.
  app.route(
    '/',
    ns.routes({
      jwtSecret,
      dashboardPath: '/dashboard',
      runWaitMs: config.runWaitMs,
      bodyLimitBytes: config.bodyLimitBytes,
      metricsToken: config.metricsToken,
      dashboardSessionMinutes: config.dashboardSessionMinutes,
      // The app's own routes appear in the API document too (GET /api/openapi.json).
      documentRoutes: APP_ROUTES,
    }),
  );

  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, () => resolve(s));
  });
  const address = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `http://${host}:${address.port}`;
  // `url` is an address to open from this host; `bound` is what the socket listens on (0.0.0.0: every interface).
  logger.info({ url, bound: `${config.host}:${address.port}`, database: config.databasePath, jobsEnabled: config.jobsEnabled }, 'Nightshift listening');

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      // Stop accepting connections first; requests in flight (e.g. a manual run being awaited) end
      // when the scheduler settles their runs. Whatever is still open after that is cut.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await ns.stop();
      // Give requests that were waiting on a run a moment to write their answer, then cut the rest.
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      await closed;
      db.close();
    })());
  return { config, db, ns, app, queue: ns.queue, runner: ns.runner, logger, url, stop };
}
