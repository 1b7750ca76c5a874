// Noise floor of this machine, so the other tables can be read against it:
//   - a bare Node process running only a 1 ms setInterval: how often and how long its event loop
//     is not scheduled (stalls > 10 ms), with no server, no SQLite and no GC pressure;
//   - a bare node:http server (child process, answers 201 '{}') hit by the same client loop as the
//     Nightshift write loop (sequential POST, one every 2 ms).
import { fork } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { Client, requestLoop } from './lib/http.ts';
import { summarize, type Summary } from './lib/stats.ts';

export interface NoiseResult {
  watchdog: { ms: number; stalls: number; over50: number; max: number };
  bareHttp: Summary & { errors: number };
}

const SELF = fileURLToPath(import.meta.url);

async function watchdog(ms: number): Promise<NoiseResult['watchdog']> {
  const stalls: number[] = [];
  const t0 = performance.now();
  let last = t0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = performance.now();
      if (now - last > 10) stalls.push(now - last);
      last = now;
      if (now - t0 >= ms) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  return { ms, stalls: stalls.length, over50: stalls.filter((s) => s > 50).length, max: stalls.length ? Math.max(...stalls) : 0 };
}

export async function runNoiseBench(options = { watchdogMs: 5_000, requests: 3_000, intervalMs: 2 }): Promise<NoiseResult> {
  // The watchdog runs in a child so that this process's own state does not matter.
  const child = fork(SELF, ['watchdog', String(options.watchdogMs)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const wd = await new Promise<NoiseResult['watchdog']>((resolve, reject) => {
    child.once('message', (m) => resolve(m as NoiseResult['watchdog']));
    child.once('exit', (code) => reject(new Error(`watchdog exited ${code}`)));
  });
  const server = fork(SELF, ['http'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve) => server.once('message', (m) => resolve(m as number)));
  const client = new Client(`http://127.0.0.1:${port}`);
  try {
    const send = () => client.request('POST', '/api/preview-sessions', { expiresAt: new Date().toISOString() });
    await requestLoop(send, 201, { intervalMs: 0, maxCount: 300, maxMs: 10_000 });
    const loop = await requestLoop(send, 201, { intervalMs: options.intervalMs, maxCount: options.requests, maxMs: 30_000 });
    return { watchdog: wd, bareHttp: { ...summarize(loop.latencies), errors: loop.errors } };
  } finally {
    client.close();
    server.kill();
  }
}

if (process.argv[1] === SELF && process.argv[2] === 'watchdog') {
  process.send!(await watchdog(Number(process.argv[3])));
  process.disconnect();
} else if (process.argv[1] === SELF && process.argv[2] === 'http') {
  const srv = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  srv.listen(0, '127.0.0.1', () => process.send!((srv.address() as { port: number }).port));
  process.on('disconnect', () => process.exit(0));
} else if (process.argv[1] === SELF) {
  console.log(JSON.stringify(await runNoiseBench(), null, 2));
}
