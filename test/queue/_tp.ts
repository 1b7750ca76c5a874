import { tempDb, waitFor } from '/work/main/test/helpers/index.ts';
import { loadJobs } from '/work/main/src/jobs/load.ts';
import { createLogger } from '/work/main/src/log/logger.ts';
import { Queue, QueueRunner } from '/work/main/src/queue/index.ts';
import { better, defineQueue, defineWorker } from 'plainjob';
import Database from 'better-sqlite3';
const N = Number(process.env.N ?? 20000);
if (process.env.PJ) {
  const t = tempDb();
  const db = new Database(t.path + '.pj'); db.pragma('journal_mode=WAL'); db.pragma('synchronous=NORMAL');
  const queue = defineQueue({ connection: better(db), logger: { info() {}, warn() {}, error() {}, debug() {} } as any });
  const t0 = performance.now();
  for (let i = 0; i < N; i++) queue.add('t', { i });
  const t1 = performance.now();
  let done = 0;
  await new Promise<void>((resolve) => {
    const w = defineWorker('t', async () => { if (++done === N) resolve(); }, { queue, pollIntervall: 1, logger: { info() {}, warn() {}, error() {}, debug() {} } as any });
    w.start();
  });
  const t2 = performance.now();
  console.log(`plainjob: enqueue ${(t1 - t0).toFixed(0)} ms; end-to-end ${Math.round(N / ((t2 - t0) / 1000))} jobs/s; run-only ${Math.round(N / ((t2 - t1) / 1000))} jobs/s`);
  process.exit(0);
}
const t = tempDb();
const logger = createLogger({ level: 'warn' });
const jobs = await loadJobs('/work/main/test/fixtures/queue-jobs');
let runner!: QueueRunner;
const queue = new Queue({ db: t.db, jobs, logger, onEnqueue: () => runner?.wake() });
runner = new QueueRunner({ db: t.db, databasePath: t.path, jobs, logger, workers: Number(process.env.W ?? 2), logLevel: 'warn', maxPrefetch: Number(process.env.P ?? 64) });
await runner.start();
const t0 = performance.now();
if (process.env.TX) t.db.transaction(() => { for (let i = 0; i < N; i++) queue.enqueue({ type: 'test.noop' }); })();
else for (let i = 0; i < N; i++) queue.enqueue({ type: 'test.noop' });
const t1 = performance.now();
await waitFor(() => runner.stats().completed === N, { timeoutMs: 120000, intervalMs: 5 });
const t2 = performance.now();
console.log(`nightshift: enqueue ${(t1 - t0).toFixed(0)} ms; end-to-end ${Math.round(N / ((t2 - t0) / 1000))} jobs/s; run-only ${Math.round(N / ((t2 - t1) / 1000))} jobs/s`, JSON.stringify(runner.stats()));
await runner.stop();
t.cleanup();
