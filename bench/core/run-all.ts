// `npm run bench:core` (tsx bench/core/run-all.ts): runs the core benchmarks of issue 2's
// "Performance" section and prints markdown tables; raw numbers go to bench/.tmp/results-core.json.
//
//   --only=noise,cleanup,isolation,startup   run a subset (default: all, in that order)
//   --layout=chronological|interleaved       cleanup fixture layout (default chronological)
//   --diagnose                               extra cleanup variants that test suspected causes of
//                                            missed targets (adds ~3 minutes)
//   --tmpdir=DIR                             put the databases in DIR instead of bench/.tmp/core
//                                            (diagnostic, e.g. a tmpfs to take the disk out)
import { execSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { DEFAULT_CLEANUP, NAIVE, POLITE, TMP_DIR, setTmpDir, runCleanupBench, type CleanupResult, type CleanupVariant, type RawProbe } from './cleanup.ts';
import { DEFAULT_ISOLATION, runIsolationBench, type IsolationResult } from './isolation.ts';
import type { FixtureLayout } from './lib/fixture.ts';
import { cpuMeter, type CpuReport } from './lib/cpu.ts';
import { REPO_ROOT } from './lib/harness.ts';
import { median, mib, ms, pass, table } from './lib/stats.ts';
import { runNoiseBench, type NoiseResult } from './noise.ts';
import { DEFAULT_STARTUP, runStartupBench, type StartupResult } from './startup-memory.ts';

const { values } = parseArgs({
  options: {
    only: { type: 'string', default: 'noise,cleanup,isolation,startup' },
    layout: { type: 'string', default: 'chronological' },
    diagnose: { type: 'boolean', default: false },
    tmpdir: { type: 'string' },
  },
});
if (values.tmpdir) setTmpDir(values.tmpdir);
const only = new Set(values.only!.split(',').map((s) => s.trim()));
const layout = values.layout as FixtureLayout;
if (!['chronological', 'interleaved'].includes(layout)) throw new Error('--layout must be chronological or interleaved');

const log = (s: string) => console.error(s);
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const pkgVersion = (name: string) => {
  try {
    return (JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'n/a';
  }
};

function machine() {
  const memKb = Number(/MemTotal:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0);
  const sqlite = new Database(':memory:');
  const sqliteVersion = (sqlite.prepare('select sqlite_version() as v').get() as { v: string }).v;
  sqlite.close();
  let nproc = String(cpus().length);
  try {
    nproc = execSync('nproc', { encoding: 'utf8' }).trim();
  } catch {
    /* os.cpus() is close enough */
  }
  let disk = 'n/a';
  try {
    disk = execSync(`df -T ${JSON.stringify(TMP_DIR())} | tail -1 | awk '{print $1" "$2}'`, { encoding: 'utf8', shell: '/bin/bash' }).trim();
  } catch {
    /* not critical */
  }
  return {
    nproc,
    cpu: /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpus()[0]?.model ?? 'n/a',
    ramGiB: (memKb / 1048576).toFixed(1),
    totalmemGiB: (totalmem() / 1073741824).toFixed(1),
    kernel: readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim(),
    disk,
    node: process.version,
    sqlite: sqliteVersion,
    packages: Object.fromEntries(['better-sqlite3', 'bree', 'hono', '@hono/node-server', 'tsx', 'zod'].map((p) => [p, pkgVersion(p)])),
  };
}

const results: {
  startedAt: string;
  machine: ReturnType<typeof machine>;
  loadavg: Record<string, string>;
  noise?: NoiseResult;
  cleanup?: CleanupResult;
  isolation?: IsolationResult;
  startup?: StartupResult;
  totalMs?: number;
  otherCpu: Record<string, CpuReport>;
} = (() => {
  mkdirSync(TMP_DIR(), { recursive: true });
  return { startedAt: new Date().toISOString(), machine: machine(), loadavg: { start: loadavg() }, otherCpu: {} };
})();
const t0 = performance.now();
const section = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
  log(`${name} ...`);
  const meter = cpuMeter();
  const value = await fn();
  results.otherCpu[name] = meter();
  results.loadavg[`after ${name}`] = loadavg();
  return value;
};

if (only.has('noise')) {
  results.noise = await section('noise', () => runNoiseBench());
}
if (only.has('cleanup')) {
  const variants: CleanupVariant[] = [POLITE, NAIVE];
  if (values.diagnose) {
    const tunedDir = join(REPO_ROOT, 'bench', 'core', 'jobs-tuned');
    variants.push(
      { ...POLITE, label: 'diag: polite + API connection wal_autocheckpoint=0', env: { BENCH_MAIN_PRAGMAS: 'wal_autocheckpoint=0' } },
      { label: 'diag: polite with targetBatchMs=8', job: 'tunedCleanupPreviewSessions', jobsDir: tunedDir, env: { BENCH_TARGET_BATCH_MS: '8' } },
      { ...POLITE, label: 'diag: polite, instrumented (1 ms watchdog + INSERT timing in the server)', env: { BENCH_STALL_WATCH: '1' } },
      {
        label: 'diag: targetBatchMs=8 + API wal_autocheckpoint=0',
        job: 'tunedCleanupPreviewSessions',
        jobsDir: tunedDir,
        env: { BENCH_TARGET_BATCH_MS: '8', BENCH_MAIN_PRAGMAS: 'wal_autocheckpoint=0' },
      },
    );
  }
  const rawProbes: RawProbe[] = values.diagnose
    ? [
        { label: 'one DELETE for all expired rows, default page cache', batch: Infinity },
        { label: 'one DELETE for all expired rows, 512 MiB page cache', batch: Infinity, pragmas: ['cache_size = -524288'] },
        { label: 'DELETE … LIMIT 5000 back to back', batch: 5000 },
        { label: 'DELETE … LIMIT 100 back to back (≈ the polite batch size)', batch: 100 },
        { label: 'DELETE … LIMIT 5000 back to back, synchronous=OFF (no fsync in checkpoints)', batch: 5000, pragmas: ['synchronous = OFF'] },
      ]
    : [];
  results.cleanup = await section('cleanup', () => runCleanupBench({ ...DEFAULT_CLEANUP, layout, variants, rawProbes }, log));
}
if (only.has('isolation')) {
  results.isolation = await section('isolation', () => runIsolationBench(DEFAULT_ISOLATION, log));
}
if (only.has('startup')) {
  results.startup = await section('startup', () => runStartupBench(DEFAULT_STARTUP, log));
}
results.totalMs = performance.now() - t0;
const defaultRun = values.only === 'noise,cleanup,isolation,startup' && layout === 'chronological' && !values.diagnose;
const tag = defaultRun ? '' : `-${[...only].join('+')}-${layout}${values.diagnose ? '-diagnose' : ''}`;
const jsonPath = join(TMP_DIR(), `results-core${tag}.json`);
writeFileSync(jsonPath, JSON.stringify(results, null, 2));

// ---- markdown ----
const out: string[] = [];
const m = results.machine;
out.push(`## Nightshift core benchmarks (${results.startedAt})`, '');
out.push(
  `Machine: ${m.nproc} CPUs (${m.cpu}), ${m.ramGiB} GiB RAM, ${m.disk}, Linux ${m.kernel}. Node ${m.node}, SQLite ${m.sqlite}, ` +
    Object.entries(m.packages)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') +
    '.',
);
out.push(`Databases in ${TMP_DIR()}. Load average: ${Object.entries(results.loadavg).map(([k, v]) => `${k} ${v}`).join('; ')}. Total ${(results.totalMs / 1000).toFixed(0)} s.`, '');
out.push(
  `CPU used outside this benchmark's processes (other sessions, kernel I/O work) per section, in core-seconds over wall seconds: ${Object.entries(results.otherCpu)
    .map(([k, r]) => `${k} ${r.othersS.toFixed(1)}/${r.wallS.toFixed(0)} s`)
    .join('; ')} (2 cores = 2 core-seconds per second).`,
  '',
);

if (results.noise) {
  const n = results.noise;
  out.push('### Noise floor of this machine', '');
  out.push(
    table(
      ['probe', 'samples', 'p50 ms', 'p99 ms', 'max ms', 'notes'],
      [
        ['bare node:http server, same client loop (POST every 2 ms)', n.bareHttp.n, ms(n.bareHttp.p50, 2), ms(n.bareHttp.p99, 2), ms(n.bareHttp.max), `${n.bareHttp.errors} errors`],
        [`1 ms setInterval watchdog, idle process, ${n.watchdog.ms / 1000} s`, '-', '-', '-', ms(n.watchdog.max), `${n.watchdog.stalls} stalls > 10 ms, ${n.watchdog.over50} > 50 ms`],
      ],
    ),
    '',
  );
}

if (results.cleanup) {
  const c = results.cleanup;
  const f = c.fixture;
  out.push(
    `### 1. Cleanup: ${f.total.toLocaleString('en')} preview sessions, ${f.expired.toLocaleString('en')} expired (${c.options.layout} layout)`,
    '',
  );
  out.push(
    `Fixture built in ${(f.buildMs / 1000).toFixed(1)} s (${(f.bytes / 1048576).toFixed(0)} MiB), copied fresh for each variant. API writes: sequential POST /api/preview-sessions, one every ${c.options.writeIntervalMs} ms, admin JWT, keep-alive loopback; server in a child process (bench/core/server-harness.ts -> startRuntime).`,
    '',
  );
  const rows: (string | number)[][] = [];
  for (const v of c.variants) {
    const d = v.runResult.details ?? {};
    rows.push([`${v.variant.label}: no cleanup (baseline)`, '-', '-', v.baseline.n, ms(v.baseline.p50, 2), ms(v.baseline.p99, 2), ms(v.baseline.max), '-', '-', v.baseline.errors]);
    rows.push([
      `${v.variant.label}: during cleanup`,
      `${v.runResult.durationMs ?? 'n/a'} / ${v.wallMs.toFixed(0)}`,
      `${d.expiredCount ?? '?'} in ${d.batches ?? '?'}${d.yieldedMs !== undefined ? `, yielded ${d.yieldedMs} ms` : ''}`,
      v.during.n,
      ms(v.during.p50, 2),
      ms(v.during.p99, 2),
      ms(v.during.max),
      v.over15,
      v.over50,
      v.during.errors + (v.runStatus !== 200 || !v.runResult.success ? ` (run ${v.runStatus} ${v.runResult.status ?? ''})` : '') + (v.remainingRows !== v.expectedRemaining ? ` rows ${v.remainingRows}≠${v.expectedRemaining}` : ''),
    ]);
  }
  out.push(
    table(['scenario', 'cleanup ms (run durationMs / wall)', 'rows deleted in batches', 'API writes', 'p50 ms', 'p99 ms', 'max ms', '> 15 ms', '> 50 ms', 'errors'], rows),
    '',
  );
  const polite = c.variants.find((v) => v.variant === POLITE);
  if (polite) {
    const dur = polite.runResult.durationMs ?? polite.wallMs;
    out.push(
      `Targets (polite run): cleanup < 4 s: ${pass(dur < 4000)} (${(dur / 1000).toFixed(1)} s); write p99 < 15 ms: ${pass(polite.during.p99 < 15)} (${ms(polite.during.p99, 2)}); write max < 50 ms: ${pass(polite.during.max < 50)} (${ms(polite.during.max)}).`,
      '',
    );
    out.push(`Slowest polite writes [ms after trigger, latency ms]: ${JSON.stringify(polite.slowest.slice(0, 8))}`, '');
  }
  const watched = c.variants.filter((v) => v.serverSide);
  if (watched.length) {
    out.push('Diagnostics, server side of the instrumented run(s): where the slow writes spent their time.', '');
    const count = (list: [number, number][], over: number) => list.filter(([, d]) => d > over).length;
    const max = (list: [number, number][]) => (list.length ? Math.max(...list.map(([, d]) => d)) : 0);
    out.push(
      table(
        ['run', 'client writes > 15 / > 50 ms', 'API INSERT .run() > 15 / > 50 ms (max)', 'main-thread stalls > 15 / > 50 ms (max)'],
        watched.map((v) => {
          const d = v.serverSide!;
          return [
            v.variant.label,
            `${v.over15} / ${v.over50}`,
            `${count(d.slowInserts, 15)} / ${count(d.slowInserts, 50)} (${max(d.slowInserts)} ms) of ${d.inserts}`,
            `${count(d.stalls, 15)} / ${count(d.stalls, 50)} (${max(d.stalls)} ms)`,
          ];
        }),
      ),
      '',
    );
  }
  if (c.raw.length) {
    out.push('Diagnostics: the same deletion straight on a copy of the fixture (one connection in the bench process, no server, no concurrent writes):', '');
    out.push(
      table(
        ['raw deletion', 'rows', 'statements', 'wall ms', 'CPU user ms', 'CPU sys ms', 'µs per row'],
        c.raw.map((r) => [r.probe.label, r.deleted, r.batches, r.ms.toFixed(0), r.userMs.toFixed(0), r.sysMs.toFixed(0), ((r.ms * 1000) / Math.max(1, r.deleted)).toFixed(1)]),
      ),
      '',
    );
  }
}

if (results.isolation) {
  const i = results.isolation;
  out.push(`### 2. Isolation: GET /api/health, one request every ${i.options.intervalMs} ms, CPU busy loop of ${i.options.burnMs / 1000} s`, '');
  const ratio = (p99: number) => `${(p99 / i.idle.health.p99).toFixed(2)}× (${p99 >= i.idle.health.p99 ? "+" : ""}${((p99 / i.idle.health.p99 - 1) * 100).toFixed(0)}%)`;
  out.push(
    table(
      ['scenario', 'health answers', 'p50 ms', 'p99 ms', 'p99 per round', 'max ms', 'p99 vs idle', 'busy-loop iterations'],
      [i.idle, i.worker, i.main].map((r) => [
        r.label,
        r.health.n,
        ms(r.health.p50, 2),
        ms(r.health.p99, 2),
        r.roundsP99.map((v) => ms(v, 2)).join(', '),
        ms(r.health.max),
        r === i.idle ? '-' : ratio(r.health.p99),
        (r.work as { iterations?: number } | undefined)?.iterations?.toLocaleString('en') ?? '-',
      ]),
    ),
    '',
  );
  out.push(`Target: worker-thread p99 within +50% of idle: ${pass(i.worker.health.p99 <= i.idle.health.p99 * 1.5)}. Idle and worker rows pool ${i.options.rounds} alternating rounds.`, '');
}

if (results.startup) {
  const s = results.startup;
  const mem = s.memory;
  out.push(`### 3. Start-up and idle memory of \`node --import tsx src/app/server.ts\``, '');
  out.push(
    table(
      ['metric', 'value'],
      [
        [`start to first 200 /api/health, new database (median of ${s.options.starts})`, `${median(s.freshDbMs).toFixed(0)} ms (min ${Math.min(...s.freshDbMs).toFixed(0)}, max ${Math.max(...s.freshDbMs).toFixed(0)})`],
        [`start to first 200 /api/health, existing database (median of ${s.options.starts})`, `${median(s.existingDbMs).toFixed(0)} ms (min ${Math.min(...s.existingDbMs).toFixed(0)}, max ${Math.max(...s.existingDbMs).toFixed(0)})`],
        ['SIGTERM to exit, idle server (median)', `${median(s.stopMs).toFixed(0)} ms`],
        ['RSS right after start, before / after forced GC', `${mib(mem.afterStart.procRss)} / ${mib(mem.afterStart.rss)} MiB`],
        ['heap used / total right after start (after GC)', `${mib(mem.afterStart.heapUsed)} / ${mib(mem.afterStart.heapTotal)} MiB`],
        [`RSS after ${s.options.idleMs / 1000} s idle, before / after forced GC`, `${mib(mem.afterIdle.procRss)} / ${mib(mem.afterIdle.rss)} MiB`],
        [`heap used / total after ${s.options.idleMs / 1000} s idle (after GC)`, `${mib(mem.afterIdle.heapUsed)} / ${mib(mem.afterIdle.heapTotal)} MiB`],
        ['external / arrayBuffers after idle', `${mib(mem.afterIdle.external)} / ${mib(mem.afterIdle.arrayBuffers)} MiB`],
        ['OS threads in the server process', String(mem.threads)],
      ],
    ),
    '',
  );
  out.push('RSS covers the whole process (main thread, the queue worker thread, tsx loader thread, V8 and libuv threads); the heap figures are the main isolate only.', '');
}
out.push(`Raw numbers: ${jsonPath}`);
console.log(out.join('\n'));
