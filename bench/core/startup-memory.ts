// Benchmark 3: start-up time and idle memory of the real entry point, `node --import tsx
// src/app/server.ts`, as a child process. Start-up = spawn to first 200 from GET /api/health (polled
// every 10 ms); median of N starts, each on a new database file (migrations included) and again on
// an existing one. Memory: the same entry with --expose-gc and a tiny IPC probe preloaded
// (bench/core/mem-probe.mjs), read right after the first healthy answer and after 10 s idle.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { TMP_DIR } from './cleanup.ts';
import { removeDb } from './lib/fixture.ts';
import { BENCH_SECRET, REPO_ROOT } from './lib/harness.ts';
import { median } from './lib/stats.ts';

export interface StartupOptions {
  starts: number;
  idleMs: number;
  pollMs: number;
}

export const DEFAULT_STARTUP: StartupOptions = { starts: 5, idleMs: 10_000, pollMs: 10 };

export interface MemorySample {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  /** VmRSS from /proc/<pid>/status, read before the forced GC */
  procRss: number;
}

export interface StartupResult {
  options: StartupOptions;
  freshDbMs: number[];
  existingDbMs: number[];
  stopMs: number[];
  memory: { afterStart: MemorySample; afterIdle: MemorySample; gc: boolean; threads: number };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

function healthOnce(port: number): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/api/health', agent: false, timeout: 1000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

function serverEnv(dbPath: string, port: number): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATABASE_PATH: dbPath,
    JOBS_ENABLED: 'true',
    JWT_SECRET: BENCH_SECRET,
    LOG_LEVEL: 'warn',
  };
}

interface Started {
  child: ChildProcess;
  ms: number;
  port: number;
  output: () => string;
}

async function startServer(dbPath: string, nodeArgs: string[], pollMs: number, ipc = false): Promise<Started> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, 'src/app/server.ts'], {
    cwd: REPO_ROOT,
    env: serverEnv(dbPath, port),
    stdio: ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out = (out + d).slice(-10_000)));
  child.stderr!.on('data', (d: Buffer) => (out = (out + d).slice(-10_000)));
  const deadline = t0 + 30_000;
  for (let i = 0; i < 3_000 && performance.now() < deadline; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${out}`);
    if ((await healthOnce(port)) === 200) return { child, ms: performance.now() - t0, port, output: () => out };
    await sleep(pollMs);
  }
  child.kill('SIGKILL');
  throw new Error(`server not healthy within 30 s:\n${out}`);
}

async function stopServer(child: ChildProcess): Promise<number> {
  const t0 = performance.now();
  if (child.exitCode !== null) return 0;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
  return performance.now() - t0;
}

function procStatus(pid: number): { rss: number; threads: number } {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(text)?.[1] ?? 0);
  const threads = Number(/Threads:\s+(\d+)/.exec(text)?.[1] ?? 0);
  return { rss: rssKb * 1024, threads };
}

function askMemory(child: ChildProcess): Promise<{ usage: NodeJS.MemoryUsage; gc: boolean }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('memory probe did not answer')), 10_000);
    const onMessage = (m: unknown) => {
      const msg = m as { type?: string; usage: NodeJS.MemoryUsage; gc: boolean };
      if (msg?.type !== 'memory') return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(msg);
    };
    child.on('message', onMessage);
    child.send({ type: 'memory', id: 1, gc: true });
  });
}

async function sample(child: ChildProcess): Promise<{ sample: MemorySample; gc: boolean; threads: number }> {
  const proc = procStatus(child.pid!);
  const { usage, gc } = await askMemory(child);
  return {
    sample: { rss: usage.rss, heapUsed: usage.heapUsed, heapTotal: usage.heapTotal, external: usage.external, arrayBuffers: usage.arrayBuffers, procRss: proc.rss },
    gc,
    threads: proc.threads,
  };
}

export async function runStartupBench(options: StartupOptions = DEFAULT_STARTUP, log: (s: string) => void = console.error): Promise<StartupResult> {
  const nodeArgs = ['--import', 'tsx'];
  const freshDbMs: number[] = [];
  const existingDbMs: number[] = [];
  const stopMs: number[] = [];
  const dbPath = join(TMP_DIR(), 'startup.db');
  for (let i = 0; i < options.starts; i++) {
    removeDb(dbPath);
    const s = await startServer(dbPath, nodeArgs, options.pollMs);
    freshDbMs.push(s.ms);
    stopMs.push(await stopServer(s.child));
  }
  for (let i = 0; i < options.starts; i++) {
    const s = await startServer(dbPath, nodeArgs, options.pollMs);
    existingDbMs.push(s.ms);
    stopMs.push(await stopServer(s.child));
  }
  log(`  start-up: fresh db median ${median(freshDbMs).toFixed(0)} ms, existing db median ${median(existingDbMs).toFixed(0)} ms`);

  const s = await startServer(dbPath, ['--expose-gc', '--import', 'tsx', '--import', './bench/core/mem-probe.mjs'], options.pollMs, true);
  try {
    const afterStart = await sample(s.child);
    await sleep(options.idleMs);
    const afterIdle = await sample(s.child);
    log(`  memory: rss ${(afterIdle.sample.rss / 1048576).toFixed(1)} MiB, heapUsed ${(afterIdle.sample.heapUsed / 1048576).toFixed(1)} MiB after ${options.idleMs / 1000} s idle`);
    return { options, freshDbMs, existingDbMs, stopMs, memory: { afterStart: afterStart.sample, afterIdle: afterIdle.sample, gc: afterIdle.gc, threads: afterIdle.threads } };
  } finally {
    await stopServer(s.child);
    removeDb(dbPath);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await runStartupBench(), null, 2));
}
