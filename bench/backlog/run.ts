// The backlog benchmark (issue 11): `npm run bench:backlog`. Each scenario runs in its own
// process (scenario.ts) on a fresh database under bench/.tmp/queue/, ROUNDS times interleaved;
// the tables give medians (with min-max) and the targets. Prints markdown and writes
// bench/.tmp/backlog/results.{md,json}.
//
//   BACKLOG_BENCH_ROUNDS (3), BACKLOG_BENCH_SIZE (200000 backlog rows), BACKLOG_BENCH_IDLE_MS
//   (10000), BACKLOG_BENCH_RATE (300 jobs/s), BACKLOG_BENCH_COUNT (1500 latency samples),
//   BACKLOG_BENCH_SCALING=1 adds the scaling table (0, 10k, 100k, 1M future rows; one round).
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { BulkResult, DrainResult, EnqueueResult, LatencyResult } from './scenario.ts';
import { REPO_ROOT } from '../queue/lib/paths.ts';
import { fixed, int, summarize, table, verdict } from '../queue/lib/stats.ts';

const ROUNDS = Number(process.env.BACKLOG_BENCH_ROUNDS ?? 3);
const SIZE = Number(process.env.BACKLOG_BENCH_SIZE ?? 200_000);
const IDLE_MS = Number(process.env.BACKLOG_BENCH_IDLE_MS ?? 10_000);
const RATE = Number(process.env.BACKLOG_BENCH_RATE ?? 300);
const COUNT = Number(process.env.BACKLOG_BENCH_COUNT ?? 1_500);
const SCALING = process.env.BACKLOG_BENCH_SCALING === '1';
const OUT = join(REPO_ROOT, 'bench', '.tmp', 'backlog');
const SCRIPT = join(REPO_ROOT, 'bench', 'backlog', 'scenario.ts');

const started = performance.now();
const log = (msg: string) => process.stderr.write(`[bench:backlog ${((performance.now() - started) / 1000).toFixed(0).padStart(4)}s] ${msg}\n`);

function run<T>(name: string, args: Record<string, unknown>): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, name, JSON.stringify(args)], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code === 0 && line) resolve(JSON.parse(line.slice(7)) as T);
      else reject(new Error(`${name} ${JSON.stringify(args)} exited ${code}: ${out.slice(-500)}`));
    });
  });
}

const median = (values: number[]) => summarize(values).p50;
const spread = (values: number[], digits = 2) => `${fixed(median(values), digits)} (${fixed(Math.min(...values), digits)}-${fixed(Math.max(...values), digits)})`;

function versionOf(pkg: string): string {
  try {
    return (JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'n/a';
  }
}

async function main(): Promise<void> {
  const latency: Record<string, LatencyResult[]> = { none: [], future: [], capped: [] };
  const enqueue: EnqueueResult[] = [];
  const bulk: BulkResult[] = [];
  const drain: DrainResult[] = [];
  const loads: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    loads.push(os.loadavg()[0]!);
    for (const backlog of ['none', 'future', 'capped'] as const) {
      log(`round ${round}: latency, backlog ${backlog}`);
      latency[backlog]!.push(await run<LatencyResult>('latency', { backlog, size: backlog === 'none' ? 0 : SIZE, rate: RATE, count: COUNT, idleMs: IDLE_MS }));
    }
    log(`round ${round}: enqueue, bulk, drain`);
    enqueue.push(await run<EnqueueResult>('enqueue', { n: 20_000, warmup: 2_000 }));
    bulk.push(await run<BulkResult>('bulk', { n: 20_000, chunk: 1_000 }));
    drain.push(await run<DrainResult>('drain', { n: 20_000 }));
  }
  const scaling: { future: number; latency: LatencyResult; drain: DrainResult }[] = [];
  if (SCALING) {
    for (const future of [0, 10_000, 100_000, 1_000_000]) {
      log(`scaling: ${future} future rows`);
      const l = await run<LatencyResult>('latency', { backlog: future ? 'future' : 'none', size: future, rate: RATE, count: COUNT, idleMs: 1_000 });
      const d = await run<DrainResult>('drain', { n: 20_000, future, plainjob: false });
      scaling.push({ future, latency: l, drain: d });
    }
  }

  const md: string[] = [];
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  md.push(`Run ${new Date().toISOString()}, commit ${commit}, ${os.availableParallelism()} CPUs (${os.cpus()[0]?.model}), Node ${process.version}, better-sqlite3 ${versionOf('better-sqlite3')}, plainjob ${versionOf('plainjob')}; ${ROUNDS} rounds, 1-min load at each round's start: ${loads.map((l) => l.toFixed(2)).join(', ')}.`);
  md.push('');
  md.push(`### Enqueue-to-start at ${RATE} jobs/s (${COUNT} jobs, 2 threads), idle CPU and write-lock hold per tick`);
  md.push('');
  const base = latency.none!.map((r) => summarize(r.start));
  const baseCpu = latency.none!.map((r) => (r.idleCpuS * 20_000) / r.idleMs);
  const rows = (['none', 'future', 'capped'] as const).map((backlog) => {
    const runs = latency[backlog]!;
    const s = runs.map((r) => summarize(r.start));
    const ticks = runs.map((r) => summarize(r.ticks));
    const cpu = runs.map((r) => (r.idleCpuS * 20_000) / r.idleMs);
    const what = backlog === 'none' ? 'empty table' : backlog === 'future' ? `${int(SIZE)} jobs due in an hour` : `${int(SIZE)} due jobs of a type at its cap`;
    return [what, spread(s.map((x) => x.p50)), spread(s.map((x) => x.p99)), spread(s.map((x) => x.max), 1), spread(cpu, 3), spread(ticks.map((x) => x.p99)), spread(ticks.map((x) => x.max), 1)];
  });
  md.push(table(['backlog', 'p50 ms', 'p99 ms', 'max ms', 'idle CPU s / 20 s', 'tick p99 ms', 'tick max ms'], rows));
  md.push('');
  const p50Ratio = (b: string) => median(latency[b]!.map((r) => summarize(r.start).p50)) / median(base.map((x) => x.p50));
  const p99Ratio = (b: string) => median(latency[b]!.map((r) => summarize(r.start).p99)) / median(base.map((x) => x.p99));
  const cpuRatio = (b: string) => median(latency[b]!.map((r) => (r.idleCpuS * 20_000) / r.idleMs)) / median(baseCpu);
  for (const b of ['future', 'capped']) {
    md.push(`- ${b}: p50 ${fixed(p50Ratio(b), 2)}x and p99 ${fixed(p99Ratio(b), 2)}x the empty table (target at most 1.5x: ${verdict(p50Ratio(b) <= 1.5 && p99Ratio(b) <= 1.5)}); idle CPU ${fixed(cpuRatio(b), 2)}x (target at most 2x: ${verdict(cpuRatio(b) <= 2)}).`);
  }
  md.push(`- empty table: p99 ${fixed(median(base.map((x) => x.p99)), 2)} ms (target at most 3 ms: ${verdict(median(base.map((x) => x.p99)) <= 3)}), max ${fixed(median(base.map((x) => x.max)), 1)} ms (target at most 12 ms: ${verdict(median(base.map((x) => x.max)) <= 12)}); idle CPU ${fixed(median(baseCpu), 3)} s per 20 s (target at most 0.07: ${verdict(median(baseCpu) <= 0.07)}).`);
  md.push('');

  md.push('### Enqueue, one job per call (20,000 calls each, interleaved halves)');
  md.push('');
  const e = (k: 'nightshift' | 'plainjob') => enqueue.map((r) => summarize(r[k]));
  md.push(table(['system', 'p50 ms', 'p99 ms', 'max ms', 'jobs/s (1/mean)', 'WAL bytes per job'], (['nightshift', 'plainjob'] as const).map((k) => [
    k, spread(e(k).map((x) => x.p50), 4), spread(e(k).map((x) => x.p99), 4), spread(e(k).map((x) => x.max), 2), int(median(e(k).map((x) => 1_000 / x.mean))), int(median(enqueue.map((r) => r.walBytesPerJob[k]))),
  ])));
  const nsP99 = median(e('nightshift').map((x) => x.p99));
  md.push('');
  md.push(`- Nightshift p99 ${fixed(nsP99, 4)} ms (target at most 0.1 ms: ${verdict(nsP99 <= 0.1)}); rate ${fixed(median(e('nightshift').map((x) => x.mean)) > 0 ? median(e('plainjob').map((x) => x.mean)) / median(e('nightshift').map((x) => x.mean)) : NaN, 2)}x plainjob's (target at least 1x).`);
  md.push('');

  md.push('### Bulk enqueue: 20,000 jobs in chunks of 1,000');
  md.push('');
  const rate = (n: number, ms: number) => (n / ms) * 1_000;
  md.push(table(['system', 'jobs/s'], [
    ['Nightshift `enqueueMany`', spread(bulk.map((b) => rate(b.n, b.nightshiftMs)), 0)],
    ["plainjob `addMany`", spread(bulk.map((b) => rate(b.n, b.plainjobMs)), 0)],
  ]));
  const bulkRatio = median(bulk.map((b) => b.plainjobMs / b.nightshiftMs));
  md.push('');
  md.push(`- ${fixed(bulkRatio, 2)}x plainjob's rate (target at least 1x: ${verdict(bulkRatio >= 1)}).`);
  md.push('');

  md.push('### Drain: 20,000 no-op jobs');
  md.push('');
  md.push(table(['system', 'jobs/s'], [
    [`Nightshift (default runner, ${drain[0]?.nightshiftThreads ?? '?'} thread)`, spread(drain.map((d) => rate(d.n, d.nightshiftMs)), 0)],
    ['plainjob (one in-process worker)', spread(drain.map((d) => rate(d.n, d.plainjobMs)), 0)],
  ]));
  const drainRatio = median(drain.map((d) => d.plainjobMs / d.nightshiftMs));
  md.push('');
  md.push(`- ${fixed(drainRatio, 2)}x plainjob (target at least 3x: ${verdict(drainRatio >= 3)}).`);
  md.push('');

  if (scaling.length) {
    md.push('### Scaling with pending future rows (one round)');
    md.push('');
    md.push(table(['future rows', 'drain jobs/s (20,000)', `enqueue-to-start p50 ms at ${RATE}/s`, 'p99 ms', 'tick max ms'], scaling.map((s) => {
      const l = summarize(s.latency.start);
      return [int(s.future), int(rate(s.drain.n, s.drain.nightshiftMs)), fixed(l.p50, 2), fixed(l.p99, 2), fixed(summarize(s.latency.ticks).max, 1)];
    })));
    md.push('');
  }

  const text = md.join('\n');
  process.stdout.write(text + '\n');
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, 'results.md'), text + '\n');
  writeFileSync(join(OUT, 'results.json'), JSON.stringify({ latency, enqueue, bulk, drain, scaling }, null, 1));
}

await main();
