// Benchmark 2: isolation. GET /api/health latency (sequential, one request every 2 ms) while the
// server is idle, while a CPU-bound job (bench/core/jobs-cpu/cpu-burn.ts, ~5 s busy loop) runs in
// its worker thread via POST /api/jobs/run/cpuBurn, and while the same job's run() runs on the
// server's main thread (harness message 'burn-main'). Idle and worker rounds alternate.
import { join } from 'node:path';
import { signToken } from '../../src/http/auth/auth.ts';
import { TMP_DIR } from './cleanup.ts';
import { removeDb } from './lib/fixture.ts';
import { BENCH_SECRET, REPO_ROOT, startHarness, type Harness } from './lib/harness.ts';
import { Client, requestLoop, type LoopResult } from './lib/http.ts';
import { summarize, type Summary } from './lib/stats.ts';

export interface IsolationOptions {
  burnMs: number;
  intervalMs: number;
  idleMs: number;
  rounds: number;
}

export const DEFAULT_ISOLATION: IsolationOptions = { burnMs: 5_000, intervalMs: 2, idleMs: 5_000, rounds: 3 };

export interface IsolationRow {
  label: string;
  health: Summary & { errors: number };
  wallMs: number;
  /** p99 of each round separately (idle and worker rows), to show the spread */
  roundsP99: number[];
  /** what the busy loop reported (iterations, burnedMs) */
  work?: unknown;
}

export interface IsolationResult {
  options: IsolationOptions;
  idle: IsolationRow;
  worker: IsolationRow;
  main: IsolationRow;
}

const merge = (loops: LoopResult[]) => loops.flatMap((l) => l.latencies);

export async function runIsolationBench(options: IsolationOptions = DEFAULT_ISOLATION, log: (s: string) => void = console.error): Promise<IsolationResult> {
  const dbPath = join(TMP_DIR(), 'isolation.db');
  removeDb(dbPath);
  const harness: Harness = await startHarness({
    DATABASE_PATH: dbPath,
    JOBS_DIR: join(REPO_ROOT, 'bench', 'core', 'jobs-cpu'),
    BURN_MS: String(options.burnMs),
  });
  const token = await signToken({ sub: 'bench', role: 'admin', ttlSeconds: 3600 }, BENCH_SECRET);
  const client = new Client(harness.url);
  const admin = new Client(harness.url, { authorization: `Bearer ${token}` });
  const health = () => client.request('GET', '/api/health');
  const loopWhile = (isDone: () => boolean, maxMs: number) =>
    requestLoop(health, 200, { intervalMs: options.intervalMs, maxCount: Math.ceil(maxMs / options.intervalMs), maxMs, until: isDone });
  try {
    await requestLoop(health, 200, { intervalMs: 0, maxCount: 500, maxMs: 10_000 }); // warm-up
    const idleLoops: LoopResult[] = [];
    const workerLoops: LoopResult[] = [];
    let workerWall = 0;
    let work: unknown;
    for (let round = 0; round < options.rounds; round++) {
      idleLoops.push(await loopWhile(() => false, options.idleMs));
      let done = false;
      const started = performance.now();
      const run = admin.request('POST', '/api/jobs/run/cpuBurn?wait=true', undefined, options.burnMs + 60_000).finally(() => (done = true));
      workerLoops.push(await loopWhile(() => done, options.burnMs + 30_000));
      const response = await run;
      workerWall += performance.now() - started;
      const body = JSON.parse(response.body) as { result?: { success: boolean; details: unknown } };
      if (response.status !== 200 || !body.result?.success) throw new Error(`cpuBurn run failed: ${response.status} ${response.body}`);
      work = body.result.details;
      log(`  isolation round ${round + 1}: idle p99 ${summarize(idleLoops.at(-1)!.latencies).p99.toFixed(2)} ms, worker p99 ${summarize(workerLoops.at(-1)!.latencies).p99.toFixed(2)} ms`);
    }
    // Same busy loop on the server's main thread, once.
    let done = false;
    const started = performance.now();
    const burn = harness.call<{ id: number; type: 'burn-main'; details: unknown; ms: number }>({ type: 'burn-main', ms: options.burnMs }, options.burnMs + 60_000).finally(() => (done = true));
    const mainLoop = await loopWhile(() => done, options.burnMs + 30_000);
    const burnt = await burn;
    const mainWall = performance.now() - started;
    log(`  isolation main thread: ${mainLoop.latencies.length} health answers, max ${summarize(mainLoop.latencies).max.toFixed(0)} ms`);
    const row = (label: string, loops: LoopResult[], wallMs: number, w?: unknown): IsolationRow => ({
      label,
      health: { ...summarize(merge(loops)), errors: loops.reduce((a, l) => a + l.errors, 0) },
      wallMs,
      roundsP99: loops.map((l) => summarize(l.latencies).p99),
      work: w,
    });
    return {
      options,
      idle: row('idle', idleLoops, options.idleMs * options.rounds),
      worker: row('CPU job in its worker thread (POST /api/jobs/run/cpuBurn)', workerLoops, workerWall, work),
      main: row("same job's run() on the server's main thread", [mainLoop], mainWall, burnt.details),
    };
  } finally {
    client.close();
    admin.close();
    await harness.stop();
    removeDb(dbPath);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await runIsolationBench(), null, 2));
}
