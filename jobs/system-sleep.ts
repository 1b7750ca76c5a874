// A long job that does nothing but wait, reporting progress every step: enqueue it to see a
// progress bar move, to try cancel and retry from the dashboard or the CLI, or to check that a
// slow job does not hold up the API. It stops between steps when cancelled.
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { defineJob } from '../src/job.ts';

export default defineJob({
  name: 'system.sleep',
  description: 'Waits for a while, reporting progress each step (try progress, cancel and retry with it)',
  timeoutMs: 2 * 60 * 60_000,
  maxAttempts: 1,
  payload: z
    .object({
      /** How long to wait in all. */
      seconds: z.number().int().min(1).max(3_600).default(30),
      /** How many progress steps to report along the way. */
      steps: z.number().int().min(1).max(1_000).default(30),
    })
    .prefault({}),
  async run(ctx) {
    const { seconds, steps } = ctx.payload;
    const stepMs = (seconds * 1_000) / steps;
    const started = Date.now();
    ctx.progress(0, steps);
    for (let step = 1; step <= steps; step++) {
      await sleep(stepMs, undefined, { signal: ctx.signal });
      ctx.progress(step, steps);
    }
    return { seconds, steps, elapsedMs: Date.now() - started };
  },
});
