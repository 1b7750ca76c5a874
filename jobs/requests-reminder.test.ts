// requests.reminder: reads its request row and logs the tenant context; fails clearly (and at
// once) when the row is missing or belongs to another tenant.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Db } from '../src/store/sqlite/open.ts';
import { loadJobs } from '../src/jobs/load.ts';
import { NonRetryableError, QueueValidationError } from '../src/queue/index.ts';
import { JOBS_DIR, tempDb } from '../test/helpers/index.ts';
import { fakeContext, harness, waitForStatus } from '../test/queue/helpers.ts';
import job from './requests-reminder.ts';

function seed(db: Db) {
  db.prepare(`INSERT INTO requests (id, tenant_id, title, remind_at, created_at) VALUES (?, ?, ?, ?, ?)`).run('req-1', 'tenant-1', 'Renew the lease', Date.UTC(2030, 0, 1), Date.now());
}

test('reads the request and logs it with the tenant context', async () => {
  const t = tempDb();
  try {
    seed(t.db);
    const { ctx, logs } = fakeContext(t.db, { requestId: 'req-1' }, { tenantId: 'tenant-1', actorId: 'user-7', requestId: 'http-1', traceId: 't-1' });
    const details = await job.run(ctx);
    assert.deepEqual(details, { requestId: 'req-1', tenantId: 'tenant-1', title: 'Renew the lease', remindAt: '2030-01-01T00:00:00.000Z' });
    const line = logs.find((r) => r.msg === 'requests.reminder executed')!;
    assert.equal(line.tenantId, 'tenant-1');
    assert.equal(line.actorId, 'user-7');
    assert.equal(line.traceId, 't-1');
  } finally {
    t.cleanup();
  }
});

test('a missing row, or another tenant\'s row, is a non-retryable failure', async () => {
  const t = tempDb();
  try {
    seed(t.db);
    await assert.rejects(async () => job.run(fakeContext(t.db, { requestId: 'nope' }).ctx), (e: unknown) => e instanceof NonRetryableError && /Request "nope" not found/.test(e.message));
    await assert.rejects(async () => job.run(fakeContext(t.db, { requestId: 'req-1' }, { tenantId: 'tenant-2' }).ctx), NonRetryableError);
  } finally {
    t.cleanup();
  }
});

test('through the queue: payload validated at enqueue; a missing row fails after one attempt', async () => {
  const h = await harness({ jobs: await loadJobs(JOBS_DIR) });
  try {
    seed(h.t.db);
    assert.throws(() => h.queue.enqueue({ type: 'requests.reminder', payload: {} }), (e: unknown) => e instanceof QueueValidationError && e.field === 'payload.requestId');
    await h.runner.start();
    const ok = h.queue.enqueue({ type: 'requests.reminder', payload: { requestId: 'req-1' }, tenantId: 'tenant-1' }).job;
    const missing = h.queue.enqueue({ type: 'requests.reminder', payload: { requestId: 'req-404' } }).job;
    await waitForStatus(h.queue, ok.id, 'completed');
    const failed = await waitForStatus(h.queue, missing.id, 'failed');
    assert.equal(failed.attempts, 1);
    assert.equal(failed.lastError, 'Request "req-404" not found');
    const line = h.logs.records.find((r) => r.msg === 'requests.reminder executed')!;
    assert.equal(line.traceId, ok.envelope.traceId);
    assert.equal(line.tenantId, 'tenant-1');
  } finally {
    await h.close();
  }
});
