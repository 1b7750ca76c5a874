// Runs inside a Bree worker thread: one run of one scheduled job. It opens its own connection to
// the shared database, runs the job and, on success, closes its job_runs row itself. Failures are
// left to the main thread, which sees the thread's error or exit code and records them.
import { parentPort, workerData } from 'node:worker_threads';
import { loadJobFile } from '../jobs/load.ts';
import { createLogger, type LogLevel } from '../log/logger.ts';
import { runReader } from '../runs/reader.ts';
import { openThreadStore } from '../store/sqlite/index.ts';
import type { StoreThreadSpec } from '../store/types.ts';
import { CANCEL, forwardLog, type ThreadToMain } from '../threads/messages.ts';
import type { RunTrigger } from '../jobs/define.ts';

export interface JobThreadData {
  runId: string;
  jobFile: string;
  /** How the thread opens its own store on the same database (its connection is the job's ctx.db). */
  store: StoreThreadSpec;
  trigger: RunTrigger;
  logLevel: LogLevel | 'silent';
}

const port = parentPort!;
const data = (workerData as { run: JobThreadData }).run;
const post = (m: ThreadToMain) => port.postMessage(m);

const controller = new AbortController();
port.on('message', (message) => {
  if (message === CANCEL) controller.abort(new Error('Cancelled'));
});

const { definition } = await loadJobFile(data.jobFile);
const logger = createLogger({ level: data.logLevel, sink: forwardLog(post) }, { job: definition.name, runId: data.runId });
// PostgreSQL threads open their store with openPostgresThreadStore once the engine runs on it (issue 13).
if (data.store.kind !== 'sqlite') throw new Error(`Worker threads on a ${data.store.kind} store are not supported yet`);
const store = openThreadStore(data.store);
const { db, gate } = store;
post({ type: 'started' });
try {
  const details =
    (await definition.run({
      db,
      runs: runReader(store.runs),
      signal: controller.signal,
      logger,
      runId: data.runId,
      trigger: data.trigger,
      payload: undefined,
      envelope: { payload: undefined },
      progress: (processed, total) => post({ type: 'progress', processed, total: total ?? null }),
      yieldToWriters: () => gate.yieldToWriters(),
    })) ?? {};
  // The worker appends its own result to the ledger; the main thread only fills in failures.
  await store.runs.finish(data.runId, { status: 'success', details });
  post({ type: 'result', details });
} finally {
  store.close();
  // Let the thread end on its own once the job is done (Bree's 'done' message would also remove
  // the main thread's exit listener, which records failures).
  port.removeAllListeners('message');
  port.unref();
}
