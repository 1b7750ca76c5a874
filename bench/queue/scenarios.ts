// The queue benchmark's scenarios. run-all.ts starts each one in its own Node process
// (`node --import tsx bench/queue/scenarios.ts <scenario> '<json args>'`) so that no scenario
// inherits another's heap, JIT state or open connections; each prints one `RESULT {json}` line.
import { fork, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { defineWorker } from 'plainjob';
import { checkRows, handlerCalls, nightshift, type QueueRowCheck } from './lib/nightshift.ts';
import { PLAINJOB_TYPE, plainjobQueue, plainjobRows, quiet } from './lib/plainjob.ts';
import { BENCH_DIR, freshDbPath, removeDb } from './lib/paths.ts';
import { timeCalls } from './lib/stats.ts';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
const now = () => performance.now();
/** Epoch ms with sub-ms precision; comparable between threads (each has its own timeOrigin). */
const wallClock = () => performance.timeOrigin + performance.now();

async function until(condition: () => boolean, timeoutMs: number, what: string, intervalMs = 1): Promise<void> {
  const deadline = now() + timeoutMs;
  while (!condition()) {
    if (now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

interface Usage {
  /** user + system CPU of the whole process (all its threads) over the processing phase, in % of one core */
  cpuPct: number | null;
  /** event-loop utilisation of the main thread over the processing phase, 0..1 */
  mainElu: number;
}

function measureUsage(): () => Usage {
  const cpu0 = process.cpuUsage();
  const elu0 = performance.eventLoopUtilization();
  const t0 = now();
  return () => {
    const cpu = process.cpuUsage(cpu0);
    const elu = performance.eventLoopUtilization(elu0);
    return { cpuPct: ((cpu.user + cpu.system) / 1000 / (now() - t0)) * 100, mainElu: elu.utilization };
  };
}

// ---------------------------------------------------------------------------------------------
// 1. End-to-end throughput

export interface ThroughputResult {
  system: 'nightshift' | 'plainjob';
  label: string;
  /** handler threads (Nightshift) or plainjob workers */
  workers: number;
  where: string;
  n: number;
  enqueueMs: number;
  /** thread / process start-up, not included in processMs */
  startupMs: number;
  processMs: number;
  usage: Usage | null;
  handlerCalls: number;
  /** threads that answered the count (Nightshift) */
  countedThreads?: number;
  /** rows by status, and the per-system exactly-once checks */
  rows: { rows: number; byStatus: Record<string, number> };
  nightshift?: QueueRowCheck & { ticks: number; completed: number; claimed: number };
  correct: boolean;
  notes: string[];
}

/** CPU profile of the main thread (node:inspector), for `profile: true` runs of nightshift-throughput. */
async function startProfile(): Promise<() => Promise<string>> {
  const { Session } = await import('node:inspector');
  const { writeFileSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) => session.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 100 });
  await post('Profiler.start');
  return async () => {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    session.disconnect();
    const file = freshDbPath('nightshift-processing').replace(/\.db$/, '.cpuprofile');
    writeFileSync(file, JSON.stringify(profile));
    return file;
  };
}

async function nightshiftThroughput(args: {
  n: number;
  workers?: number;
  label: string;
  live?: boolean;
  profile?: boolean;
  tuning?: { maxPrefetch?: number; queuedBudgetMs?: number };
}): Promise<ThroughputResult> {
  const { n, workers, label } = args;
  const b = await nightshift(`throughput-nightshift-${label}`, workers, args.tuning);
  const notes: string[] = [];
  let enqueueMs: number;
  let startupMs: number;
  let processMs: number;
  let usage: Usage;
  if (!args.live) {
    // Enqueue everything first (the runner is not started, so enqueue is timed on its own): one
    // Queue.enqueue() per job, each in its own implicit transaction, as a request handler would.
    const e0 = now();
    for (let i = 0; i < n; i++) b.queue.enqueue({ type: 'bench.noop', payload: { i } });
    enqueueMs = now() - e0;
    const s0 = now();
    await b.runner.start();
    startupMs = now() - s0;
    const stopProfile = args.profile ? await startProfile() : undefined;
    const done = measureUsage();
    const p0 = now();
    await until(() => b.runner.stats().completed >= n, 120_000, `${n} completions`);
    processMs = now() - p0;
    usage = done();
    if (stopProfile) notes.push(`main-thread CPU profile of the processing phase: ${await stopProfile()}`);
  } else {
    // Producer and runner at the same time, on the same main thread: enqueue in slices of 100 with
    // a turn of the event loop between slices, so the runner ticks while jobs keep arriving.
    const s0 = now();
    await b.runner.start();
    startupMs = now() - s0;
    const done = measureUsage();
    const p0 = now();
    let enqueueTime = 0;
    for (let i = 0; i < n; ) {
      const e0 = now();
      for (const end = Math.min(n, i + 100); i < end; i++) b.queue.enqueue({ type: 'bench.noop', payload: { i } });
      enqueueTime += now() - e0;
      await nextTurn();
    }
    enqueueMs = enqueueTime;
    await until(() => b.runner.stats().completed >= n, 120_000, `${n} completions`);
    processMs = now() - p0;
    usage = done();
    notes.push('live: processMs runs from the first enqueue to the last completion; enqueueMs is the time spent inside enqueue calls');
  }
  const stats = b.runner.stats();
  const counted = await handlerCalls(stats.threads);
  await b.runner.stop(5_000);
  const check = checkRows(b.db, 'bench.noop');
  b.db.close();
  const correct =
    check.rows === n && (check.byStatus.completed ?? 0) === n && check.completedOnce === n && check.runs === n &&
    check.jobsWithoutExactlyOneSuccessRun === 0 && counted.calls === n && counted.threads === stats.threads;
  return {
    system: 'nightshift', label, workers: stats.threads, where: 'worker threads', n, enqueueMs, startupMs, processMs, usage,
    handlerCalls: counted.calls, countedThreads: counted.threads, rows: { rows: check.rows, byStatus: check.byStatus },
    nightshift: { ...check, ticks: stats.ticks, completed: stats.completed, claimed: stats.claimed }, correct, notes,
  };
}

/** A fresh plainjob database with `n` jobs added one call at a time, as its README shows. */
function plainjobFilled(label: string, n: number) {
  const path = freshDbPath(`throughput-plainjob-${label}`);
  const queue = plainjobQueue(path);
  const e0 = now();
  for (let i = 0; i < n; i++) queue.add(PLAINJOB_TYPE, { i });
  return { path, queue, enqueueMs: now() - e0 };
}

async function plainjobInProcess(args: { n: number; workers: number; label: string }): Promise<ThroughputResult> {
  const { n, workers, label } = args;
  const { path, queue, enqueueMs } = plainjobFilled(label, n);
  let calls = 0;
  let done = 0;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  // As the README's "Defining Workers": the handler is an async function in this (main) thread;
  // several workers on one queue share the main thread (they interleave, they do not run in parallel).
  const list = Array.from({ length: workers }, () =>
    defineWorker(
      PLAINJOB_TYPE,
      async () => {
        calls += 1;
      },
      { queue, logger: quiet, onCompleted: () => void (++done === n && finish()) },
    ),
  );
  const usageDone = measureUsage();
  const p0 = now();
  const running = list.map((w) => w.start());
  await finished;
  const processMs = now() - p0;
  const usage = usageDone();
  await Promise.all(list.map((w) => w.stop()));
  await Promise.all(running);
  queue.close();
  const rows = plainjobRows(path);
  const correct = rows.rows === n && rows.byStatus.done === n && calls === n;
  return {
    system: 'plainjob', label, workers, where: 'main thread (in-process workers)', n, enqueueMs, startupMs: 0, processMs, usage,
    handlerCalls: calls, rows, correct, notes: [],
  };
}

function message<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: { type?: string }) => {
      if (m?.type !== type) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(m as T);
    };
    const onExit = (code: number | null) => reject(new Error(`plainjob worker exited with ${code} before '${type}'`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

async function plainjobProcesses(args: { n: number; workers: number; label: string }): Promise<ThroughputResult> {
  const { n, workers, label } = args;
  const { path, queue, enqueueMs } = plainjobFilled(label, n);
  queue.close();
  const s0 = now();
  const children = Array.from({ length: workers }, () =>
    fork(join(BENCH_DIR, 'plainjob-worker.ts'), [path], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] }),
  );
  try {
    await Promise.all(children.map((c) => message(c, 'ready')));
    const startupMs = now() - s0;
    const reader = new Database(path);
    const doneCount = reader.prepare('SELECT COUNT(*) AS n FROM plainjob_jobs WHERE status = 2').pluck();
    const p0 = now();
    for (const c of children) c.send({ type: 'go' });
    await until(() => (doneCount.get() as number) >= n, 120_000, `${n} plainjob completions`, 2);
    const processMs = now() - p0;
    reader.close();
    const stopped = children.map((c) => message<{ calls: number }>(c, 'stopped'));
    for (const c of children) c.send({ type: 'stop' });
    const calls = (await Promise.all(stopped)).reduce((a, m) => a + m.calls, 0);
    const rows = plainjobRows(path);
    const correct = rows.rows === n && rows.byStatus.done === n && calls === n;
    return {
      system: 'plainjob', label, workers, where: `${workers} processes (README "Multi-process Workers")`, n, enqueueMs, startupMs, processMs,
      usage: null, handlerCalls: calls, rows, correct,
      notes: ['completion observed by polling COUNT(status = done) every 2 ms from the parent'],
    };
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill();
  }
}

// ---------------------------------------------------------------------------------------------
// 2. Cost of enqueue on the request path

export interface EnqueueCostResult {
  n: number;
  /** Raw samples in ms. single: one Queue.enqueue() call, its own implicit transaction, runner stopped. */
  single: number[];
  /** runner started and idle: the jobs are due in an hour, so it has nothing to run; calls paced one every idleEveryMs */
  idle: number[];
  idleEveryMs: number;
  /** runner started and processing the jobs between calls */
  live: number[];
  liveCompleted: number;
  txSize: number;
  /** each Queue.enqueue() call inside the caller's db.transaction() of txSize calls */
  txPerCall: number[];
  /** each whole caller transaction (txSize calls + COMMIT) */
  txPerTx: number[];
  /** plainjob's queue.add(), for reference */
  plainjob: number[];
  /** What-if diagnostic (n/4 calls): like single, with PRAGMA wal_autocheckpoint = 0 on that connection (no call pays for a checkpoint) */
  noAutoCheckpoint: number[];
}


async function enqueueCost(args: { n: number; warmup: number; txSize: number; txCount: number; liveN: number; idleN: number; idleEveryMs: number }): Promise<EnqueueCostResult> {
  const { n, warmup, txSize, txCount, liveN, idleN, idleEveryMs } = args;

  // Runner stopped (never started): only the enqueue path.
  const b = await nightshift('enqueue-cost');
  timeCalls(warmup, (i) => b.queue.enqueue({ type: 'bench.noop', payload: { i } }));
  const single = timeCalls(n, (i) => b.queue.enqueue({ type: 'bench.noop', payload: { i } }));

  // Inside the caller's transaction: db.transaction(() => { ...100 x queue.enqueue() })()
  const perTx: number[] = [];
  const perCall: number[] = [];
  for (let t = 0; t < txCount; t++) {
    const t0 = now();
    b.db.transaction(() => {
      for (let i = 0; i < txSize; i++) {
        const c0 = now();
        b.queue.enqueue({ type: 'bench.noop', payload: { i } });
        perCall.push(now() - c0);
      }
    })();
    perTx.push(now() - t0);
  }
  b.db.close();

  // Runner started (default threads) and idle, as in a running server between bursts: the jobs are
  // due in an hour, so nothing runs; its upkeep (timers, background checkpoints) goes on. Calls are
  // paced, one every idleEveryMs, like requests arriving one by one.
  const idle = await nightshift('enqueue-cost-idle-runner');
  await idle.runner.start();
  const later = Date.now() + 3_600_000;
  timeCalls(warmup, (i) => idle.queue.enqueue({ type: 'bench.noop', payload: { i }, runAt: later }));
  const idleSamples: number[] = [];
  const start = now();
  for (let i = 0; i < idleN; i++) {
    // Paced like requests arriving at 1000 / idleEveryMs per second (event-loop turns while waiting).
    while (now() < start + i * idleEveryMs) await nextTurn();
    const t = now();
    idle.queue.enqueue({ type: 'bench.noop', payload: { i }, runAt: later });
    idleSamples.push(now() - t);
  }
  if (idle.runner.stats().claimed !== 0) throw new Error('the idle runner claimed jobs due in an hour');
  await idle.runner.stop(5_000);
  idle.db.close();

  // Runner started (default threads) and processing what is enqueued: each call is followed by a
  // turn of the event loop, so the runner's ticks (claims, completions) run between calls.
  const live = await nightshift('enqueue-cost-live');
  await live.runner.start();
  timeCalls(warmup, (i) => live.queue.enqueue({ type: 'bench.noop', payload: { i } }));
  const liveSamples: number[] = [];
  for (let i = 0; i < liveN; i++) {
    const t = now();
    live.queue.enqueue({ type: 'bench.noop', payload: { i } });
    liveSamples.push(now() - t);
    await nextTurn();
  }
  await until(() => live.runner.stats().completed >= warmup + liveN, 30_000, 'live enqueue-cost jobs to finish');
  const completed = live.runner.stats().completed;
  await live.runner.stop(5_000);
  live.db.close();

  // plainjob's queue.add() on its own database, for reference.
  const pq = plainjobQueue(freshDbPath('enqueue-cost-plainjob'));
  timeCalls(warmup, (i) => pq.add(PLAINJOB_TYPE, { i }));
  const plainjob = timeCalls(n, (i) => pq.add(PLAINJOB_TYPE, { i }));
  pq.close();

  // What-if: the same single enqueues, with automatic checkpoints off on this connection, to show
  // how much of the tail is the WAL checkpoint that SQLite runs inside every ~1000th page's COMMIT.
  const nc = await nightshift('enqueue-cost-no-autocheckpoint');
  nc.db.pragma('wal_autocheckpoint = 0');
  timeCalls(warmup, (i) => nc.queue.enqueue({ type: 'bench.noop', payload: { i } }));
  // A quarter as many calls: without checkpoints the WAL grows by ~20 KB per enqueue.
  const noAutoCheckpoint = timeCalls(Math.ceil(n / 4), (i) => nc.queue.enqueue({ type: 'bench.noop', payload: { i } }));
  nc.db.close();
  removeDb(nc.path);

  return { n, single, idle: idleSamples, idleEveryMs, live: liveSamples, liveCompleted: completed, txSize, txPerCall: perCall, txPerTx: perTx, plainjob, noAutoCheckpoint };
}

// ---------------------------------------------------------------------------------------------
// 3. Latency from enqueue to handler start on an idle queue

export interface LatencyResult {
  label: string;
  workers: number;
  iterations: number;
  warmup: number;
  gapMs: [number, number];
  /** Raw samples in ms: handler start - just before Queue.enqueue() */
  start: number[];
  /** Queue.enqueue() returned -> handler start */
  afterReturn: number[];
  negative: number;
}

async function latency(args: { iterations: number; warmup: number; workers?: number; label: string; gapMs: [number, number]; noAutoCheckpoint?: boolean }): Promise<LatencyResult> {
  const { iterations, warmup, workers, label, gapMs } = args;
  const b = await nightshift(`latency-${label}`, workers);
  // What-if diagnostic: no automatic WAL checkpoint inside the enqueue's or the runner's COMMIT.
  if (args.noAutoCheckpoint) b.db.pragma('wal_autocheckpoint = 0');
  await b.runner.start();
  const start: number[] = [];
  const afterReturn: number[] = [];
  let negative = 0;
  for (let k = 0; k < warmup + iterations; k++) {
    // Idle: nothing queued or running, and a random pause so the runner is not caught mid-tick.
    await sleep(gapMs[0] + Math.random() * (gapMs[1] - gapMs[0]));
    const before = b.runner.stats().completed;
    const t0 = wallClock();
    const { job } = b.queue.enqueue({ type: 'bench.latency' });
    const t1 = wallClock();
    await until(() => b.runner.stats().completed > before, 10_000, `latency job ${k}`);
    const result = (await b.queue.get(job.id))?.result as { startedAt?: number } | null;
    if (typeof result?.startedAt !== 'number') throw new Error(`latency job ${job.id} has no startedAt: ${JSON.stringify(result)}`);
    if (k < warmup) continue;
    if (result.startedAt < t0) negative += 1;
    start.push(result.startedAt - t0);
    afterReturn.push(result.startedAt - t1);
  }
  const threads = b.runner.stats().threads;
  await b.runner.stop(5_000);
  b.db.close();
  if (args.noAutoCheckpoint) removeDb(b.path);
  return { label, workers: threads, iterations, warmup, gapMs, start, afterReturn, negative };
}

// ---------------------------------------------------------------------------------------------
// 4. Diagnostic: the SQL floor. The runner's per-job SQL (src/store/sqlite: readyCandidates,
//    claimJobs, completeJobs and the nightshift_job_runs writes), in one IMMEDIATE transaction per batch as
//    the runner's tick does, with no threads and no runner: how many jobs/s the main thread could
//    process if everything but SQL were free. What-if: without the per-attempt nightshift_job_runs rows.

export interface SqlFloorResult {
  label: string;
  batch: number;
  n: number;
  ms: number;
  /** µs per job spent in each step; commit = BEGIN/COMMIT and everything outside the steps */
  usPerJob: Record<string, number>;
  /** how the nightshift_job_runs rows were written: as this version of the runner does, or not at all (what-if) */
  ledger: 'open-then-close' | 'insert-finished' | 'none';
}

// The store functions this diagnostic calls, as it calls them. src/store/sqlite is internal and still
// changing, so they are looked up at run time (a changed signature fails this diagnostic only,
// shown as n/a, instead of breaking the benchmark or the type check).
interface StoreApi {
  readyCandidates(db: unknown, now: number, limit: number): { id: string; type: string }[];
  claimJobs(db: unknown, claims: { id: string; token: string; runId: string }[], lease: { owner: string; now: number; leaseMs: number }): {
    id: string; type: string; trace_id: string; lease_token: string | null; run_id: string | null;
  }[];
  completeJobs(db: unknown, items: { id: string; token: string; result: null; processed: null; total: null }[], now: number): { id: string; run_id: string }[];
  /** Newer store: a finished nightshift_job_runs row in one INSERT for attempts that ended quickly. */
  insertFinishedRuns?(db: unknown, runs: unknown[], owner: string, now: number): void;
  /** Older store: open at claim, close at completion. */
  openRuns?(db: unknown, runs: unknown[], owner: string, now?: number): void;
  succeedRuns?(db: unknown, runs: { runId: string; details: string | null }[], now: number): void;
}

async function sqlFloor(args: { n: number; batch: number; noRuns?: boolean; ledger?: SqlFloorResult['ledger']; label: string }): Promise<SqlFloorResult> {
  const { n, batch, label } = args;
  const { randomUUID } = await import('node:crypto');
  const { enqueue } = await import('../../src/queue/enqueue.ts');
  const { uuidv7 } = await import('../../src/core/ids.ts');
  const store = {
    ...(await import('../../src/store/sqlite/jobs/claim.ts')),
    ...(await import('../../src/store/sqlite/jobs/finish.ts')),
    ...(await import('../../src/store/sqlite/runs/queue-runs.ts')),
  } as unknown as StoreApi;
  // How the runner writes the nightshift_job_runs row of a job that takes microseconds, in this version of the store.
  const ledger: SqlFloorResult['ledger'] = args.ledger ?? (args.noRuns ? 'none' : store.insertFinishedRuns ? 'insert-finished' : 'open-then-close');
  const b = await nightshift(`sql-floor-${label}`);
  b.db.transaction(() => {
    for (let i = 0; i < n; i++) enqueue(b.store, b.jobs, { type: 'bench.noop', payload: { i } });
  })();
  b.db.pragma('wal_checkpoint(TRUNCATE)');
  const steps = { candidates: 0, claim: 0, openRuns: 0, complete: 0, succeedRuns: 0 };
  type Held = { id: string; token: string; runId: string; type: string; traceId: string; startedAt: number };
  let held: Held[] = [];
  let done = 0;
  const t0 = now();
  while (done < n) {
    b.db.transaction(() => {
      const at = Date.now();
      let t = now();
      const lap = (k: keyof typeof steps) => {
        const e = now();
        steps[k] += e - t;
        t = e;
      };
      if (held.length > 0) {
        const accepted = store.completeJobs(b.db, held.map((h) => ({ id: h.id, token: h.token, result: null, processed: null, total: null })), at);
        lap('complete');
        if (ledger === 'open-then-close') store.succeedRuns!(b.db, accepted.map((r) => ({ runId: r.run_id, details: null })), at);
        if (ledger === 'insert-finished') {
          const ok = new Set(accepted.map((r) => r.id));
          const runs = held.filter((h) => ok.has(h.id)).map((h) => ({ runId: h.runId, type: h.type, jobId: h.id, traceId: h.traceId, startedAt: h.startedAt, status: 'success', details: null, error: null }));
          store.insertFinishedRuns!(b.db, runs, 'bench', at);
        }
        lap('succeedRuns');
        done += accepted.length;
        held = [];
      }
      const candidates = store.readyCandidates(b.db, at, batch);
      lap('candidates');
      const rows = store.claimJobs(b.db, candidates.map((c) => ({ id: c.id, token: randomUUID(), runId: uuidv7(at) })), { owner: 'bench', now: at, leaseMs: 30_000 });
      lap('claim');
      if (ledger === 'open-then-close') {
        store.openRuns!(b.db, rows.map((r) => ({ runId: r.run_id!, type: r.type, jobId: r.id, traceId: r.trace_id, startedAt: at })), 'bench', at);
      }
      lap('openRuns');
      held = rows.map((r) => ({ id: r.id, token: r.lease_token!, runId: r.run_id!, type: r.type, traceId: r.trace_id, startedAt: at }));
    }).immediate();
  }
  const ms = now() - t0;
  const completed = (b.db.prepare("SELECT COUNT(*) AS n FROM nightshift_queue_jobs WHERE status = 'completed'").get() as { n: number }).n;
  const runRows = (b.db.prepare("SELECT COUNT(*) AS n FROM nightshift_job_runs WHERE trigger = 'queue' AND status = 'success'").get() as { n: number }).n;
  b.db.close();
  if (completed !== n) throw new Error(`sql-floor: ${completed} of ${n} completed`);
  if (ledger !== 'none' && runRows !== n) throw new Error(`sql-floor: ${runRows} success nightshift_job_runs rows for ${n} jobs (ledger mode ${ledger})`);
  const usPerJob: Record<string, number> = {};
  let inSteps = 0;
  for (const [k, v] of Object.entries(steps)) {
    usPerJob[k] = (v * 1000) / n;
    inSteps += v;
  }
  usPerJob.commitAndRest = ((ms - inSteps) * 1000) / n;
  return { label, batch, n, ms, usPerJob, ledger };
}

// ---------------------------------------------------------------------------------------------

const scenarios = {
  'nightshift-throughput': nightshiftThroughput,
  'plainjob-in-process': plainjobInProcess,
  'plainjob-processes': plainjobProcesses,
  'enqueue-cost': enqueueCost,
  latency,
  'sql-floor': sqlFloor,
} as const;

export type ScenarioName = keyof typeof scenarios;

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const [name, json] = process.argv.slice(2);
  const scenario = scenarios[name as ScenarioName] as ((args: unknown) => Promise<unknown>) | undefined;
  if (!scenario) {
    console.error(`usage: node --import tsx bench/queue/scenarios.ts <${Object.keys(scenarios).join('|')}> '<json args>'`);
    process.exit(2);
  }
  try {
    const result = await scenario(json ? JSON.parse(json) : {});
    // stdout is a pipe (asynchronous): exit only once the line is flushed.
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`, () => process.exit(0));
  } catch (err) {
    console.error(err);
    process.exit(1);
  }
}
