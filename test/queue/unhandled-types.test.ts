// A runner claims only the types it has job files for. Ready jobs of any other type (enqueued by
// another process with more job files, or left from a removed one) stay pending, and the runner
// says so once per type instead of letting them wait unnoticed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newTraceId, uuidv7 } from '../../src/core/ids.ts';
import { waitFor } from '../helpers/index.ts';
import { harness } from './helpers.ts';

test('ready jobs of a type no job file handles: left pending, warned about once', async () => {
  const h = await harness({ leaseMs: 600 }); // upkeep (and this check) every 200 ms
  try {
    const now = Date.now();
    const orphan = {
      id: uuidv7(now), type: 'gone.report', payload: null, tenantId: null, actorId: null, traceId: newTraceId(), requestId: null,
      priority: 100, runAt: now, maxAttempts: 3, idempotencyKey: null, createdBy: null, createdAt: now,
    };
    h.t.store.jobs.insert(orphan);
    await h.runner.start();
    const echo = h.queue.enqueue({ type: 'test.echo', payload: { value: 1 } }).job;
    await waitFor(async () => (await h.queue.get(echo.id))?.status === 'completed', { what: 'the handled job' });
    const warnings = () => h.logs.records.filter((r) => r.msg.startsWith('Queue has jobs of a type no job file here handles'));
    await waitFor(() => warnings().length > 0, { what: 'the warning' });
    await new Promise((r) => setTimeout(r, 700)); // a few more upkeep rounds
    assert.equal(warnings().length, 1, 'once, not every round');
    assert.equal(warnings()[0]!.job, 'gone.report');
    assert.equal((await h.queue.get(orphan.id))?.status, 'pending', 'never claimed, despite its higher priority');
  } finally {
    await h.close();
  }
});
