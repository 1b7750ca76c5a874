// Helpers for the scheduler and job-script suites: fixture job folders (one per scenario), a per-test
// database whose schedulers are stopped when the test ends, direct reads of nightshift_job_runs, a job context for calling a
// job's run() in-process, and small process helpers (a dead pid, a free port).
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { openDatabase, type Db } from '../../src/store/sqlite/open.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { runReader } from '../../src/runs/reader.ts';
import type { JobContext, JobDefinition, JobDetails } from '../../src/jobs/define.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { loadJobFile, type LoadedJob } from '../../src/jobs/load.ts';
import { isProcessAlive } from '../../src/core/owner.ts';
import type { JobScheduler, SchedulerOptions } from '../../src/scheduler/scheduler.ts';
import { FIXTURE_JOBS_DIR, tempDb, testScheduler, type TempDb, type TestScheduler } from './index.ts';

const FIXTURES = join(FIXTURE_JOBS_DIR, '..');

/** One folder per scenario, so a scheduler only loads the jobs its test needs. */
export const FIXTURE_DIRS = {
  everySecond: join(FIXTURES, 'jobs-every-second'),
  slow: join(FIXTURES, 'jobs-slow'),
  daily: join(FIXTURES, 'jobs-daily'),
  timeout: join(FIXTURES, 'jobs-timeout'),
  failing: join(FIXTURES, 'jobs-failing'),
  shutdown: join(FIXTURES, 'jobs-shutdown'),
} as const;

export const HOLD_LEASE_SCRIPT = join(FIXTURES, 'hold-lease.ts');

export interface Harness extends TempDb {
  /** A scheduler on this database (the test's store unless options.store says otherwise). */
  scheduler(jobs: LoadedJob[] | string, options?: Partial<SchedulerOptions>): Promise<TestScheduler>;
  /** Another connection to the same database file, as a second process or thread would have. */
  connection(): Db;
}

/**
 * A fresh temp database for one test, plus the schedulers and connections the test makes on it.
 * When the test ends, every scheduler is stopped (short grace, so a failed test does not hang on a
 * long fixture job), then the extra connections are closed, then the temp dir is removed.
 */
export function harness(t: TestContext): Harness {
  const db = tempDb();
  const schedulers: JobScheduler[] = [];
  const connections: Db[] = [];
  t.after(async () => {
    for (const s of schedulers) await s.stop(500).catch(() => undefined);
    for (const c of connections) c.close();
    db.cleanup();
  });
  return {
    ...db,
    async scheduler(jobs, options = {}) {
      const made = await testScheduler(db, jobs, options);
      schedulers.push(made.scheduler);
      return made;
    },
    connection() {
      const c = openDatabase(db.path);
      connections.push(c);
      return c;
    },
  };
}

import type { RunRow } from '../../src/store/run-rows.ts';
export type { RunRow };

/** Every nightshift_job_runs row of a job (or all), oldest first, read straight from SQL. */
export function runRows(db: Db, name?: string): RunRow[] {
  return (
    name === undefined
      ? db.prepare(`SELECT * FROM nightshift_job_runs ORDER BY started_at, rowid`).all()
      : db.prepare(`SELECT * FROM nightshift_job_runs WHERE name = ? ORDER BY started_at, rowid`).all(name)
  ) as RunRow[];
}

export function runRow(db: Db, id: string): RunRow | undefined {
  return db.prepare(`SELECT * FROM nightshift_job_runs WHERE id = ?`).get(id) as RunRow | undefined;
}

/** The context the worker thread would build, for calling a job's run() directly in a test. */
export function jobContext(db: Db, overrides: Partial<JobContext<void>> = {}): JobContext<void> {
  return {
    db,
    runs: runReader(openSqliteStore(db).runs),
    signal: new AbortController().signal,
    logger: silentLogger,
    runId: 'test',
    trigger: 'manual',
    payload: undefined,
    envelope: { payload: undefined },
    progress: () => {},
    yieldToWriters: () => {},
    ...overrides,
  };
}

/** Calls a job's run(ctx) in this thread and returns its details (a job that returns nothing: {}). */
export async function runJob(job: JobDefinition<void>, ctx: JobContext<void>): Promise<JobDetails> {
  return (await job.run(ctx)) ?? {};
}

/** A pid with no process behind it (owners of "crashed" runs and leases). */
export function deadPid(): number {
  for (let pid = 999_999; pid > 1; pid--) if (!isProcessAlive(pid)) return pid;
  throw new Error('no free pid found');
}

/** A TCP port that was free a moment ago (listen on 0, read the port, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Options for tests that wait on threads, timers or child processes: a broken scheduler (a run that
 * never settles, a stop() that never returns) fails the test instead of hanging the whole suite.
 */
export const BOUNDED = { timeout: 60_000 } as const;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs one job file through a real scheduler (a Bree worker thread), asserts the run succeeded with
 * a manual trigger, no error and an integer duration, and returns its parsed details.
 */
export async function runThroughScheduler(h: Harness, jobFile: URL, name: string): Promise<JobDetails> {
  const { scheduler } = await h.scheduler([await loadJobFile(jobFile.pathname)]);
  await scheduler.start();
  const handle = await scheduler.runNow(name);
  const outcome = await handle.done;
  assert.equal(outcome.status, 'success', outcome.error ?? '');
  const row = runRow(h.db, handle.runId)!;
  assert.equal(row.status, 'success');
  assert.equal(row.trigger, 'manual');
  assert.equal(row.error, null);
  assert.ok(Number.isInteger(row.duration_ms) && row.duration_ms! >= 0, 'durationMs recorded');
  return JSON.parse(row.details!) as JobDetails;
}
