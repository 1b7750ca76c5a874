// bench.held: a type with a concurrency cap of 1 whose first job holds the cap for the whole
// scenario (it waits until cancelled or the runner stops), so every other job of the type stays
// due and unclaimable: the "200,000 due jobs of a type at its concurrency limit" backlog.
import { defineJob } from '../../../src/jobs/define.ts';

export default defineJob({
  name: 'bench.held',
  description: 'Backlog benchmark: holds its type at its concurrency cap',
  concurrency: 1,
  timeoutMs: 600_000,
  async run(ctx) {
    await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
  },
});
