// Benchmark 1: cleanup throughput and politeness.
// 2,000,000 preview sessions, 1,000,000 expired. For the real cleanupPreviewSessions (jobs/) and a
// naive back-to-back variant (bench/core/jobs-naive/), each on its own fresh copy of the database
// and its own server: API write latency with no cleanup (baseline), then the same write loop while
// POST /api/jobs/run/<job> runs the cleanup.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase } from '../../src/store/sqlite/open.ts';
import { previewCleanupStatements } from '../../src/app/domain/preview-sessions.ts';
import { signToken } from '../../src/http/auth/auth.ts';
import { buildFixture, copyFixture, removeDb, type FixtureInfo, type FixtureLayout } from './lib/fixture.ts';
import { BENCH_SECRET, REPO_ROOT, startHarness } from './lib/harness.ts';
import { Client, requestLoop, type LoopResult } from './lib/http.ts';
import { summarize, type Summary } from './lib/stats.ts';

let tmpDir = join(REPO_ROOT, 'bench', '.tmp', 'core');
/** Where the benchmark databases go (bench/.tmp/core unless --tmpdir says otherwise). */
export const TMP_DIR = () => tmpDir;
export const setTmpDir = (dir: string) => void (tmpDir = dir);

export interface CleanupOptions {
  total: number;
  expired: number;
  layout: FixtureLayout;
  /** ms between the starts of two sequential API writes */
  writeIntervalMs: number;
  /** writes in the no-cleanup baseline */
  baselineWrites: number;
  /** hard bound on one cleanup run (the write loop stops here too) */
  maxCleanupMs: number;
  variants: CleanupVariant[];
  /** Diagnostics: the same deletion straight on a fixture copy, one connection, no server. */
  rawProbes?: RawProbe[];
}

export interface RawProbe {
  label: string;
  /** rows per DELETE; Infinity = one statement for everything */
  batch: number;
  pragmas?: string[];
}

export interface RawProbeResult {
  probe: RawProbe;
  deleted: number;
  batches: number;
  ms: number;
  userMs: number;
  sysMs: number;
}

export interface CleanupVariant {
  label: string;
  job: string;
  jobsDir: string;
  /** Extra environment for the server harness (bench-only diagnostics, e.g. BENCH_MAIN_PRAGMAS). */
  env?: Record<string, string>;
}

export const POLITE: CleanupVariant = { label: 'polite (jobs/cleanup-preview-sessions.ts)', job: 'cleanupPreviewSessions', jobsDir: join(REPO_ROOT, 'jobs') };
export const NAIVE: CleanupVariant = {
  label: 'naive (DELETE … LIMIT 5000 back to back, no gate, no pause)',
  job: 'naiveCleanupPreviewSessions',
  jobsDir: join(REPO_ROOT, 'bench', 'core', 'jobs-naive'),
};

export const DEFAULT_CLEANUP: CleanupOptions = {
  total: 2_000_000,
  expired: 1_000_000,
  layout: 'chronological',
  writeIntervalMs: 2,
  baselineWrites: 1_500,
  maxCleanupMs: 120_000,
  variants: [POLITE, NAIVE],
};

export interface CleanupVariantResult {
  variant: CleanupVariant;
  baseline: Summary & { errors: number };
  during: Summary & { errors: number; statuses: Record<number, number> };
  runStatus: number;
  runResult: { status?: string; success?: boolean; durationMs?: number | null; details?: Record<string, unknown>; error?: string };
  wallMs: number;
  remainingRows: number;
  expectedRemaining: number;
  /** writes slower than 15 ms / 50 ms during the cleanup */
  over15: number;
  over50: number;
  /** the slowest writes during the cleanup: [ms since the run was triggered, latency ms] */
  slowest: [number, number][];
  /** with BENCH_STALL_WATCH=1: what the server saw during the cleanup */
  serverSide?: ServerSideDiag;
}

export interface ServerSideDiag {
  inserts: number;
  /** main-thread stalls > 15 ms: [ms since trigger, ms] */
  stalls: [number, number][];
  /** API INSERT .run() calls slower than 15 ms: [ms since trigger, ms] */
  slowInserts: [number, number][];
}

type StallsReply = { stalls: [number, number][]; slowInserts: [number, number][]; inserts: number; now: number };

export interface CleanupResult {
  fixture: FixtureInfo;
  options: CleanupOptions;
  variants: CleanupVariantResult[];
  raw: RawProbeResult[];
}

/** The cost of the deletion itself, without the engine: one connection, back-to-back batches. */
function runRawProbe(template: string, probe: RawProbe): RawProbeResult {
  const dbPath = join(TMP_DIR(), 'cleanup-raw.db');
  copyFixture(template, dbPath);
  const db = openDatabase(dbPath);
  try {
    for (const pragma of probe.pragmas ?? []) db.pragma(pragma);
    const { expired } = previewCleanupStatements(db);
    const size = Number.isFinite(probe.batch) ? probe.batch : Number.MAX_SAFE_INTEGER;
    const now = Date.now();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let deleted = 0;
    let batches = 0;
    for (let guard = 0; guard < 10_000_000; guard++) {
      const { changes } = expired.run(now, size);
      deleted += changes;
      batches++;
      if (changes < size) break;
    }
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    return { probe, deleted, batches, ms: wall, userMs: cpu.user / 1000, sysMs: cpu.system / 1000 };
  } finally {
    db.close();
    removeDb(dbPath);
  }
}

const withErrors = (loop: LoopResult) => ({ ...summarize(loop.latencies), errors: loop.errors });

async function runVariant(template: string, variant: CleanupVariant, options: CleanupOptions, log: (s: string) => void): Promise<CleanupVariantResult> {
  const dbPath = join(TMP_DIR(), `cleanup-${variant.job}.db`);
  copyFixture(template, dbPath);
  const harness = await startHarness({ DATABASE_PATH: dbPath, JOBS_DIR: variant.jobsDir, ...variant.env });
  const token = await signToken({ sub: 'bench', role: 'admin', ttlSeconds: 3600 }, BENCH_SECRET);
  const client = new Client(harness.url, { authorization: `Bearer ${token}` });
  const runClient = new Client(harness.url, { authorization: `Bearer ${token}` });
  let writes = 0;
  const write = () => {
    writes++;
    return client.request('POST', '/api/preview-sessions', { expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
  };
  try {
    // Warm-up: JIT, statement cache, keep-alive socket.
    await requestLoop(write, 201, { intervalMs: 0, maxCount: 300, maxMs: 10_000 });
    const baselineLoop = await requestLoop(write, 201, { intervalMs: options.writeIntervalMs, maxCount: options.baselineWrites, maxMs: 30_000 });
    log(`  ${variant.job}: baseline p99 ${summarize(baselineLoop.latencies).p99.toFixed(2)} ms over ${baselineLoop.latencies.length} writes`);

    const watch = variant.env?.BENCH_STALL_WATCH === '1';
    const before = watch ? await harness.call<StallsReply & { id: number; type: 'stalls' }>({ type: 'stalls' }) : undefined;
    let done = false;
    const started = performance.now();
    const run = runClient.request('POST', `/api/jobs/run/${variant.job}?wait=true`, undefined, options.maxCleanupMs + 10_000).finally(() => (done = true));
    const duringLoop = await requestLoop(write, 201, {
      intervalMs: options.writeIntervalMs,
      maxCount: Math.ceil(options.maxCleanupMs / Math.max(options.writeIntervalMs, 0.5)),
      maxMs: options.maxCleanupMs,
      until: () => done,
    });
    const response = await run;
    const wallMs = performance.now() - started;
    let runResult: CleanupVariantResult['runResult'];
    try {
      runResult = (JSON.parse(response.body) as { result?: CleanupVariantResult['runResult'] }).result ?? { error: response.body.slice(0, 500) };
    } catch {
      runResult = { error: response.body.slice(0, 500) };
    }
    const lat = duringLoop.latencies;
    log(`  ${variant.job}: ${response.status} in ${wallMs.toFixed(0)} ms; writes during: ${lat.length}, p99 ${summarize(lat).p99.toFixed(2)} ms`);
    let serverSide: ServerSideDiag | undefined;
    if (before) {
      const after = await harness.call<StallsReply & { id: number; type: 'stalls' }>({ type: 'stalls' });
      // Server clock -> ms since trigger (the trigger went out right after `before` was answered).
      const shift = (list: [number, number][]) => list.map(([t, d]): [number, number] => [t - before.now, d]);
      serverSide = { inserts: after.inserts, stalls: shift(after.stalls), slowInserts: shift(after.slowInserts) };
    }
    await harness.stop();
    const check = new Database(dbPath, { readonly: true });
    const remainingRows = (check.prepare('SELECT COUNT(*) AS n FROM preview_sessions').get() as { n: number }).n;
    check.close();
    return {
      variant,
      baseline: withErrors(baselineLoop),
      during: { ...withErrors(duringLoop), statuses: duringLoop.statuses },
      runStatus: response.status,
      runResult,
      wallMs,
      remainingRows,
      expectedRemaining: options.total - options.expired + writes,
      over15: lat.filter((v) => v > 15).length,
      over50: lat.filter((v) => v > 50).length,
      slowest: lat
        .map((v, i): [number, number] => [Math.round(duringLoop.startedAt[i]!), Math.round(v * 10) / 10])
        .sort((a, b) => b[1] - a[1])
        .slice(0, 15),
      serverSide,
    };
  } finally {
    client.close();
    runClient.close();
    await harness.stop();
    removeDb(dbPath);
  }
}

export async function runCleanupBench(options: CleanupOptions = DEFAULT_CLEANUP, log: (s: string) => void = console.error): Promise<CleanupResult> {
  const template = join(TMP_DIR(), `preview-sessions-${options.layout}-${options.total}-${options.expired}.db`);
  log(`cleanup: building ${options.total.toLocaleString('en')} rows (${options.expired.toLocaleString('en')} expired, ${options.layout}) in ${template}`);
  const fixture = buildFixture(template, { total: options.total, expired: options.expired, layout: options.layout });
  log(`cleanup: fixture built in ${(fixture.buildMs / 1000).toFixed(1)} s, ${(fixture.bytes / 1048576).toFixed(0)} MiB`);
  const variants: CleanupVariantResult[] = [];
  const raw: RawProbeResult[] = [];
  try {
    for (const variant of options.variants) variants.push(await runVariant(template, variant, options, log));
    for (const probe of options.rawProbes ?? []) {
      raw.push(runRawProbe(template, probe));
      log(`  raw ${probe.label}: ${raw.at(-1)!.ms.toFixed(0)} ms`);
    }
  } finally {
    removeDb(template);
  }
  return { fixture, options, variants, raw };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await runCleanupBench();
  console.log(JSON.stringify(result, null, 2));
}
