// Queue metrics from a real QueueRunner (worker threads, real SQLite file): depth by status and
// type as jobs are enqueued and completed, attempts and their durations, retries (backoff and by
// hand), cancels, and lease recoveries from a stopped runner.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { test, type TestContext } from 'node:test';
import type { Db } from '../../src/store/sqlite/open.ts';
import { createMetrics } from '../../src/metrics/metrics.ts';
import { Queue } from '../../src/queue/index.ts';
import { claimJobs } from '../../src/store/sqlite/jobs/claim.ts';
import { openRun } from '../../src/store/sqlite/runs/ledger.ts';
import { JobScheduler } from '../../src/scheduler/scheduler.ts';
import { captureLogs, tempDb, waitFor } from '../helpers/index.ts';
import { harness, waitForStatus } from '../queue/helpers.ts';
import { metricsApp, scrape, scrapeUntil, valueOf, type Scrape } from './helpers.ts';

const BOUNDED = { timeout: 60_000 } as const;

/** A runner (not started) reporting to fresh metrics, a Queue that counts manual retries, and the app. */
async function observedQueue(t: TestContext) {
  const db = tempDb();
  const metrics = createMetrics({ store: db.store, logger: captureLogs().logger });
  const h = await harness({ t: db, events: metrics.runnerEvents });
  t.after(() => h.close());
  const queue = new Queue({ store: h.t.store, jobs: h.jobs, logger: h.logs.logger, onEnqueue: (job) => h.runner.wake(job.runAt), onCancel: (id) => h.runner.cancel(id), onRetry: metrics.onManualRetry });
  const scheduler = new JobScheduler({ store: h.t.store, jobs: [], logger: h.logs.logger, enabled: true });
  metrics.attach({ scheduler, queue, runner: h.runner });
  const app = metricsApp({ store: h.t.store, scheduler, queue, logger: h.logs.logger, metrics });
  return { h, queue, runner: h.runner, app, metrics };
}

const depth = (m: Scrape, status: string, type: string) => valueOf(m, 'nightshift_queue_jobs', { status, type });
const attempts = (m: Scrape, type: string, outcome: string) => valueOf(m, 'nightshift_queue_attempts_total', { type, outcome }) ?? 0;

test('queue depth by status and type follows enqueues and completions', BOUNDED, async (t) => {
  const { queue, runner, app } = await observedQueue(t);
  const empty = await scrape(app);
  assert.equal(depth(empty, 'pending', 'test.echo'), 0, 'known types have zero series');
  assert.equal(valueOf(empty, 'nightshift_queue_runner_up'), 0, 'not started yet');

  queue.enqueue({ type: 'test.echo', payload: { value: 1 }, runAt: Date.now() - 60_000 });
  queue.enqueue({ type: 'test.echo', payload: { value: 2 } });
  queue.enqueue({ type: 'test.noop' });
  const queued = await scrape(app);
  assert.equal(depth(queued, 'pending', 'test.echo'), 2);
  assert.equal(depth(queued, 'pending', 'test.noop'), 1);
  assert.equal(depth(queued, 'completed', 'test.echo'), 0);
  const age = valueOf(queued, 'nightshift_queue_oldest_due_job_age_seconds')!;
  assert.ok(age >= 60 && age < 120, `the job due a minute ago has waited a minute (${age})`);

  await runner.start();
  const done = await scrapeUntil(app, (m) => depth(m, 'completed', 'test.echo') === 2 && depth(m, 'completed', 'test.noop') === 1, 'three completed jobs in the depth gauge');
  assert.equal(depth(done, 'pending', 'test.echo'), 0);
  assert.equal(depth(done, 'processing', 'test.echo'), 0);
  assert.equal(valueOf(done, 'nightshift_queue_oldest_due_job_age_seconds'), 0);
  assert.equal(attempts(done, 'test.echo', 'completed'), 2);
  assert.equal(attempts(done, 'test.noop', 'completed'), 1);
  assert.equal(valueOf(done, 'nightshift_queue_attempt_duration_seconds_count', { type: 'test.echo', outcome: 'completed' }), 2);
  const sum = valueOf(done, 'nightshift_queue_attempt_duration_seconds_sum', { type: 'test.echo', outcome: 'completed' })!;
  assert.ok(sum >= 0 && sum < 10, `durations are seconds (${sum})`);
  assert.equal(valueOf(done, 'nightshift_queue_runner_up'), 1);
  assert.equal(valueOf(done, 'nightshift_queue_runner_threads'), 1);
});

test('retries are counted: a backoff retry, a final failure and a retry by hand', BOUNDED, async (t) => {
  const { queue, runner, app } = await observedQueue(t);
  await runner.start();
  const flaky = queue.enqueue({ type: 'test.flaky', payload: { failTimes: 1 } }).job;
  await waitForStatus(queue, flaky.id, 'completed');
  const permanent = queue.enqueue({ type: 'test.flaky', payload: { failTimes: 5, permanent: true } }).job;
  await waitForStatus(queue, permanent.id, 'failed');

  const m = await scrape(app);
  assert.equal(valueOf(m, 'nightshift_queue_retries_total', { type: 'test.flaky', kind: 'backoff' }), 1);
  assert.equal(attempts(m, 'test.flaky', 'retried'), 1);
  assert.equal(attempts(m, 'test.flaky', 'completed'), 1);
  assert.equal(attempts(m, 'test.flaky', 'failed'), 1, 'the permanent failure is final');
  assert.equal(depth(m, 'failed', 'test.flaky'), 1);
  assert.equal(valueOf(m, 'nightshift_queue_retries_total', { type: 'test.flaky', kind: 'manual' }), undefined);

  assert.equal((await queue.retry(permanent.id)).outcome, 'retried');
  await waitFor(async () => {
    const job = (await queue.get(permanent.id))!;
    return job.status === 'failed' && job.errorLog.length === 2;
  }, { what: 'the retried job to fail again' });
  const again = await scrape(app);
  assert.equal(valueOf(again, 'nightshift_queue_retries_total', { type: 'test.flaky', kind: 'manual' }), 1);
  assert.equal(attempts(again, 'test.flaky', 'failed'), 2);
});

test('a cancelled running job: in flight while it runs, then counted cancelled', BOUNDED, async (t) => {
  const { queue, runner, app } = await observedQueue(t);
  await runner.start();
  const { job } = queue.enqueue({ type: 'test.slow', payload: { ms: 30_000 } });
  await waitForStatus(queue, job.id, 'processing');
  const running = await scrape(app);
  assert.equal(depth(running, 'processing', 'test.slow'), 1);
  assert.equal(valueOf(running, 'nightshift_queue_attempts_in_flight'), 1);
  await queue.cancel(job.id);
  await waitForStatus(queue, job.id, 'cancelled');
  const m = await scrapeUntil(app, (s) => attempts(s, 'test.slow', 'cancelled') === 1, 'the cancel to be counted');
  assert.equal(valueOf(m, 'nightshift_queue_attempts_in_flight'), 0);
  assert.equal(depth(m, 'cancelled', 'test.slow'), 1);
});

/** Leaves a job as a runner in another process would while running it: claimed, with an open run. */
function claimAs(db: Db, id: string, owner: string, leaseMs: number) {
  const runId = openRun(db, { name: 'test.echo', trigger: 'queue', owner, jobId: id, traceId: 'trace' });
  const [row] = claimJobs(db, [{ id, token: randomUUID(), runId }], { owner, now: Date.now(), leaseMs });
  assert.ok(row, 'claimed');
}

test('lease recoveries are counted by type and reason', BOUNDED, async (t) => {
  const { queue, runner, app, h } = await observedQueue(t);
  const expired = queue.enqueue({ type: 'test.echo', payload: {} }).job;
  const orphaned = queue.enqueue({ type: 'test.echo', payload: {} }).job;
  claimAs(h.t.db, expired.id, 'some-other-host:4242:feedbeef', -1_000); // its runner stopped renewing
  claimAs(h.t.db, orphaned.id, `${hostname()}:${2 ** 22 + 12_345}:deadbeef`, 60_000); // its process is gone
  const before = await scrape(app);
  assert.equal(depth(before, 'processing', 'test.echo'), 2);
  assert.equal(valueOf(before, 'nightshift_queue_lease_recoveries_total', { type: 'test.echo', reason: 'lease_expired' }), 0);

  await runner.start(); // recovers at start, then runs both again
  await waitForStatus(queue, expired.id, 'completed');
  await waitForStatus(queue, orphaned.id, 'completed');
  const m = await scrape(app);
  assert.equal(valueOf(m, 'nightshift_queue_lease_recoveries_total', { type: 'test.echo', reason: 'lease_expired' }), 1);
  assert.equal(valueOf(m, 'nightshift_queue_lease_recoveries_total', { type: 'test.echo', reason: 'owner_gone' }), 1);
  assert.equal(attempts(m, 'test.echo', 'completed'), 2);
  assert.equal(depth(m, 'processing', 'test.echo'), 0);
});
