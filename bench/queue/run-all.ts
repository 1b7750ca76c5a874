// The queue benchmark (issue 3, "Performance"): `npm run bench:queue`.
//
//   1. End-to-end throughput of trivial durable jobs: enqueue N (20,000), then run them all,
//      Nightshift's QueueRunner (default threads, and 2) vs plainjob as its README shows it
//      (handlers on the main thread: 1 and 2 in-process workers; and the README's multi-process
//      setup with 2 processes). Every run checks that each job completed exactly once.
//   2. Cost of one Queue.enqueue() on the request path (p50/p99/max), runner stopped and running,
//      and inside a caller transaction of 100.
//   3. Latency from enqueue to handler start on an idle queue.
//
// Each scenario runs in its own process (scenarios.ts) on a fresh database under bench/.tmp/queue/.
// The host is small and may be shared, so every scenario runs ROUNDS times, interleaved (round 1 of
// everything, then round 2, ...), and the tables show medians with the spread. Prints markdown;
// raw results go to bench/.tmp/queue/results.json. Whole run bounded by DEADLINE_MS.
//
// Knobs (environment): QUEUE_BENCH_N (jobs, default 20000), QUEUE_BENCH_ROUNDS (default 3),
// QUEUE_BENCH_LATENCY_N (default 500), QUEUE_BENCH_DEADLINE_MS (default 280000).
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { EnqueueCostResult, LatencyResult, SqlFloorResult, ThroughputResult } from './scenarios.ts';
import { BENCH_DIR, REPO_ROOT, TMP_DIR } from './lib/paths.ts';
import { fixed, int, summarize, table, verdict, type Summary } from './lib/stats.ts';

const N = Number(process.env.QUEUE_BENCH_N ?? 20_000);
const ROUNDS = Number(process.env.QUEUE_BENCH_ROUNDS ?? 3);
const LATENCY_N = Number(process.env.QUEUE_BENCH_LATENCY_N ?? 500);
const DEADLINE_MS = Number(process.env.QUEUE_BENCH_DEADLINE_MS ?? 280_000);
const SCENARIO_TIMEOUT_MS = 90_000;

const TARGETS = { throughputRatio: 3, enqueueP99Ms: 0.2, latencyP50Ms: 2, latencyP99Ms: 10 };

const started = performance.now();
const elapsed = () => performance.now() - started;
const log = (msg: string) => process.stderr.write(`[bench:queue ${(elapsed() / 1000).toFixed(0).padStart(3)}s] ${msg}\n`);

// ---------------------------------------------------------------------------------------------
// Machine and versions

function versionOf(pkg: string): string {
  try {
    return (JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'n/a';
  }
}

function machine() {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'n/a';
  let nproc = String(os.availableParallelism());
  try {
    nproc = execFileSync('nproc', { encoding: 'utf8' }).trim();
  } catch {
    /* keep os.availableParallelism() */
  }
  const db = new Database(':memory:');
  const sqlite = (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  db.close();
  return {
    nproc,
    cpu: model,
    ramGiB: (os.totalmem() / 1024 ** 3).toFixed(1),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    betterSqlite3: versionOf('better-sqlite3'),
    sqlite,
    plainjob: versionOf('plainjob'),
    tsx: versionOf('tsx'),
  };
}

/** Which code was measured: the commit, uncommitted changes under src/, and the newest src/ file time. */
function sourceState(): { commit: string; dirty: string[]; newestSrcMs: number } {
  const git = (...args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    } catch {
      return '';
    }
  };
  const dirty = git('status', '--porcelain', '--', 'src').split('\n').filter(Boolean).map((l) => l.slice(3));
  let newestSrcMs = 0;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else newestSrcMs = Math.max(newestSrcMs, statSync(path).mtimeMs);
    }
  };
  walk(join(REPO_ROOT, 'src'));
  return { commit: git('rev-parse', '--short', 'HEAD') || 'n/a', dirty, newestSrcMs };
}

// ---------------------------------------------------------------------------------------------
// Running scenarios

type Loads = [number, number, number];
interface Run<T> {
  result?: T;
  error?: string;
  ms: number;
  loadBefore: Loads;
}

function runScenario<T>(name: string, args: Record<string, unknown>): Promise<Run<T>> {
  const loadBefore = os.loadavg().map((v) => +v.toFixed(2)) as Loads;
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(BENCH_DIR, 'scenarios.ts'), name, JSON.stringify(args)], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => {
      err += `\nkilled after ${SCENARIO_TIMEOUT_MS} ms`;
      child.kill('SIGKILL');
    }, SCENARIO_TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      const ms = performance.now() - t0;
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (err.trim()) process.stderr.write(err.split('\n').map((l) => (l ? `  [${name}] ${l}` : l)).join('\n') + '\n');
      if (code === 0 && line) {
        try {
          return resolve({ result: JSON.parse(line.slice('RESULT '.length)) as T, ms, loadBefore });
        } catch (e) {
          err += `\nunreadable RESULT line: ${(e as Error).message}`;
        }
      }
      resolve({ error: `exit ${code}: ${(err.trim().split('\n').slice(-3).join(' | ') || out.trim()).slice(0, 500)}`, ms, loadBefore });
    });
  });
}

interface ThroughputConfig {
  key: string;
  title: string;
  scenario: 'nightshift-throughput' | 'plainjob-in-process' | 'plainjob-processes';
  args: Record<string, unknown>;
}

const THROUGHPUT: ThroughputConfig[] = [
  { key: 'ns-default', title: 'Nightshift, QueueRunner default threads', scenario: 'nightshift-throughput', args: { label: 'default' } },
  { key: 'pj-1', title: 'plainjob, 1 worker (README)', scenario: 'plainjob-in-process', args: { workers: 1, label: 'in-process-1' } },
  { key: 'ns-2', title: 'Nightshift, QueueRunner workers: 2', scenario: 'nightshift-throughput', args: { workers: 2, label: 'workers-2' } },
  { key: 'pj-2', title: 'plainjob, 2 workers in one process', scenario: 'plainjob-in-process', args: { workers: 2, label: 'in-process-2' } },
  { key: 'pj-2p', title: 'plainjob, 2 worker processes (README multi-process)', scenario: 'plainjob-processes', args: { workers: 2, label: 'processes-2' } },
  { key: 'ns-live', title: 'Nightshift, default threads, enqueue while running', scenario: 'nightshift-throughput', args: { label: 'live', live: true } },
  {
    key: 'ns-prefetch',
    title: 'what-if (diagnostic): Nightshift, default threads, maxPrefetch 256, queuedBudgetMs 20',
    scenario: 'nightshift-throughput',
    args: { label: 'prefetch-256', tuning: { maxPrefetch: 256, queuedBudgetMs: 20 } },
  },
];

interface Collected {
  throughput: Record<string, Run<ThroughputResult>[]>;
  enqueue: Run<EnqueueCostResult>[];
  latency: Record<string, Run<LatencyResult>[]>;
  sqlFloor: Record<string, Run<SqlFloorResult>[]>;
  skipped: string[];
}

const SQL_FLOOR = [
  { key: 'as-shipped', title: 'as shipped, batches of 64', args: { batch: 64 } },
  { key: 'open-then-close', title: 'batches of 64, nightshift_job_runs row opened at claim and closed at completion (the earlier way)', args: { batch: 64, ledger: 'open-then-close' } },
  { key: 'no-job-runs', title: 'batches of 64, without any nightshift_job_runs write per attempt', args: { batch: 64, noRuns: true } },
  { key: 'batch-256', title: 'as shipped, batches of 256', args: { batch: 256 } },
];

async function collect(): Promise<Collected> {
  const c: Collected = { throughput: {}, enqueue: [], latency: {}, sqlFloor: {}, skipped: [] };
  const latencyConfigs = [
    { key: 'default', args: { label: 'default' } },
    { key: 'workers-2', args: { label: 'workers-2', workers: 2 } },
    { key: 'what-if-no-autocheckpoint', args: { label: 'no-autocheckpoint', noAutoCheckpoint: true } },
  ];
  const sqlFloorConfigs = SQL_FLOOR.map((f) => ({ key: f.key, args: { n: N, label: f.key, ...f.args } }));
  for (let round = 1; round <= ROUNDS; round++) {
    const steps: { label: string; run: () => Promise<void> }[] = [
      ...THROUGHPUT.map((t) => ({
        label: `throughput ${t.key}`,
        run: async () => {
          const r = await runScenario<ThroughputResult>(t.scenario, { n: N, ...t.args });
          (c.throughput[t.key] ??= []).push(r);
        },
      })),
      {
        label: 'enqueue-cost',
        run: async () => {
          c.enqueue.push(await runScenario<EnqueueCostResult>('enqueue-cost', { n: N, warmup: 1_000, txSize: 100, txCount: 200, liveN: 5_000, idleN: 5_000, idleEveryMs: 0.5 }));
        },
      },
      ...latencyConfigs.map((l) => ({
        label: `latency ${l.key}`,
        run: async () => {
          const r = await runScenario<LatencyResult>('latency', { iterations: LATENCY_N, warmup: 20, gapMs: [2, 8], ...l.args });
          (c.latency[l.key] ??= []).push(r);
        },
      })),
      ...sqlFloorConfigs.map((f) => ({
        label: `diagnostic sql-floor ${f.key}`,
        run: async () => {
          (c.sqlFloor[f.key] ??= []).push(await runScenario<SqlFloorResult>('sql-floor', f.args));
        },
      })),
    ];
    for (const step of steps) {
      if (elapsed() > DEADLINE_MS) {
        c.skipped.push(`round ${round}: ${step.label}`);
        continue;
      }
      log(`round ${round}/${ROUNDS}: ${step.label}`);
      await step.run();
    }
  }
  return c;
}

// ---------------------------------------------------------------------------------------------
// Tables

const median = (values: number[]) => summarize(values).p50;
const rate = (n: number, ms: number) => (n / ms) * 1000;
const ok = <T>(runs: Run<T>[] | undefined) => (runs ?? []).filter((r): r is Run<T> & { result: T } => r.result !== undefined);
const msCell = (v: number) => (v < 1 ? v.toFixed(3) : v < 10 ? v.toFixed(2) : v.toFixed(1));

function throughputTables(c: Collected): { text: string; medians: Record<string, number> } {
  const medians: Record<string, number> = {};
  /** the fastest round: the one least disturbed by other work on a shared host */
  const bests: Record<string, number> = {};
  const rows: (string | number)[][] = [];
  const roundRows: (string | number)[][] = [];
  const checkRows: (string | number)[][] = [];
  for (const t of THROUGHPUT) {
    const runs = ok(c.throughput[t.key]);
    const failed = (c.throughput[t.key] ?? []).filter((r) => r.error);
    if (runs.length === 0) {
      rows.push([t.title, 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', `FAILED: ${failed[0]?.error ?? 'not run'}`]);
      continue;
    }
    const r0 = runs[0]!.result;
    const proc = runs.map((r) => rate(r.result.n, r.result.processMs));
    const enq = runs.map((r) => rate(r.result.n, r.result.enqueueMs));
    const wall = runs.map((r) => r.result.enqueueMs + r.result.processMs);
    const e2e = runs.map((r) => rate(r.result.n, r.result.enqueueMs + r.result.processMs));
    medians[t.key] = median(proc);
    bests[t.key] = Math.max(...proc);
    const elu = runs.map((r) => r.result.usage?.mainElu).filter((v): v is number => v !== undefined);
    const cpu = runs.map((r) => r.result.usage?.cpuPct).filter((v): v is number => typeof v === 'number');
    const live = t.key === 'ns-live';
    rows.push([
      t.title,
      r0.workers,
      r0.where,
      int(median(enq)),
      `**${int(median(proc))}** (${int(Math.min(...proc))}–${int(Math.max(...proc))})`,
      live ? `${int(median(runs.map((r) => r.result.processMs)))} (overlapped)` : `${int(median(wall))}`,
      live ? `${int(median(proc))}` : int(median(e2e)),
      int(median(runs.map((r) => r.result.startupMs))),
      elu.length ? `${fixed(median(elu), 2)} / ${int(median(cpu))}%` : 'n/a',
      `${runs.filter((r) => r.result.correct).length}/${runs.length}${failed.length ? ` (+${failed.length} failed)` : ''}`,
    ]);
    roundRows.push([t.title, ...proc.map((v, i) => `${int(v)} (load ${runs[i]!.loadBefore[0]})`)]);
    const x = r0;
    const statuses = Object.entries(x.rows.byStatus).map(([k, v]) => `${k} ${v}`).join(', ');
    const extra = x.nightshift
      ? `; completed with attempts = 1: ${x.nightshift.completedOnce}; queue nightshift_job_runs rows: ${x.nightshift.runs}; jobs without exactly one success run: ${x.nightshift.jobsWithoutExactlyOneSuccessRun}; runner ticks: ${x.nightshift.ticks}`
      : '';
    const detail = `${statuses}; handler calls ${x.handlerCalls}${x.countedThreads !== undefined ? ` (from ${x.countedThreads} threads)` : ''}${extra}`;
    checkRows.push([t.title, runs.every((r) => r.result.correct) && failed.length === 0 ? 'PASS' : 'FAIL', detail]);
  }
  const ratioRow = (label: string, a: string, b: string) => {
    const v = medians[a] && medians[b] ? medians[a]! / medians[b]! : NaN;
    const w = bests[a] && bests[b] ? bests[a]! / bests[b]! : NaN;
    const x = (r: number) => (Number.isNaN(r) ? 'n/a' : `${r.toFixed(2)}x`);
    return [label, x(v), x(w), Number.isNaN(v) ? 'n/a' : verdict(v >= TARGETS.throughputRatio && w >= TARGETS.throughputRatio)];
  };
  const top = (values: Record<string, number>, keys: string[]) => Math.max(...keys.map((k) => values[k] ?? 0));
  const bestPj = top(medians, ['pj-1', 'pj-2', 'pj-2p']);
  const bestNs = top(medians, ['ns-default', 'ns-2']);
  const bestPjRound = top(bests, ['pj-1', 'pj-2', 'pj-2p']);
  const bestNsRound = top(bests, ['ns-default', 'ns-2']);
  const text = [
    `### 1. End-to-end throughput: ${int(N)} trivial durable jobs`,
    '',
    'Enqueue: one call per job, each its own transaction (Nightshift `Queue.enqueue()`, plainjob `queue.add()`), before the workers start. Processing: from the moment the workers are started and ready (thread/process start-up excluded, shown separately) until the last job is durably marked completed. Nightshift runs handlers in worker threads; **plainjob runs handlers on the main thread** (its in-process workers share that thread; the README\'s way to use more cores is one process per worker). Medians of the rounds, with min–max.',
    '',
    table(
      ['configuration', 'workers', 'handlers run in', 'enqueue jobs/s', 'processing jobs/s', 'wall ms (enqueue + processing)', 'end-to-end jobs/s', 'start-up ms', 'main-thread ELU / process CPU', 'exactly once'],
      rows,
    ),
    '',
    `Ratio of processing jobs/s (target: Nightshift >= ${TARGETS.throughputRatio}x plainjob):`,
    '',
    table(
      ['comparison', 'ratio of medians', 'ratio of fastest rounds', 'target'],
      [
        ratioRow('Nightshift default threads / plainjob 1 worker', 'ns-default', 'pj-1'),
        ratioRow('Nightshift workers: 2 / plainjob 2 in-process workers', 'ns-2', 'pj-2'),
        ratioRow('Nightshift workers: 2 / plainjob 2 worker processes', 'ns-2', 'pj-2p'),
        [
          'best Nightshift configuration / best plainjob configuration',
          bestPj && bestNs ? `${(bestNs / bestPj).toFixed(2)}x` : 'n/a',
          bestPjRound && bestNsRound ? `${(bestNsRound / bestPjRound).toFixed(2)}x` : 'n/a',
          bestPj && bestNs ? verdict(bestNs / bestPj >= TARGETS.throughputRatio && bestNsRound / bestPjRound >= TARGETS.throughputRatio) : 'n/a',
        ],
      ],
    ),
    '',
    'Processing jobs/s per round (1-minute load average of the host when the round started):',
    '',
    table(['configuration', ...Array.from({ length: ROUNDS }, (_, i) => `round ${i + 1}`)], roundRows),
    '',
    'Correctness (rows counted after each run; Nightshift: every job `completed` with attempts = 1, exactly one `success` nightshift_job_runs row per job, handler calls counted in each thread; plainjob: every row `done`, handler calls counted):',
    '',
    table(['configuration', 'all rounds', 'round 1'], checkRows),
  ].join('\n');
  return { text, medians };
}

function pooled(runs: Run<EnqueueCostResult>[], pick: (r: EnqueueCostResult) => number[]): { s: Summary; perRoundP99: number[] } {
  const good = ok(runs);
  return { s: summarize(good.flatMap((r) => pick(r.result))), perRoundP99: good.map((r) => summarize(pick(r.result)).p99) };
}

function enqueueTable(c: Collected): string {
  const runs = c.enqueue;
  if (ok(runs).length === 0) return `### 2. Cost of enqueue\n\nFAILED: ${runs[0]?.error ?? 'not run'}`;
  const first = ok(runs)[0]!.result;
  const line = (label: string, pick: (r: EnqueueCostResult) => number[], target?: boolean) => {
    const { s, perRoundP99 } = pooled(runs, pick);
    return [
      label,
      int(s.n),
      msCell(s.p50),
      msCell(s.p90),
      `**${msCell(s.p99)}**`,
      msCell(s.max),
      msCell(s.mean),
      perRoundP99.map(msCell).join(' / '),
      target ? verdict(s.p99 < TARGETS.enqueueP99Ms) : '',
    ];
  };
  return [
    '### 2. Cost of one enqueue on the request path',
    '',
    `Per call, timed with performance.now() around the call, ${int(first.n)} calls per round (5,000 for the runner-started rows, n/4 for the what-if) after 1,000 warm-up calls, all rounds pooled (ms). Payload \`{ i }\` validated by the job's zod schema. Target: p99 of one \`Queue.enqueue()\` < ${TARGETS.enqueueP99Ms} ms.`,
    '',
    table(
      ['call', 'samples', 'p50', 'p90', 'p99', 'max', 'mean', 'p99 per round', 'target'],
      [
        line('`Queue.enqueue()`, own implicit transaction, no runner (stopped)', (r) => r.single, true),
        line(`\`Queue.enqueue()\`, own transaction, runner started and idle (jobs due in 1 h), one call every ${first.idleEveryMs} ms`, (r) => r.idle, true),
        line('`Queue.enqueue()`, own transaction, runner started and processing the jobs between calls', (r) => r.live, true),
        line(`\`Queue.enqueue()\` inside a caller \`db.transaction()\` of ${first.txSize} (per call, no commit)`, (r) => r.txPerCall),
        line(`whole caller transaction of ${first.txSize} enqueues incl. COMMIT`, (r) => r.txPerTx),
        line('plainjob `queue.add()` (reference)', (r) => r.plainjob),
        line('what-if: `Queue.enqueue()` with `wal_autocheckpoint = 0` on that connection (diagnostic, n/4 calls)', (r) => r.noAutoCheckpoint),
      ],
    ),
    '',
    `Amortised cost per job inside a caller transaction of ${first.txSize}: ${msCell(summarize(ok(runs).flatMap((r) => r.result.txPerTx)).mean / first.txSize)} ms (mean transaction / ${first.txSize}).`,
  ].join('\n');
}

const LATENCY_TITLES: Record<string, string> = {
  default: 'QueueRunner, default threads',
  'workers-2': 'QueueRunner, workers: 2',
  'what-if-no-autocheckpoint': 'what-if (diagnostic): default threads, `wal_autocheckpoint = 0` on the main connection',
};

function latencyTable(c: Collected): string {
  const rows: (string | number)[][] = [];
  for (const [key, runs] of Object.entries(c.latency)) {
    const good = ok(runs);
    const title = LATENCY_TITLES[key] ?? key;
    if (good.length === 0) {
      rows.push([title, 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', `FAILED: ${runs[0]?.error ?? ''}`]);
      continue;
    }
    const s = summarize(good.flatMap((r) => r.result.start));
    const after = summarize(good.flatMap((r) => r.result.afterReturn));
    const perRound = good.map((r) => summarize(r.result.start));
    const diagnostic = key.startsWith('what-if');
    rows.push([
      `${title} (${good[0]!.result.workers})`,
      int(s.n),
      `**${msCell(s.p50)}**`,
      msCell(s.p90),
      `**${msCell(s.p99)}**`,
      msCell(s.max),
      `${msCell(after.p50)} / ${msCell(after.p99)}`,
      perRound.map((p) => `${msCell(p.p50)} / ${msCell(p.p99)}`).join(', '),
      good.reduce((a, r) => a + r.result.negative, 0),
      diagnostic ? '(diagnostic)' : `p50 ${verdict(s.p50 < TARGETS.latencyP50Ms)}, p99 ${verdict(s.p99 < TARGETS.latencyP99Ms)}`,
    ]);
  }
  return [
    '### 3. Latency from enqueue to handler start, idle queue',
    '',
    `One \`bench.latency\` job at a time: wait a random 2–8 ms (the queue is idle: nothing pending or running), take t0 = performance.timeOrigin + performance.now(), \`Queue.enqueue()\`, wait until it completed; the handler returns its own timeOrigin + now() at start; sample = start − t0 (ms). ${LATENCY_N} samples per round after 20 warm-up jobs, rounds pooled. Targets: p50 < ${TARGETS.latencyP50Ms} ms, p99 < ${TARGETS.latencyP99Ms} ms.`,
    '',
    table(['runner (threads)', 'samples', 'p50', 'p90', 'p99', 'max', 'from enqueue() return: p50 / p99', 'p50 / p99 per round', 'negative samples', 'targets'], rows),
  ].join('\n');
}

function sqlFloorTable(c: Collected): string {
  const rows: (string | number)[][] = [];
  for (const f of SQL_FLOOR) {
    const good = ok(c.sqlFloor[f.key]);
    if (good.length === 0) {
      rows.push([f.title, 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', `FAILED: ${c.sqlFloor[f.key]?.[0]?.error ?? 'not run'}`]);
      continue;
    }
    const med = (k: string) => median(good.map((r) => r.result.usPerJob[k] ?? 0));
    const total = median(good.map((r) => (r.result.ms * 1000) / r.result.n));
    rows.push([
      f.title,
      `**${int(median(good.map((r) => rate(r.result.n, r.result.ms))))}**`,
      fixed(total, 1),
      fixed(med('candidates'), 1),
      fixed(med('claim'), 1),
      fixed(med('openRuns'), 1),
      fixed(med('complete'), 1),
      fixed(med('succeedRuns'), 1),
      fixed(med('commitAndRest'), 1),
      good[0]!.result.ledger,
    ]);
  }
  return [
    '### 4. Diagnostic: the SQL floor of the runner\'s tick',
    '',
    `The runner's own store functions (src/store/sqlite: readyCandidates, claimJobs, completeJobs, and the nightshift_job_runs writes the way this version of the runner does them for a job that ends at once), ${int(N)} jobs in batches of 64 (about what one runner tick claims with the default maxPrefetch), claim and the previous batch's completion in one IMMEDIATE transaction as the tick does; no threads, no runner, main thread only. This is the most the main thread could do if everything except SQL were free. Medians of the rounds; µs per job.`,
    '',
    table(['variant', 'jobs/s', 'µs/job', 'readyCandidates', 'claimJobs', 'nightshift_job_runs at claim', 'completeJobs', 'nightshift_job_runs at completion', 'BEGIN/COMMIT + rest', 'nightshift_job_runs writes'], rows),
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------

const m = machine();
log(`N=${N}, rounds=${ROUNDS}, latency samples/round=${LATENCY_N}; load average ${os.loadavg().map((v) => v.toFixed(2)).join(' ')}`);
const loadStart = os.loadavg();
const sourceBefore = sourceState();
const collected = await collect();
const loadEnd = os.loadavg();
const sourceAfter = sourceState();
const sourceChanged = sourceAfter.newestSrcMs !== sourceBefore.newestSrcMs;

const { text: throughputText } = throughputTables(collected);
const output = [
  '## Queue benchmark results',
  '',
  `Machine: ${m.nproc} CPUs (nproc), ${m.cpu}, ${m.ramGiB} GiB RAM, ${m.kernel}. Node ${m.node}, better-sqlite3 ${m.betterSqlite3} (SQLite ${m.sqlite}), plainjob ${m.plainjob}, tsx ${m.tsx}.`,
  `Run: \`npm run bench:queue\` (N=${N}, ${ROUNDS} rounds) at ${new Date().toISOString()}, ${(elapsed() / 1000).toFixed(0)} s. Host 1-minute load average: ${loadStart[0]!.toFixed(2)} at start, ${loadEnd[0]!.toFixed(2)} at end (anything above ~0 is other work on the same ${m.nproc} CPUs).`,
  'Databases: fresh files under bench/.tmp/queue/, WAL, synchronous=NORMAL for both systems (Nightshift\'s openDatabase(); plainjob sets the same itself).',
  `Code measured: commit ${sourceBefore.commit}${sourceBefore.dirty.length ? ` plus uncommitted changes in ${sourceBefore.dirty.length} src/ file(s) (${sourceBefore.dirty.slice(0, 12).join(', ')}${sourceBefore.dirty.length > 12 ? ', …' : ''})` : ''}.`,
  ...(sourceChanged ? ['', `**Warning: files under src/ changed during this run (newest mtime ${new Date(sourceBefore.newestSrcMs).toISOString()} -> ${new Date(sourceAfter.newestSrcMs).toISOString()}); later scenarios ran different code than earlier ones.**`] : []),
  '',
  throughputText,
  '',
  enqueueTable(collected),
  '',
  latencyTable(collected),
  '',
  sqlFloorTable(collected),
  ...(collected.skipped.length ? ['', `Skipped to stay within ${DEADLINE_MS / 1000} s: ${collected.skipped.join('; ')}`] : []),
  '',
].join('\n');

process.stdout.write(output);
mkdirSync(TMP_DIR, { recursive: true });
writeFileSync(join(TMP_DIR, 'results.json'), JSON.stringify({ machine: m, n: N, rounds: ROUNDS, loadStart, loadEnd, sourceBefore, sourceAfter, collected }, null, 1));
writeFileSync(join(TMP_DIR, 'results.md'), output);
log(`done in ${(elapsed() / 1000).toFixed(0)} s; raw results in ${join(TMP_DIR, 'results.json')}`);

const failures = [
  ...Object.values(collected.throughput).flat(),
  ...collected.enqueue,
  ...Object.values(collected.latency).flat(),
].filter((r) => r.error || (r.result && 'correct' in (r.result as object) && !(r.result as ThroughputResult).correct));
if (failures.length) {
  log(`${failures.length} scenario run(s) failed or were incorrect`);
  process.exitCode = 1;
}
