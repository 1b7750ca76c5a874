// Memory under concurrent listing (issue 12): the reference app as `npm start` runs it, in its own
// process, with a queue full of jobs whose payloads are each at the size limit (pending, due months
// ahead, so they stay); then six concurrent `GET /api/v1/jobs?limit=500` loops, a few pages each.
// The server's peak resident memory is read from /proc/<pid>/status (VmHWM, reset with clear_refs
// after the fill so the peak is the listing's) and sampled (VmRSS every 10 ms) as a cross-check.
//
//   npm run bench:memory                   # ~1 minute; knobs: MEMORY_BENCH_JOBS (2000),
//                                          # MEMORY_BENCH_CLIENTS (6), MEMORY_BENCH_ROUNDS (5)
//   MEMORY_BENCH_ROOT=/path/to/checkout    # measure another checkout's server (same driver)
//
// Prints markdown and writes it with the raw figures to bench/.tmp/memory/results.{md,json}.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { signToken } from '../../src/http/auth/auth.ts';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const ROOT = resolve(process.env.MEMORY_BENCH_ROOT ?? join(HERE, '..', '..'));
const JOBS = Number(process.env.MEMORY_BENCH_JOBS ?? 2000);
const CLIENTS = Number(process.env.MEMORY_BENCH_CLIENTS ?? 6);
const ROUNDS = Number(process.env.MEMORY_BENCH_ROUNDS ?? 5);
const LIMIT = 500;
const MAX_PAYLOAD_BYTES = 32 * 1024; // DEFAULT_ENQUEUE_LIMITS.maxPayloadBytes
const TARGET_MIB = 300;
const MiB = 1024 * 1024;

function procStatus(pid: number): { rss: number; hwm: number } {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'nightshift-bench-memory-'));
  const secret = randomBytes(48).toString('base64url');
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
    PORT: '0',
    JWT_SECRET: secret,
    DATABASE_PATH: join(dir, 'bench.db'),
    JOBS_DIR: join(HERE, 'jobs'),
    QUEUE_WORKERS: '1',
  };
  const server = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/app/server.ts')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((ok, fail) => {
    let buffer = '';
    server.stdout!.on('data', (chunk) => {
      buffer += chunk;
      for (const line of buffer.split('\n')) if (line.includes('Nightshift listening')) ok(JSON.parse(line).url);
    });
    server.once('exit', (code) => fail(new Error(`server exited with ${code}`)));
  });
  server.stdout!.resume();
  const pid = server.pid!;
  try {
    const auth = { authorization: `Bearer ${await signToken({ sub: 'bench', role: 'admin', ttlSeconds: 3600 }, secret)}` };
    const afterStart = procStatus(pid);

    // Fill: each payload's stored JSON exactly at the limit, due in 300 days (the horizon is 366).
    const runAt = new Date(Date.now() + 300 * 86_400_000).toISOString();
    const room = MAX_PAYLOAD_BYTES - JSON.stringify({ text: '' }).length;
    let next = 0;
    const fillStarted = performance.now();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < JOBS) {
          const i = next++;
          const body = JSON.stringify({ type: 'bench.blob', data: { text: `${i}:`.padEnd(room, 'x') }, runAt });
          const res = await fetch(`${url}/api/v1/jobs`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body });
          if (res.status !== 201) throw new Error(`enqueue ${i}: ${res.status} ${await res.text()}`);
        }
      }),
    );
    const fillMs = performance.now() - fillStarted;
    const dbBytes = statSync(env.DATABASE_PATH).size;
    const afterFill = procStatus(pid);

    // The listing's own peak: reset VmHWM to the current RSS (Linux clear_refs "5").
    let hwmReset = true;
    try {
      writeFileSync(`/proc/${pid}/clear_refs`, '5');
    } catch {
      hwmReset = false;
    }
    const before = procStatus(pid);
    let sampledPeak = before.rss;
    const sampler = setInterval(() => (sampledPeak = Math.max(sampledPeak, procStatus(pid).rss)), 10);
    const pages: { bytes: number; ms: number }[] = [];
    const listStarted = performance.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, client) => {
        for (let round = 0; round < ROUNDS; round++) {
          const offset = ((client + round) % Math.max(1, Math.ceil(JOBS / LIMIT))) * LIMIT;
          const started = performance.now();
          const res = await fetch(`${url}/api/v1/jobs?limit=${LIMIT}&offset=${offset}`, { headers: auth });
          const bytes = (await res.arrayBuffer()).byteLength;
          if (res.status !== 200) throw new Error(`list: ${res.status}`);
          pages.push({ bytes, ms: performance.now() - started });
        }
      }),
    );
    const listMs = performance.now() - listStarted;
    clearInterval(sampler);
    const after = procStatus(pid);
    sampledPeak = Math.max(sampledPeak, after.rss);
    const peak = hwmReset ? after.hwm : sampledPeak;

    const sorted = pages.map((p) => p.bytes).sort((a, b) => a - b);
    const ms = pages.map((p) => p.ms).sort((a, b) => a - b);
    const results = {
      date: new Date().toISOString(),
      root: ROOT,
      commit: gitHead(ROOT),
      machine: { cpus: cpus().length, model: cpus()[0]?.model, ramGiB: +(totalmem() / 1024 ** 3).toFixed(1), node: process.version, load: loadavg().map((l) => +l.toFixed(2)) },
      jobs: JOBS,
      payloadBytes: MAX_PAYLOAD_BYTES,
      dbMiB: +(dbBytes / MiB).toFixed(1),
      fillSeconds: +(fillMs / 1000).toFixed(1),
      clients: CLIENTS,
      rounds: ROUNDS,
      limit: LIMIT,
      pageBytes: { min: sorted[0], max: sorted.at(-1) },
      pageMs: { median: Math.round(ms[Math.floor(ms.length / 2)]!), max: Math.round(ms.at(-1)!) },
      listSeconds: +(listMs / 1000).toFixed(1),
      rssMiB: {
        afterStart: +(afterStart.rss / MiB).toFixed(1),
        afterFill: +(afterFill.rss / MiB).toFixed(1),
        beforeListing: +(before.rss / MiB).toFixed(1),
        peakListing: +(peak / MiB).toFixed(1),
        peakSampled: +(sampledPeak / MiB).toFixed(1),
        afterListing: +(after.rss / MiB).toFixed(1),
      },
      peakSource: hwmReset ? 'VmHWM (reset after the fill)' : 'VmRSS sampled every 10 ms (clear_refs not permitted)',
      targetMiB: TARGET_MIB,
      met: peak / MiB < TARGET_MIB,
    };
    const md = [
      `| | |`,
      `| --- | --- |`,
      `| date | ${results.date} |`,
      `| code | ${results.commit} (${ROOT}) |`,
      `| machine | ${results.machine.cpus} CPUs (${results.machine.model}), ${results.machine.ramGiB} GiB, Node ${results.machine.node}, load ${results.machine.load.join(' / ')} |`,
      `| queue | ${JOBS} pending jobs, each payload ${MAX_PAYLOAD_BYTES} bytes as stored; database ${results.dbMiB} MiB; filled over HTTP in ${results.fillSeconds} s |`,
      `| listing | ${CLIENTS} concurrent clients x ${ROUNDS} pages of \`GET /api/v1/jobs?limit=${LIMIT}\` in ${results.listSeconds} s; page ${results.pageBytes.min}-${results.pageBytes.max} bytes; median ${results.pageMs.median} ms, max ${results.pageMs.max} ms |`,
      `| RSS after start / after fill / before listing | ${results.rssMiB.afterStart} / ${results.rssMiB.afterFill} / ${results.rssMiB.beforeListing} MiB |`,
      `| **peak RSS while listing** | **${results.rssMiB.peakListing} MiB** (${results.peakSource}; sampled peak ${results.rssMiB.peakSampled} MiB) |`,
      `| RSS after listing | ${results.rssMiB.afterListing} MiB |`,
      `| target | below ${TARGET_MIB} MiB: ${results.met ? 'met' : 'MISSED'} |`,
    ].join('\n');
    console.log(md);
    const out = join(HERE, '..', '.tmp', 'memory');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'results.md'), md + '\n');
    writeFileSync(join(out, 'results.json'), JSON.stringify(results, null, 2) + '\n');
    if (!results.met) process.exitCode = 1;
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

function gitHead(root: string): string {
  if (process.env.MEMORY_BENCH_LABEL) return process.env.MEMORY_BENCH_LABEL;
  try {
    const head = execFileSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['-C', root, 'status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim();
    return dirty ? `${head} plus uncommitted changes` : head;
  } catch {
    return 'unknown';
  }
}

await main();
