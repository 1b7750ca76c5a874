// system.ping as a plain module, and through a real queue runner over the shipped jobs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadJobs } from '../src/jobs/load.ts';
import { QueueValidationError } from '../src/queue/index.ts';
import { JOBS_DIR, tempDb } from '../test/helpers/index.ts';
import { fakeContext, harness, runsOf, waitForStatus } from '../test/queue/helpers.ts';
import job from './system-ping.ts';

test('logs "ping received" with its trace id and answers pong', async () => {
  const t = tempDb();
  try {
    const { ctx, logs } = fakeContext(t.db, undefined, { traceId: 'abc123' });
    const details = (await job.run(ctx)) as { pong: boolean; traceId: string };
    assert.equal(details.pong, true);
    assert.equal(details.traceId, 'abc123');
    assert.deepEqual(logs.map((r) => [r.msg, r.traceId]), [['ping received', 'abc123']]);
  } finally {
    t.cleanup();
  }
});

test('through the queue: runs in a worker thread; its log line carries the trace id', async () => {
  const h = await harness({ jobs: await loadJobs(JOBS_DIR) });
  try {
    await h.runner.start();
    assert.throws(() => h.queue.enqueue({ type: 'system.ping', payload: { not: 'allowed' } }), QueueValidationError, 'takes no payload');
    const { job: queued } = h.queue.enqueue({ type: 'system.ping', tenantId: 'tenant-1' });
    const done = await waitForStatus(h.queue, queued.id, 'completed');
    assert.equal((done.result as { traceId: string }).traceId, queued.envelope.traceId);
    const line = h.logs.records.find((r) => r.msg === 'ping received');
    assert.ok(line, 'the thread log reached the main logger');
    assert.equal(line.traceId, queued.envelope.traceId);
    assert.equal(line.tenantId, 'tenant-1');
    assert.equal(line.jobId, queued.id);
    assert.equal(runsOf(h.t.db, queued.id)[0]!.status, 'success');
  } finally {
    await h.close();
  }
});
