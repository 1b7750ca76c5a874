// Cancel, timeouts, per-type and per-thread concurrency, and shutdown, on real worker threads.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { waitFor } from '../helpers/index.ts';
import { harness, runsOf, waitForStatus, type Harness } from './helpers.ts';

let h: Harness;

before(async () => {
  h = await harness({ workers: 2 });
  await h.runner.start();
});
after(() => h.close());

describe('cancel', () => {
  test('a running job is aborted through its signal and recorded as cancelled', async () => {
    const { job } = h.queue.enqueue({ type: 'test.slow', payload: { ms: 30_000 } });
    await waitForStatus(h.queue, job.id, 'processing');
    const asked = await h.queue.cancel(job.id);
    assert.equal(asked.outcome, 'cancelling');
    const cancelled = await waitForStatus(h.queue, job.id, 'cancelled', 3_000);
    assert.equal(cancelled.lastError, 'Cancelled');
    assert.equal(runsOf(h.t.db, job.id)[0]!.status, 'cancelled');
    assert.equal((await h.queue.cancel(job.id)).outcome, 'finished');
  });

  test('a handler that ignores its signal is terminated after the grace period; its thread is replaced', async () => {
    const { job } = h.queue.enqueue({ type: 'test.slow', payload: { ms: 30_000, ignoreAbort: true } });
    await waitForStatus(h.queue, job.id, 'processing');
    const askedAt = Date.now();
    await h.queue.cancel(job.id);
    const cancelled = await waitForStatus(h.queue, job.id, 'cancelled', 5_000);
    assert.ok(Date.now() - askedAt >= 450, 'waited for the 500 ms grace period');
    assert.match(cancelled.lastError!, /did not stop within 500 ms/);
    assert.equal(runsOf(h.t.db, job.id)[0]!.status, 'cancelled');
    // The pool is whole again and still runs jobs.
    const next = h.queue.enqueue({ type: 'test.echo', payload: { value: 'after' } }).job;
    await waitForStatus(h.queue, next.id, 'completed');
    await waitFor(() => h.runner.stats().readyThreads === 2);
  });

  test('a cancel flagged by another process is picked up by polling', async () => {
    const { job } = h.queue.enqueue({ type: 'test.slow', payload: { ms: 30_000 } });
    await waitForStatus(h.queue, job.id, 'processing');
    // What Queue.cancel does in a process without this runner: only the row is flagged.
    h.t.db.prepare(`UPDATE nightshift_queue_jobs SET cancel_requested = 1 WHERE id = ?`).run(job.id);
    await waitForStatus(h.queue, job.id, 'cancelled', 3_000);
  });
});

describe('timeouts', () => {
  test('a job past its timeout is terminated for real, counts as a failed attempt, and the next job runs', async () => {
    const { job } = h.queue.enqueue({ type: 'test.spin' }); // timeoutMs 400, maxAttempts 2, never yields
    const failed = await waitForStatus(h.queue, job.id, 'failed', 10_000);
    assert.equal(failed.attempts, 2);
    assert.match(failed.lastError!, /Timed out after 400 ms; the worker thread was terminated/);
    assert.deepEqual(runsOf(h.t.db, job.id).map((r) => r.status), ['failed', 'failed']);
    const next = h.queue.enqueue({ type: 'test.echo', payload: { value: 'still alive' } }).job;
    await waitForStatus(h.queue, next.id, 'completed');
    await waitFor(() => h.runner.stats().readyThreads === 2);
  });
});

describe('thread crashes', () => {
  test('an uncaught exception kills the thread: the attempt fails, a new thread takes over', async () => {
    const { job } = h.queue.enqueue({ type: 'test.crash' });
    const failed = await waitForStatus(h.queue, job.id, 'failed');
    assert.match(failed.lastError!, /The worker thread crashed: kaboom/);
    assert.deepEqual(runsOf(h.t.db, job.id).map((r) => r.status), ['failed']);
    const next = h.queue.enqueue({ type: 'test.echo', payload: { value: 'after crash' } }).job;
    await waitForStatus(h.queue, next.id, 'completed');
    await waitFor(() => h.runner.stats().readyThreads === 2);
  });
});

describe('concurrency', () => {
  test('per-type concurrency caps running jobs of a type across threads', async () => {
    const wide = await harness({ workers: 4 });
    try {
      await wide.runner.start();
      const ids = Array.from({ length: 8 }, () => wide.queue.enqueue({ type: 'test.capped' }).job.id);
      const done = await Promise.all(ids.map((id) => waitForStatus(wide.queue, id, 'completed')));
      const seen = done.map((j) => (j.result as { runningAtStart: number }).runningAtStart);
      assert.ok(Math.max(...seen) <= 2, `at most 2 ran at once (saw ${seen})`);
    } finally {
      await wide.close();
    }
  });

  test('I/O-bound jobs (threadConcurrency 4) share one thread', async () => {
    const single = await harness({ workers: 1 });
    try {
      await single.runner.start();
      const ids = Array.from({ length: 4 }, () => single.queue.enqueue({ type: 'test.io' }).job.id);
      const done = await Promise.all(ids.map((id) => waitForStatus(single.queue, id, 'completed')));
      const spans = done.map((j) => j.result as { startedAt: number; endedAt: number });
      const overlapping = spans.filter((s) => spans.some((o) => o !== s && o.startedAt < s.endedAt && s.startedAt < o.endedAt));
      assert.ok(overlapping.length >= 2, 'at least two ran at the same time on the one thread');
    } finally {
      await single.close();
    }
  });

  test('a CPU-bound job has its thread to itself', async () => {
    const single = await harness({ workers: 1 });
    try {
      await single.runner.start();
      const ids = Array.from({ length: 3 }, () => single.queue.enqueue({ type: 'test.slow', payload: { ms: 150 } }).job.id);
      const done = await Promise.all(ids.map((id) => waitForStatus(single.queue, id, 'completed')));
      const spans = done.map((j) => [Date.parse(j.startedAt!), Date.parse(j.completedAt!)] as const).sort((a, b) => a[0] - b[0]);
      for (let i = 1; i < spans.length; i++) assert.ok(spans[i]![0] >= spans[i - 1]![1] - 5, 'one after the other');
    } finally {
      await single.close();
    }
  });
});

describe('shutdown', () => {
  test('stop() lets short jobs finish, interrupts long ones back to pending, and a new runner finishes them', async () => {
    const s = await harness({ workers: 1 });
    try {
      await s.runner.start();
      const { job } = s.queue.enqueue({ type: 'test.slow', payload: { ms: 60_000 } });
      await waitForStatus(s.queue, job.id, 'processing');
      await waitFor(async () => (await s.queue.get(job.id))!.progress.processedItems === 1, { what: 'its progress report' });
      const stoppedAt = Date.now();
      await s.runner.stop(600);
      assert.ok(Date.now() - stoppedAt < 2_000, 'bounded by the grace period');
      const back = (await s.queue.get(job.id))!;
      assert.equal(back.status, 'pending');
      assert.equal(back.attempts, 0, 'an interrupted attempt is not counted');
      assert.deepEqual([back.progress.processedItems, back.progress.totalItems], [0, null], 'the next attempt starts from zero');
      assert.equal(runsOf(s.t.db, job.id)[0]!.status, 'abandoned');
      s.t.db.prepare(`UPDATE nightshift_queue_jobs SET payload = '{"ms":10}' WHERE id = ?`).run(job.id);
      const again = await harness({ t: s.t, workers: 1 });
      await again.runner.start();
      try {
        await waitForStatus(again.queue, job.id, 'completed');
      } finally {
        await again.runner.stop();
      }
    } finally {
      s.t.cleanup();
    }
  });
});
