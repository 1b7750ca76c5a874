// Shared test helpers: a fresh SQLite file in a temp dir per test, a scheduler or app built on it,
// tokens, and log capture. Every test gets its own database; nothing is shared between tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from '../../src/store/sqlite/open.ts';
import { migrateAppSchema } from '../../src/app/domain/schema.ts';
import { createApp, type App } from '../../src/http/app.ts';
import { signToken } from '../../src/http/auth/auth.ts';
import type { Role } from '../../src/http/auth/roles.ts';
import { loadJobs, type LoadedJob } from '../../src/jobs/load.ts';
import { createLogger, createPinoLogger, type LogRecord, type Logger } from '../../src/log/logger.ts';
import { APP_ROUTES, appRoutes } from '../../src/app/routes/index.ts';
import { Hono } from 'hono';
import { JobScheduler, type SchedulerOptions } from '../../src/scheduler/scheduler.ts';
import { Queue } from '../../src/queue/index.ts';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/index.ts';
import type { WriteGate } from '../../src/store/sqlite/write-gate.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const JOBS_DIR = join(REPO_ROOT, 'jobs');
export const FIXTURE_JOBS_DIR = join(REPO_ROOT, 'test', 'fixtures', 'jobs');
// Strong enough for production mode too (the reference app refuses placeholders and patterns there).
export const TEST_SECRET = 'nK3v9-Lq7ZpT2wXy8RbH4mJc6dFs1GaE0uVo5iYhQ';

export interface TempDb {
  dir: string;
  path: string;
  /** Nightshift's store on the file (its connection is `db`). */
  store: SqliteStore;
  db: Db;
  cleanup(): void;
}

/** A migrated database file in a new temp dir: Nightshift's tables and the reference app's. */
export function tempDb(): TempDb {
  const dir = mkdtempSync(join(tmpdir(), 'nightshift-test-'));
  const path = join(dir, 'test.db');
  const store = openSqliteStore(path);
  store.migrate();
  const db = store.db;
  migrateAppSchema(db);
  return {
    dir,
    path,
    store,
    db,
    cleanup() {
      try {
        db.close();
      } catch {
        /* already closed */
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface CapturedLogs {
  logger: Logger;
  /** The same records through a pino logger (what the reference app and createNightshift take). */
  pino: ReturnType<typeof createPinoLogger>;
  records: LogRecord[];
  messages(): string[];
}

export function captureLogs(): CapturedLogs {
  const records: LogRecord[] = [];
  const sink = (r: LogRecord) => records.push(r);
  const logger = createLogger({ level: 'debug', sink });
  const pino = createPinoLogger({ level: 'debug', sink });
  return { logger, pino, records, messages: () => records.map((r) => r.msg) };
}

export function token(role: Role, options: { sub?: string; ttlSeconds?: number; secret?: string } = {}): Promise<string> {
  return signToken({ sub: options.sub ?? `test-${role}`, role, ttlSeconds: options.ttlSeconds }, options.secret ?? TEST_SECRET);
}

export async function bearer(role: Role): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await token(role)}` };
}

export interface TestScheduler {
  scheduler: JobScheduler;
  logs: CapturedLogs;
}

/** A scheduler over the given job files (or dir) on a temp database. Call scheduler.stop() after. */
export async function testScheduler(
  t: TempDb,
  jobs: LoadedJob[] | string,
  options: Partial<SchedulerOptions> = {},
): Promise<TestScheduler> {
  const logs = captureLogs();
  const loaded = typeof jobs === 'string' ? await loadJobs(jobs) : jobs;
  const scheduler = new JobScheduler({
    store: t.store,
    jobs: loaded,
    logger: logs.logger,
    enabled: true,
    leaseMs: 2_000,
    shutdownGraceMs: 2_000,
    ...options,
  });
  return { scheduler, logs };
}

export interface TestApp extends TestScheduler {
  /** The reference app's routes, then the engine's (as src/app/runtime.ts composes them). */
  app: Hono;
  /** The engine's app alone (what its OpenAPI document describes). */
  engine: App;
  gate: WriteGate;
  /** The queue the app enqueues into (no runner: tests that need jobs to run start a QueueRunner). */
  queue: Queue<SqliteStore>;
}

/** The HTTP app in-process (call app.request), with a real scheduler over the shipped jobs. */
export async function testApp(t: TempDb, options: Partial<SchedulerOptions> & { runWaitMs?: number; jobsDir?: string } = {}): Promise<TestApp> {
  const jobs = await loadJobs(options.jobsDir ?? JOBS_DIR);
  const { scheduler, logs } = await testScheduler(t, jobs, options);
  const gate = t.store.gate;
  const queue = new Queue({ store: t.store, jobs, logger: logs.logger });
  const bodyLimitBytes = 100 * 1024;
  const engine = createApp(
    { store: t.store, scheduler, queue, logger: logs.logger, jwtSecret: TEST_SECRET, runWaitMs: options.runWaitMs ?? 20_000, bodyLimitBytes },
    { dashboardPath: '/dashboard', documentRoutes: APP_ROUTES },
  );
  const app = new Hono();
  app.route('/', appRoutes({ db: t.db, write: (fn) => fn(), jwtSecret: TEST_SECRET, bodyLimitBytes, logger: logs.pino }));
  app.route('/', engine);
  // A sub-app's notFound does not carry over to the app it is mounted in (ns.routes() answers every path itself).
  app.notFound((c) => c.json({ error: `No route for ${c.req.method} ${c.req.path}`, code: 'NOT_FOUND' }, 404));
  return { app, engine, scheduler, logs, gate, queue };
}

/** Polls until `check` returns a truthy value or the time runs out (then throws). */
export async function waitFor<T>(check: () => T | Promise<T>, { timeoutMs = 10_000, intervalMs = 25, what = 'condition' } = {}): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
