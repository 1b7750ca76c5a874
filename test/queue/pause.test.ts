// Pausing a queue type (issue 14, first step): its jobs stay pending while paused (enqueue still
// accepts them, other types run), on every runner of the database (a pause made elsewhere reaches a
// runner within its poll interval), persisted, and resuming lets them run.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Queue, UnknownJobTypeError } from '../../src/queue/index.ts';
import { captureLogs, waitFor } from '../helpers/index.ts';
import { harness, loadFixtureJobs } from './helpers.ts';

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a paused type waits, other types run, resume runs what waited; the pause is persisted and audited', async () => {
  const h = await harness();
  try {
    assert.equal(await h.queue.pause('test.echo', 'ops@example'), true);
    assert.equal(await h.queue.pause('test.echo', 'ops@example'), false, 'already paused');
    await h.runner.start();
    const waiting = h.queue.enqueueMany(Array.from({ length: 5 }, (_, i) => ({ type: 'test.echo', payload: { value: i } })));
    const other = h.queue.enqueue({ type: 'test.noop' }).job;
    await waitFor(async () => (await h.queue.get(other.id))?.status === 'completed', { what: 'the other type' });
    await settle(300); // several polls and ticks
    for (const w of waiting) assert.equal((await h.queue.get(w.job.id))?.status, 'pending', 'the paused type was not claimed');

    // Persisted: another Queue on the same database (another process) sees it.
    const elsewhere = new Queue({ store: h.t.store, jobs: await loadFixtureJobs(), logger: captureLogs().logger });
    assert.deepEqual((await elsewhere.paused()).map((p) => [p.type, p.pausedBy]), [['test.echo', 'ops@example']]);

    assert.equal(await h.queue.resume('test.echo', 'ops@example'), true);
    await h.runner.refreshPaused(); // what the runtime's onPausedChange does
    await waitFor(async () => (await Promise.all(waiting.map((w) => h.queue.get(w.job.id)))).every((j) => j?.status === 'completed'), { what: 'the resumed jobs' });
    const audit = h.logs.records.filter((r) => r.msg === 'Queue type paused' || r.msg === 'Queue type resumed');
    assert.deepEqual(audit.map((r) => [r.msg, r.job, r.by, r.changed]), [
      ['Queue type paused', 'test.echo', 'ops@example', true],
      ['Queue type paused', 'test.echo', 'ops@example', false],
      ['Queue type resumed', 'test.echo', 'ops@example', true],
    ]);
  } finally {
    await h.close();
  }
});

test('a pause made by another process reaches a running runner within its poll interval', async () => {
  const h = await harness({ pollIntervalMs: 50 });
  try {
    await h.runner.start();
    h.t.store.jobs.setPaused({ type: 'test.echo', paused: true, by: null, now: Date.now() }); // as another process would
    await waitFor(() => h.runner.stats().paused.includes('test.echo'), { what: 'the runner to read the pause on its poll' });
    const job = h.queue.enqueue({ type: 'test.echo', payload: {} }).job;
    await settle(300);
    assert.equal((await h.queue.get(job.id))?.status, 'pending');
    h.t.store.jobs.setPaused({ type: 'test.echo', paused: false, by: null, now: Date.now() });
    await waitFor(async () => (await h.queue.get(job.id))?.status === 'completed', { what: 'the job after the other process resumed' });
  } finally {
    await h.close();
  }
});

test('only job types this Queue knows can be paused', async () => {
  const h = await harness();
  try {
    await assert.rejects(h.queue.pause('no.such.type'), UnknownJobTypeError);
    assert.deepEqual(await h.queue.paused(), []);
  } finally {
    await h.close();
  }
});
