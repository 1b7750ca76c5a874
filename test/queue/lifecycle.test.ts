// Jobs through a real QueueRunner with real worker threads: lifecycle, nightshift_job_runs rows, trace ids in
// logs, priority and runAt, retries (backoff, requested delay, non-retryable), manual retry.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { waitFor } from '../helpers/index.ts';
import { harness, runsOf, sleep, waitForStatus, type Harness } from './helpers.ts';

let h: Harness;

before(async () => {
  h = await harness({ workers: 2 });
  await h.runner.start();
});
after(() => h.close());

describe('lifecycle', () => {
  test('enqueue -> processing -> completed, with result, progress and one nightshift_job_runs row', async () => {
    const { job } = h.queue.enqueue({ type: 'test.echo', payload: { value: 'hello', waitMs: 1_000 }, tenantId: 't-1' });
    const running = await waitForStatus(h.queue, job.id, 'processing');
    assert.equal(running.attempts, 1);
    assert.ok(running.startedAt);
    // A run row appears once the attempt has run for RUN_ROW_DELAY_MS (shorter ones get it at the end).
    await waitFor(() => runsOf(h.t.db, job.id)[0]?.status === 'running', { what: 'the open run row' });
    const done = await waitForStatus(h.queue, job.id, 'completed');
    assert.equal((done.result as { echo: string }).echo, 'hello');
    assert.deepEqual((done.result as { envelope: unknown }).envelope, { tenantId: 't-1', traceId: job.envelope.traceId, payload: { value: 'hello', waitMs: 1_000 } });
    assert.deepEqual(done.progress, { processedItems: 1, totalItems: 1, percent: 100 });
    assert.ok(done.completedAt && done.completedAt >= done.startedAt!);
    const runs = runsOf(h.t.db, job.id);
    assert.equal(runs.length, 1);
    assert.equal(runs[0]!.status, 'success');
    assert.equal(runs[0]!.trigger, 'queue');
    assert.equal(runs[0]!.name, 'test.echo');
    assert.equal(runs[0]!.trace_id, job.envelope.traceId);
    assert.equal(JSON.parse(runs[0]!.details!).echo, 'hello');
    assert.equal((done.result as { runId: string }).runId, runs[0]!.id, 'ctx.runId is the nightshift_job_runs row');
    // It ran for a second or more, so its completion is an info line (short ones log at debug).
    const completed = h.logs.records.find((r) => r.msg === 'Queue job completed' && r.jobId === job.id);
    assert.equal(completed?.level, 'info');
    assert.ok((completed!.durationMs as number) >= 1_000);
  });

  test('a traceId given at enqueue is on the job, its runs and every log line of the job', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const { job } = h.queue.enqueue({ type: 'test.echo', payload: { value: 'traced' }, traceId, tenantId: 'acme' });
    await waitForStatus(h.queue, job.id, 'completed');
    assert.equal((await h.queue.get(job.id))!.envelope.traceId, traceId);
    assert.ok(runsOf(h.t.db, job.id).every((r) => r.trace_id === traceId));
    const lines = h.logs.records.filter((r) => r.jobId === job.id);
    assert.ok(lines.some((r) => r.msg === 'echo running'), 'the handler log line reached the main logger');
    assert.ok(lines.length >= 2);
    for (const line of lines) {
      assert.equal(line.traceId, traceId, line.msg);
    }
    assert.equal(lines.find((r) => r.msg === 'Queue job completed')?.level, 'debug', 'a short job completes at debug level');
    const handlerLine = lines.find((r) => r.msg === 'echo running')!;
    assert.equal(handlerLine.tenantId, 'acme');
    assert.equal(handlerLine.job, 'test.echo');
  });

  test('jobs run in priority order, and not before runAt', async () => {
    const single = await harness({ workers: 1 });
    try {
      single.t.db.exec(`CREATE TABLE seen (n INTEGER PRIMARY KEY AUTOINCREMENT, job_id TEXT, run_id TEXT)`);
      await single.runner.start();
      // One transaction: the runner sees all four at once (it claims after the commit).
      const enqueuedAt = Date.now();
      const [low, high, mid, later] = single.t.db.transaction(() => [
        single.queue.enqueue({ type: 'test.append', priority: 1 }).job.id,
        single.queue.enqueue({ type: 'test.append', priority: 10 }).job.id,
        single.queue.enqueue({ type: 'test.append', priority: 5 }).job.id,
        single.queue.enqueue({ type: 'test.append', priority: 100, runAt: new Date(enqueuedAt + 600) }).job.id,
      ])();
      await waitForStatus(single.queue, later!, 'completed');
      const order = (single.t.db.prepare(`SELECT job_id FROM seen ORDER BY n`).all() as { job_id: string }[]).map((r) => r.job_id);
      assert.deepEqual(order, [high, mid, low, later]);
      const startedLater = Date.parse((await single.queue.get(later!))!.startedAt!);
      assert.ok(startedLater >= enqueuedAt + 550, `runAt respected (started ${startedLater - enqueuedAt} ms after enqueue)`);
    } finally {
      await single.close();
    }
  });
});

describe('failures and retries', () => {
  test('a throwing handler is retried with backoff until it succeeds; each failure is logged', async () => {
    const before = h.runner.stats();
    const { job } = h.queue.enqueue({ type: 'test.flaky', payload: { failTimes: 2 } });
    const done = await waitForStatus(h.queue, job.id, 'completed');
    const counted = h.runner.stats();
    assert.deepEqual([counted.retried - before.retried, counted.completed - before.completed, counted.failed - before.failed], [2, 1, 0], 'the runner counts two retries and one completion');
    assert.equal(done.attempts, 3);
    assert.deepEqual(done.result, { succeededOnAttempt: 3 });
    assert.deepEqual(done.errorLog.map((e) => [e.attempt, e.message]), [[1, 'boom on attempt 1'], [2, 'boom on attempt 2']]);
    assert.equal(done.lastError, null, 'a completed job has no current error; the log keeps the failures');
    assert.deepEqual(runsOf(h.t.db, job.id).map((r) => r.status), ['failed', 'failed', 'success']);
    // Backoff: base 50 ms * 2^(attempt-1), +-20%: the second gap is about twice the first.
    const starts = (h.t.db.prepare(`SELECT started_at FROM nightshift_job_runs WHERE job_id = ? ORDER BY started_at`).all(job.id) as { started_at: number }[]).map((r) => r.started_at);
    assert.ok(starts[1]! - starts[0]! >= 35, `first retry waited ${starts[1]! - starts[0]!} ms`);
    assert.ok(starts[2]! - starts[1]! >= 75, `second retry waited ${starts[2]! - starts[1]!} ms`);
    assert.ok(h.logs.records.some((r) => r.msg === 'Queue job failed; will retry' && r.jobId === job.id && r.traceId === job.envelope.traceId));
  });

  test('after maxAttempts the job is failed with its error log', async () => {
    const { job } = h.queue.enqueue({ type: 'test.flaky', payload: { failTimes: 10 }, maxAttempts: 2 });
    const before = h.runner.stats().failed;
    const failed = await waitForStatus(h.queue, job.id, 'failed');
    assert.equal(h.runner.stats().failed - before, 1, 'the runner counts the failure');
    assert.equal(failed.attempts, 2);
    assert.equal(failed.lastError, 'boom on attempt 2');
    assert.equal(failed.errorLog.length, 2);
    assert.ok(failed.completedAt);
    assert.deepEqual(runsOf(h.t.db, job.id).map((r) => r.status), ['failed', 'failed']);
    assert.ok(h.logs.records.some((r) => r.msg === 'Queue job failed' && r.jobId === job.id && r.level === 'error'));
  });

  test('a handler can ask for a specific retry delay', async () => {
    const { job } = h.queue.enqueue({ type: 'test.flaky', payload: { failTimes: 1, retryAfterMs: 700 } });
    const afterFirst = await waitFor(async () => {
      const j = (await h.queue.get(job.id))!;
      return j.status === 'pending' && j.attempts === 1 ? j : undefined;
    });
    const firstFailedAt = Date.parse(afterFirst.updatedAt);
    assert.ok(Date.parse(afterFirst.runAt) - firstFailedAt >= 690, 'runAt is now + the requested delay');
    const done = await waitForStatus(h.queue, job.id, 'completed');
    assert.ok(Date.parse(done.startedAt!) - firstFailedAt >= 690);
    assert.equal(done.errorLog[0]!.message, 'asked to wait on attempt 1');
  });

  test('NonRetryableError fails at once', async () => {
    const { job } = h.queue.enqueue({ type: 'test.flaky', payload: { failTimes: 1, permanent: true } });
    const failed = await waitForStatus(h.queue, job.id, 'failed');
    assert.equal(failed.attempts, 1);
    assert.equal(failed.lastError, 'permanent failure on attempt 1');
  });

  test('a failed job retried by hand runs again with fresh attempts', async () => {
    const { job } = h.queue.enqueue({ type: 'test.flaky', payload: { failTimes: 1 }, maxAttempts: 1 });
    await waitForStatus(h.queue, job.id, 'failed');
    const retried = await h.queue.retry(job.id);
    assert.equal(retried.outcome, 'retried');
    // attempts restart at 0, so this is attempt 1 again: it fails again, proving it ran.
    const failedAgain = await waitFor(async () => {
      const j = (await h.queue.get(job.id))!;
      return j.status === 'failed' && j.errorLog.length === 2 ? j : undefined;
    });
    assert.equal(failedAgain.attempts, 1);
    assert.equal(runsOf(h.t.db, job.id).length, 2);
  });

  test('the runner keeps going: many jobs of mixed types all finish', async () => {
    const ids = Array.from({ length: 200 }, (_, i) => h.queue.enqueue(i % 2 ? { type: 'test.noop' } : { type: 'test.echo', payload: { value: i } }).job.id);
    await waitFor(async () => (await Promise.all(ids.map((id) => h.queue.get(id)))).every((j) => j!.status === 'completed'), { timeoutMs: 20_000 });
    await sleep(50);
    assert.equal(h.runner.stats().running, 0);
  });
});
