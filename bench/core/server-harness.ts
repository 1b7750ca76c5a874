// Child-process host for the benchmarks: starts the real engine with startRuntime(parseConfig(env))
// exactly as src/app/server.ts does, and answers a few bench-only IPC messages from the driver:
//   {type:'burn-main', ms}     -> runs the cpu-burn job's run() synchronously on THIS main thread
//   {type:'stalls'}            -> main-thread stalls > 15 ms seen by a 1 ms watchdog (BENCH_STALL_WATCH=1)
//   {type:'stop'}              -> runtime.stop(), then exit 0
// The driver (the HTTP client) lives in another process so that its own work never runs on the
// server's event loop, and so that a blocked server main thread is measured, not hidden.
import { parseConfig } from '../../src/app/config.ts';
import { startRuntime } from '../../src/app/runtime.ts';
import type { JobContext } from '../../src/jobs/define.ts';
import { createLogger } from '../../src/log/logger.ts';
import cpuBurn from './jobs-cpu/cpu-burn.ts';

export type HarnessRequest = { id: number } & ({ type: 'burn-main'; ms: number } | { type: 'stalls' } | { type: 'stop' });
export type HarnessReply =
  | { type: 'ready'; url: string; startMs: number }
  | { id: number; type: 'burn-main'; details: unknown; ms: number }
  | { id: number; type: 'stalls'; stalls: [number, number][]; slowInserts: [number, number][]; inserts: number; now: number }
  | { id: number; type: 'stopped' };

const t0 = performance.now();
const send = (m: HarnessReply) => process.send!(m);
const runtime = await startRuntime(parseConfig(process.env));
// Bench-only diagnostics: extra pragmas on the API (main-thread) connection, e.g.
// BENCH_MAIN_PRAGMAS="wal_autocheckpoint=0", to test a hypothesis without editing src/.
for (const pragma of (process.env.BENCH_MAIN_PRAGMAS ?? '').split(';').filter(Boolean)) runtime.db.pragma(pragma.trim());
// Bench-only diagnostics (BENCH_STALL_WATCH=1): a 1 ms watchdog that records main-thread stalls
// longer than 15 ms, and the time spent inside SQLite by each API INSERT into preview_sessions
// (statements from runtime.db.prepare are wrapped), to tell lock waits from everything else.
const stalls: [number, number][] = [];
const slowInserts: [number, number][] = [];
let inserts = 0;
if (process.env.BENCH_STALL_WATCH === '1') {
  const prepare = runtime.db.prepare.bind(runtime.db);
  runtime.db.prepare = ((sql: string) => {
    const statement = prepare(sql);
    if (!/^\s*INSERT INTO preview_sessions/i.test(sql)) return statement;
    const run = statement.run.bind(statement);
    statement.run = ((...args: unknown[]) => {
      const started = performance.now();
      try {
        return run(...args);
      } finally {
        const took = performance.now() - started;
        inserts++;
        if (took > 15 && slowInserts.length < 10_000) slowInserts.push([Math.round(started - t0), Math.round(took)]);
      }
    }) as typeof statement.run;
    return statement;
  }) as typeof runtime.db.prepare;
  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    if (now - last > 15 && stalls.length < 1000) stalls.push([Math.round(now - t0), Math.round(now - last)]);
    last = now;
  }, 1).unref();
}
send({ type: 'ready', url: runtime.url, startMs: performance.now() - t0 });

process.on('message', async (raw) => {
  const m = raw as HarnessRequest;
  if (m.type === 'burn-main') {
    // The same job module the worker runs, called on the server's main thread.
    const ctx = {
      db: runtime.db,
      signal: new AbortController().signal,
      logger: createLogger({ level: 'silent' }),
      runId: 'main-thread',
      trigger: 'manual',
      payload: { ms: m.ms },
      envelope: { payload: { ms: m.ms } },
      progress() {},
      yieldToWriters() {},
    } as unknown as JobContext<{ ms?: number } | undefined>;
    const started = performance.now();
    const details = await cpuBurn.run(ctx );
    send({ id: m.id, type: 'burn-main', details, ms: performance.now() - started });
  } else if (m.type === 'stalls') {
    send({ id: m.id, type: 'stalls', stalls: stalls.splice(0), slowInserts: slowInserts.splice(0), inserts, now: Math.round(performance.now() - t0) });
    inserts = 0;
  } else if (m.type === 'stop') {
    await runtime.stop();
    send({ id: m.id, type: 'stopped' });
    process.disconnect?.();
    process.exit(0);
  }
});
