// Helpers for queue tests: a Queue + QueueRunner on a temp database over the fixture jobs, a fake
// JobContext for calling a job's run() directly, and small polling helpers.
import { join } from 'node:path';
import type { JobContext } from '../../src/jobs/define.ts';
import { loadJobs, type LoadedJob } from '../../src/jobs/load.ts';
import { createLogger, type LogRecord } from '../../src/log/logger.ts';
import { Queue, QueueRunner, type QueueJob, type QueueJobContext, type QueueJobStatus, type QueueRunnerOptions } from '../../src/queue/index.ts';
import { captureLogs, REPO_ROOT, tempDb, waitFor, type CapturedLogs, type TempDb } from '../helpers/index.ts';
import type { Db } from '../../src/store/sqlite/open.ts';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/index.ts';
import { runReader } from '../../src/runs/reader.ts';

export const QUEUE_FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'queue-jobs');
export const RUNNER_CHILD = join(REPO_ROOT, 'test', 'fixtures', 'queue-runner-child.ts');

export interface Harness {
  t: TempDb;
  jobs: LoadedJob[];
  queue: Queue<SqliteStore>;
  runner: QueueRunner;
  logs: CapturedLogs;
  /** Stops the runner (if started) and removes the database. */
  close(): Promise<void>;
}

let fixtureJobs: Promise<LoadedJob[]> | undefined;
export const loadFixtureJobs = () => (fixtureJobs ??= loadJobs(QUEUE_FIXTURES));

/** Queue and runner (not started) on a fresh database; fast polling and short backoff for tests. */
export async function harness(options: Partial<QueueRunnerOptions> & { jobs?: LoadedJob[]; t?: TempDb } = {}): Promise<Harness> {
  const t = options.t ?? tempDb();
  const jobs = options.jobs ?? (await loadFixtureJobs());
  const logs = captureLogs();
  let runner: QueueRunner | undefined;
  const queue = new Queue({ store: t.store, jobs, logger: logs.logger, onEnqueue: (job) => runner?.wake(job.runAt), onCancel: (id) => runner?.cancel(id) });
  runner = new QueueRunner({
    store: t.store,
    jobs,
    logger: logs.logger,
    workers: 1,
    pollIntervalMs: 50,
    leaseMs: 3_000,
    shutdownGraceMs: 2_000,
    cancelGraceMs: 500,
    logLevel: 'debug',
    backoff: { baseMs: 50, maxMs: 1_000, jitter: 0.2 },
    ...options,
  });
  const r = runner;
  return {
    t,
    jobs,
    queue,
    runner: r,
    logs,
    async close() {
      await r.stop(2_000);
      t.cleanup();
    },
  };
}

export async function waitForStatus(queue: Queue, id: string, status: QueueJobStatus | QueueJobStatus[], timeoutMs = 10_000): Promise<QueueJob> {
  const wanted = Array.isArray(status) ? status : [status];
  let last: QueueJob | undefined;
  try {
    return await waitFor(
      async () => {
        last = await queue.get(id);
        return last && wanted.includes(last.status) ? last : undefined;
      },
      { timeoutMs, intervalMs: 10, what: `job ${id} to be ${wanted.join('/')}` },
    );
  } catch (err) {
    throw new Error(`${(err as Error).message} (is ${last?.status})`);
  }
}

export interface RunRow {
  id: string;
  name: string;
  status: string;
  trigger: string;
  job_id: string | null;
  trace_id: string | null;
  error: string | null;
  details: string | null;
}

export function runsOf(db: Db, jobId: string): RunRow[] {
  return db.prepare(`SELECT * FROM nightshift_job_runs WHERE job_id = ? ORDER BY started_at, rowid`).all(jobId) as RunRow[];
}

export interface FakeContext<P> {
  ctx: QueueJobContext<P>;
  logs: LogRecord[];
  progress: [number, number | undefined][];
  controller: AbortController;
}

/** A context for calling a job's run() directly, in this thread, on `db`. */
export function fakeContext<P>(db: Db, payload: P, envelope: Partial<JobContext<P>['envelope']> = {}): FakeContext<P> {
  const logs: LogRecord[] = [];
  const progress: [number, number | undefined][] = [];
  const controller = new AbortController();
  const traceId = envelope.traceId ?? 'test-trace';
  const ctx: QueueJobContext<P> = {
    db,
    runs: runReader(openSqliteStore(db).runs),
    signal: controller.signal,
    logger: createLogger({ level: 'debug', sink: (r) => logs.push(r) }, { traceId, tenantId: envelope.tenantId }),
    runId: '00000000-0000-7000-8000-000000000000',
    trigger: 'queue',
    payload,
    envelope: { traceId, ...envelope, payload },
    progress: (processed, total) => void progress.push([processed, total]),
    yieldToWriters: () => undefined,
    jobId: 'test-job',
    attempt: 1,
    maxAttempts: 3,
  };
  return { ctx, logs, progress, controller };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
