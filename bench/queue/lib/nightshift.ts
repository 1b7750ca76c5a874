// A Nightshift queue on a fresh database file, wired as src/app/runtime.ts wires it: one SqliteStore (its
// connection and its WriteGate) shared by the main thread's Queue and QueueRunner, and Queue.enqueue
// wakes the runner with the job's runAt.
import { BroadcastChannel } from 'node:worker_threads';
import type { Db } from '../../../src/store/sqlite/open.ts';
import { loadJobFile, type LoadedJob } from '../../../src/jobs/load.ts';
import { createLogger } from '../../../src/log/logger.ts';
import { Queue, QueueRunner, type QueueRunnerOptions } from '../../../src/queue/index.ts';
import { openSqliteStore, type SqliteStore } from '../../../src/store/sqlite/index.ts';
import { COUNT_CHANNEL } from '../jobs/noop.ts';
import { BENCH_JOBS, freshDbPath } from './paths.ts';

export interface NightshiftBench {
  path: string;
  /** Nightshift's store on the file; `db` is its connection. */
  store: SqliteStore;
  db: Db;
  jobs: LoadedJob[];
  queue: Queue<SqliteStore>;
  runner: QueueRunner;
}

// Warnings and errors still print (on stderr, so they never mix with the RESULT line).
const logger = createLogger({ level: 'warn', sink: (r) => process.stderr.write(JSON.stringify(r) + '\n') });

/** tuning: QueueRunner options for what-if runs (e.g. maxPrefetch); the benchmark's main rows pass none. */
export async function nightshift(name: string, workers?: number, tuning: Pick<QueueRunnerOptions, 'maxPrefetch' | 'queuedBudgetMs'> = {}): Promise<NightshiftBench> {
  const path = freshDbPath(name);
  const store = openSqliteStore(path);
  store.migrate();
  const { db } = store;
  const jobs = await Promise.all(BENCH_JOBS.map(loadJobFile));
  let runner: QueueRunner | undefined;
  const queue = new Queue({ store, jobs, logger, onEnqueue: (job) => runner?.wake(job.runAt), onCancel: (id) => runner?.cancel(id) });
  // Everything else at QueueRunner's defaults (threads, poll interval, lease, prefetch, ...).
  runner = new QueueRunner({ store, jobs, logger, logLevel: 'warn', ...tuning, ...(workers === undefined ? {} : { workers }) });
  return { path, store, db, jobs, queue, runner };
}

/** Handler invocations of bench.noop per worker thread (asked over a BroadcastChannel). */
export async function handlerCalls(expectedThreads: number, timeoutMs = 2_000): Promise<{ threads: number; calls: number }> {
  const channel = new BroadcastChannel(COUNT_CHANNEL);
  const replies = new Map<number, number>();
  try {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      channel.onmessage = (event) => {
        const data = (event as MessageEvent).data as { threadId?: number; calls?: number };
        if (typeof data?.threadId !== 'number' || typeof data.calls !== 'number') return;
        replies.set(data.threadId, data.calls);
        if (replies.size >= expectedThreads) {
          clearTimeout(timer);
          resolve();
        }
      };
      channel.postMessage({ ask: 'count' });
    });
  } finally {
    channel.close();
  }
  let calls = 0;
  for (const c of replies.values()) calls += c;
  return { threads: replies.size, calls };
}

export interface QueueRowCheck {
  rows: number;
  byStatus: Record<string, number>;
  /** completed with attempts = 1 */
  completedOnce: number;
  /** queue nightshift_job_runs rows, and how many jobs do not have exactly one 'success' run */
  runs: number;
  jobsWithoutExactlyOneSuccessRun: number;
}

export function checkRows(db: Db, type: string): QueueRowCheck {
  const byStatus: Record<string, number> = {};
  for (const r of db.prepare('SELECT status, COUNT(*) AS n FROM nightshift_queue_jobs WHERE type = ? GROUP BY status').all(type) as { status: string; n: number }[]) {
    byStatus[r.status] = r.n;
  }
  const rows = Object.values(byStatus).reduce((a, b) => a + b, 0);
  const completedOnce = (db.prepare("SELECT COUNT(*) AS n FROM nightshift_queue_jobs WHERE type = ? AND status = 'completed' AND attempts = 1").get(type) as { n: number }).n;
  const runs = (db.prepare("SELECT COUNT(*) AS n FROM nightshift_job_runs WHERE name = ? AND trigger = 'queue'").get(type) as { n: number }).n;
  const jobsWithoutExactlyOneSuccessRun = (
    db
      .prepare(
        `SELECT COUNT(*) AS n FROM nightshift_queue_jobs j
         WHERE j.type = ? AND (SELECT COUNT(*) FROM nightshift_job_runs r WHERE r.job_id = j.id AND r.status = 'success') != 1`,
      )
      .get(type) as { n: number }
  ).n;
  return { rows, byStatus, completedOnce, runs, jobsWithoutExactlyOneSuccessRun };
}
