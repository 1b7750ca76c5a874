// bench.latency: returns the moment its handler started, as epoch ms with sub-ms precision
// (performance.timeOrigin + performance.now(), comparable across threads), so the benchmark can
// compute enqueue -> handler start.
import { defineJob } from '../../../src/jobs/define.ts';

export default defineJob({
  name: 'bench.latency',
  description: 'Queue benchmark: reports when its handler started',
  run() {
    return { startedAt: performance.timeOrigin + performance.now() };
  },
});
