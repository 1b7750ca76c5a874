// system.sleep as a plain module (progress steps, abort), and through a real queue runner: progress
// is visible while it runs and a cancel stops it between steps.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadJobs } from '../src/jobs/load.ts';
import { QueueValidationError } from '../src/queue/index.ts';
import { JOBS_DIR, tempDb, waitFor } from '../test/helpers/index.ts';
import { fakeContext, harness, waitForStatus } from '../test/queue/helpers.ts';
import job from './system-sleep.ts';

test('reports every step and returns what it waited', async () => {
  const t = tempDb();
  try {
    const { ctx, progress } = fakeContext(t.db, { seconds: 1, steps: 4 });
    const details = (await job.run(ctx)) as { steps: number; elapsedMs: number };
    assert.deepEqual(progress, [[0, 4], [1, 4], [2, 4], [3, 4], [4, 4]]);
    assert.equal(details.steps, 4);
    assert.ok(details.elapsedMs >= 990, `waited ${details.elapsedMs} ms`);
  } finally {
    t.cleanup();
  }
});

test('an abort stops it between steps', async () => {
  const t = tempDb();
  try {
    const { ctx, progress, controller } = fakeContext(t.db, { seconds: 60, steps: 60 });
    const running = job.run(ctx);
    controller.abort();
    await assert.rejects(Promise.resolve(running), { name: 'AbortError' });
    assert.deepEqual(progress, [[0, 60]]);
  } finally {
    t.cleanup();
  }
});

test('through the queue: the default steps apply, progress moves while it runs, cancel stops it', async () => {
  const h = await harness({ jobs: await loadJobs(JOBS_DIR) });
  try {
    await h.runner.start();
    assert.throws(() => h.queue.enqueue({ type: 'system.sleep', payload: { seconds: 0 } }), QueueValidationError);
    const { job: queued } = h.queue.enqueue({ type: 'system.sleep', payload: { seconds: 30 } });
    // steps defaults to 30: one step a second.
    await waitFor(async () => (await h.queue.get(queued.id))!.progress.processedItems >= 1, { what: 'the first step' });
    assert.equal((await h.queue.get(queued.id))!.progress.totalItems, 30);
    assert.equal((await h.queue.cancel(queued.id)).outcome, 'cancelling');
    const cancelled = await waitForStatus(h.queue, queued.id, 'cancelled', 5_000);
    assert.ok(cancelled.progress.processedItems < 30, 'stopped before the end');
  } finally {
    await h.close();
  }
});
