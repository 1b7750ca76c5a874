// The queue's "hello world" (seed 004's system.ping): no payload, logs "ping received" with its
// traceId. Enqueue it to check that workers run and that trace ids reach job logs.
import { defineJob } from '../src/job.ts';

export default defineJob({
  name: 'system.ping',
  description: 'Queue health check: logs "ping received" with its trace id',
  timeoutMs: 10_000,
  run(ctx) {
    // The logger is already bound to job, jobId, traceId and tenantId; repeat traceId for readers.
    ctx.logger.info('ping received', { traceId: ctx.envelope.traceId });
    return { pong: true, traceId: ctx.envelope.traceId ?? null, receivedAt: new Date().toISOString() };
  },
});
