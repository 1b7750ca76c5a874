// One scenario of the backlog benchmark, in its own process (run.ts starts it):
//   node --import tsx bench/backlog/scenario.ts <name> '<json args>'  -> one `RESULT {json}` line.
// Scenarios:
//   latency  enqueue-to-start at a fixed rate with a backlog in the table (none, future, capped),
//            the idle runner's CPU before it, and how long each runner tick held the write lock;
//   enqueue  one job per call: Queue.enqueue() vs plainjob's queue.add(), same process, same run;
//   bulk     N jobs in chunks: Queue.enqueueMany() vs plainjob's addMany();
//   drain    N no-op jobs, default runner vs plainjob's in-process worker.
import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { better, defineQueue, defineWorker } from 'plainjob';
import { loadJobFile } from '../../src/jobs/load.ts';
import { createLogger } from '../../src/log/logger.ts';
import { Queue, QueueRunner } from '../../src/queue/index.ts';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/index.ts';
import type { TickRequest, TickResult } from '../../src/store/types.ts';
import { BENCH_JOBS, REPO_ROOT, freshDbPath, removeDb } from '../queue/lib/paths.ts';
import { PLAINJOB_TYPE, plainjobQueue, quiet } from '../queue/lib/plainjob.ts';
import { timeCalls } from '../queue/lib/stats.ts';

const HELD_JOB = join(REPO_ROOT, 'bench', 'backlog', 'jobs', 'held.ts');
const logger = createLogger({ level: 'warn', sink: (r) => process.stderr.write(JSON.stringify(r) + '\n') });
const now = () => performance.now();
const wallClock = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const nextTurn = () => new Promise<void>((r) => setImmediate(r));

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = now() + timeoutMs;
  while (!condition()) {
    if (now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(2);
  }
}

async function engine(name: string, workers?: number) {
  const path = freshDbPath(`backlog-${name}`);
  const store = openSqliteStore(path);
  store.migrate();
  const jobs = await Promise.all([...BENCH_JOBS, HELD_JOB].map(loadJobFile));
  let runner: QueueRunner | undefined;
  const queue = new Queue({ store, jobs, logger, onEnqueue: (job) => runner?.wake(job.runAt) });
  runner = new QueueRunner({ store, jobs, logger, logLevel: 'warn', ...(workers ? { workers } : {}) });
  return { path, store, queue, runner };
}

/** Times every runner tick (the tick is one IMMEDIATE transaction: this is how long it held the write lock). */
function timeTicks(store: SqliteStore): { samples: number[] } {
  const timing = { samples: [] as number[] };
  const tick = store.jobs.tick.bind(store.jobs);
  (store.jobs as { tick: (r: TickRequest) => TickResult }).tick = (request) => {
    const t0 = now();
    const result = tick(request) as TickResult;
    timing.samples.push(now() - t0);
    return result;
  };
  return timing;
}

function fill(queue: Queue<SqliteStore>, n: number, input: (i: number) => Parameters<Queue['enqueue']>[0]): void {
  for (let i = 0; i < n; i += 1_000) queue.enqueueMany(Array.from({ length: Math.min(1_000, n - i) }, (_, k) => input(i + k)));
}

export interface LatencyResult {
  backlog: string;
  size: number;
  /** enqueue -> handler start, ms */
  start: number[];
  /** CPU-seconds the whole process used over idleMs with nothing to run (the backlog only) */
  idleCpuS: number;
  idleMs: number;
  /** ms each runner tick took (write lock held), during the idle and the latency phases */
  ticks: number[];
  rssMiB: number;
}

async function latency(args: { backlog: 'none' | 'future' | 'capped'; size: number; rate: number; count: number; idleMs: number }): Promise<LatencyResult> {
  const b = await engine(`latency-${args.backlog}`, 2);
  const later = Date.now() + 3_600_000;
  if (args.backlog === 'future') fill(b.queue, args.size, (i) => ({ type: 'bench.noop', payload: { i }, runAt: later }));
  if (args.backlog === 'capped') b.queue.enqueue({ type: 'bench.held' });
  await b.runner.start();
  if (args.backlog === 'capped') {
    await until(() => b.runner.stats().claimed === 1, 10_000, 'the held job to start');
    fill(b.queue, args.size, () => ({ type: 'bench.held' }));
  }
  const ticks = timeTicks(b.store);
  await sleep(1_000);
  const cpu0 = process.cpuUsage();
  await sleep(args.idleMs);
  const cpu = process.cpuUsage(cpu0);
  const idleCpuS = (cpu.user + cpu.system) / 1e6;

  const sent = new Map<string, number>();
  const gap = 1_000 / args.rate;
  const t0 = now();
  for (let i = 0; i < args.count; i++) {
    while (now() < t0 + i * gap) await nextTurn();
    const at = wallClock();
    sent.set(b.queue.enqueue({ type: 'bench.latency' }).job.id, at);
  }
  const base = args.backlog === 'capped' ? 1 : 0;
  await until(() => b.runner.stats().completed >= args.count, 60_000, 'the latency jobs');
  const rows = b.store.db.prepare(`SELECT id, result FROM nightshift_queue_jobs WHERE type = 'bench.latency'`).all() as { id: string; result: string }[];
  const start = rows.map((r) => (JSON.parse(r.result) as { startedAt: number }).startedAt - sent.get(r.id)!);
  if (start.length !== args.count) throw new Error(`expected ${args.count} latency jobs, found ${start.length}`);
  if (b.runner.stats().claimed !== args.count + base) throw new Error(`the backlog was claimed: ${b.runner.stats().claimed} claims`);
  const rssMiB = process.memoryUsage().rss / 1048576;
  await b.runner.stop(5_000);
  b.store.close();
  removeDb(b.path);
  return { backlog: args.backlog, size: args.size, start, idleCpuS, idleMs: args.idleMs, ticks: ticks.samples, rssMiB };
}


export interface EnqueueResult {
  nightshift: number[];
  plainjob: number[];
  /** WAL bytes written per job (the file's growth with checkpoints off), each system */
  walBytesPerJob: { nightshift: number; plainjob: number };
}

async function enqueue(args: { n: number; warmup: number }): Promise<EnqueueResult> {
  const b = await engine('enqueue');
  timeCalls(args.warmup, (i) => b.queue.enqueue({ type: 'bench.noop', payload: { i } }));
  const pq = plainjobQueue(freshDbPath('backlog-enqueue-plainjob'));
  timeCalls(args.warmup, (i) => pq.add(PLAINJOB_TYPE, { i }));
  // Interleaved halves, so neither system gets the quieter half of the run.
  const half = Math.floor(args.n / 2);
  const nightshift = timeCalls(half, (i) => b.queue.enqueue({ type: 'bench.noop', payload: { i } }));
  const plainjob = timeCalls(half, (i) => pq.add(PLAINJOB_TYPE, { i }));
  nightshift.push(...timeCalls(half, (i) => b.queue.enqueue({ type: 'bench.noop', payload: { i } })));
  plainjob.push(...timeCalls(half, (i) => pq.add(PLAINJOB_TYPE, { i })));
  pq.close();

  // What each job costs the WAL: checkpoints off, then the WAL file's growth over 2,000 jobs.
  const walPerJob = (path: string, add: (i: number) => void, db: Database.Database) => {
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.pragma('wal_autocheckpoint = 0');
    for (let i = 0; i < 2_000; i++) add(i);
    return statSync(`${path}-wal`).size / 2_000;
  };
  const nsWal = walPerJob(b.path, (i) => b.queue.enqueue({ type: 'bench.noop', payload: { i } }), b.store.db);
  const pjPath = freshDbPath('backlog-enqueue-plainjob-wal');
  const pjDb = new Database(pjPath);
  const pq2 = defineQueue({ connection: better(pjDb), logger: quiet });
  const pjWal = walPerJob(pjPath, (i) => pq2.add(PLAINJOB_TYPE, { i }), pjDb);
  pq2.close();
  b.store.close();
  return { nightshift, plainjob, walBytesPerJob: { nightshift: nsWal, plainjob: pjWal } };
}


export interface BulkResult {
  n: number;
  chunk: number;
  nightshiftMs: number;
  plainjobMs: number;
}

async function bulk(args: { n: number; chunk: number }): Promise<BulkResult> {
  const b = await engine('bulk');
  const pq = plainjobQueue(freshDbPath('backlog-bulk-plainjob'));
  // Warm both paths up (statement caches, JIT) with one chunk each.
  b.queue.enqueueMany(Array.from({ length: args.chunk }, (_, i) => ({ type: 'bench.noop', payload: { i } })));
  pq.addMany(PLAINJOB_TYPE, Array.from({ length: args.chunk }, (_, i) => ({ i })));
  const chunks = Math.ceil(args.n / args.chunk);
  const t0 = now();
  for (let c = 0; c < chunks; c++) b.queue.enqueueMany(Array.from({ length: args.chunk }, (_, i) => ({ type: 'bench.noop', payload: { i: c * args.chunk + i } })));
  const nightshiftMs = now() - t0;
  const t1 = now();
  for (let c = 0; c < chunks; c++) pq.addMany(PLAINJOB_TYPE, Array.from({ length: args.chunk }, (_, i) => ({ i: c * args.chunk + i })));
  const plainjobMs = now() - t1;
  pq.close();
  b.store.close();
  return { n: chunks * args.chunk, chunk: args.chunk, nightshiftMs, plainjobMs };
}

export interface DrainResult {
  n: number;
  nightshiftMs: number;
  nightshiftThreads: number;
  plainjobMs: number;
}

async function drain(args: { n: number; future?: number; plainjob?: boolean }): Promise<DrainResult> {
  const b = await engine('drain');
  // Optionally a backlog of jobs due in an hour beside the ones to drain (the scaling table).
  const later = Date.now() + 3_600_000;
  if (args.future) fill(b.queue, args.future, (i) => ({ type: 'bench.noop', payload: { i }, runAt: later }));
  fill(b.queue, args.n, (i) => ({ type: 'bench.noop', payload: { i } }));
  await b.runner.start();
  const t0 = now();
  await until(() => b.runner.stats().completed >= args.n, 120_000, 'the drain');
  const nightshiftMs = now() - t0;
  const threads = b.runner.stats().threads;
  const done = (b.store.db.prepare(`SELECT count(*) AS n FROM nightshift_queue_jobs WHERE +status = 'completed' AND attempts = 1`).get() as { n: number }).n;
  if (done !== args.n) throw new Error(`drain: ${done} of ${args.n} completed once`);
  await b.runner.stop(5_000);
  b.store.close();
  removeDb(b.path);
  if (args.plainjob === false) return { n: args.n, nightshiftMs, nightshiftThreads: threads, plainjobMs: NaN };

  const pq = plainjobQueue(freshDbPath('backlog-drain-plainjob'));
  for (let i = 0; i < args.n; i += 1_000) pq.addMany(PLAINJOB_TYPE, Array.from({ length: Math.min(1_000, args.n - i) }, (_, k) => ({ i: i + k })));
  let completed = 0;
  let finish!: () => void;
  const finished = new Promise<void>((r) => (finish = r));
  const worker = defineWorker(PLAINJOB_TYPE, async () => {}, { queue: pq, logger: quiet, onCompleted: () => void (++completed === args.n && finish()) });
  const t1 = now();
  const running = worker.start();
  await finished;
  const plainjobMs = now() - t1;
  await worker.stop();
  await running;
  pq.close();
  return { n: args.n, nightshiftMs, nightshiftThreads: threads, plainjobMs };
}

const SCENARIOS = { latency, enqueue, bulk, drain } as Record<string, (args: never) => Promise<unknown>>;

const [name, json] = process.argv.slice(2);
const scenario = SCENARIOS[name ?? ''];
if (!scenario) {
  process.stderr.write(`usage: scenario.ts <${Object.keys(SCENARIOS).join('|')}> '<json args>'\n`);
  process.exit(2);
}
const result = await scenario(JSON.parse(json ?? '{}') as never);
// A pipe's writes are asynchronous: exit only once the (large) line is out.
process.stdout.write(`RESULT ${JSON.stringify(result)}\n`, () => process.exit(0));
