// Bench-only job: a pure CPU busy loop (no I/O, no awaits) for BURN_MS (default 5 s), so the
// isolation benchmark can compare it in a worker thread with the same work on the main thread.
import { defineJob } from '../../../src/jobs/define.ts';

export const DEFAULT_BURN_MS = 5_000;

/** Burns CPU synchronously for `ms`; returns how many iterations of a small hash loop ran. */
export function burn(ms: number): { iterations: number; checksum: number } {
  const until = performance.now() + ms;
  let x = 0x9e3779b9;
  let iterations = 0;
  while (performance.now() < until) {
    for (let k = 0; k < 10_000; k++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
    }
    iterations += 10_000;
  }
  return { iterations, checksum: x >>> 0 };
}

export default defineJob<{ ms?: number } | undefined>({
  name: 'cpuBurn',
  description: 'Bench only: burns one CPU core for about 5 seconds',
  // Registered (the scheduler only runs scheduled jobs) but never due during a bench run.
  schedule: '0 0 1 1 *',
  timeoutMs: 60_000,
  run(ctx) {
    const ms = ctx.payload?.ms ?? Number(process.env.BURN_MS ?? DEFAULT_BURN_MS);
    const started = performance.now();
    const result = burn(ms);
    return { ...result, burnedMs: Math.round(performance.now() - started) };
  },
});
