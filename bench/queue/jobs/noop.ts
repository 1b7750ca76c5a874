// bench.noop: a trivial durable job for the queue throughput benchmark (bench/queue/).
// It counts its own invocations per thread; bench/queue/lib/handler-count.ts asks every thread for
// its count over a BroadcastChannel, so the benchmark can check that no handler ran twice.
import { BroadcastChannel, isMainThread, threadId } from 'node:worker_threads';
import { z } from 'zod';
import { defineJob } from '../../../src/jobs/define.ts';

export const COUNT_CHANNEL = 'nightshift.bench.queue.noop';

let calls = 0;
if (!isMainThread) {
  const channel = new BroadcastChannel(COUNT_CHANNEL);
  channel.onmessage = (event) => {
    const data = (event as MessageEvent).data as { ask?: string } | undefined;
    if (data?.ask === 'count') channel.postMessage({ threadId, calls });
  };
  // Never keeps the thread alive on its own.
  (channel as unknown as { unref(): void }).unref();
}

export default defineJob({
  name: 'bench.noop',
  description: 'Queue benchmark: does nothing (counts its calls)',
  payload: z.object({ i: z.number() }).optional(),
  run() {
    calls += 1;
  },
});
