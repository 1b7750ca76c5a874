// The main thread records a run's failure itself, whatever happens to its worker thread: a throw,
// an async rejection, a non-zero exit, or a kill for running past the job's timeout.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BOUNDED, FIXTURE_DIRS, harness, runRow } from '../helpers/scheduler-fixtures.ts';
import type { JobScheduler } from '../../src/scheduler/scheduler.ts';

/** runNow, then wait for the outcome (the tests read the ledger row back themselves). */
async function runToEnd(scheduler: JobScheduler, name: string) {
  const handle = await scheduler.runNow(name);
  const outcome = await handle.done;
  return { handle, outcome };
}

test('a job that busy-loops past its timeout is terminated, recorded failed, and can run again', BOUNDED, async (t) => {
  const h = harness(t);
  const { scheduler, logs } = await h.scheduler(FIXTURE_DIRS.timeout);
  await scheduler.start();

  const first = await runToEnd(scheduler, 'fixture.busyForever'); // timeoutMs: 500, never checks its signal
  assert.equal(first.outcome.status, 'failed');
  assert.match(first.outcome.error ?? '', /Timed out after 500 ms/);
  const row = runRow(h.db, first.handle.runId)!;
  assert.equal(row.status, 'failed');
  assert.match(row.error ?? '', /Timed out/);
  assert.notEqual(row.ended_at, null);
  assert.ok(row.duration_ms! >= 500, `ran ${row.duration_ms} ms before the kill`);
  assert.ok(logs.records.some((r) => r.msg === 'Job run finished' && r.runId === first.handle.runId && r.level === 'error'));

  // The killed thread left nothing behind: neither the ledger's running row nor Bree's worker slot.
  const second = await runToEnd(scheduler, 'fixture.busyForever');
  assert.notEqual(second.handle.runId, first.handle.runId);
  assert.equal(second.outcome.status, 'failed');
  assert.match(second.outcome.error ?? '', /Timed out/);
  assert.equal((await scheduler.getJobStatus('fixture.busyForever'))?.running, false);
});

test('a job that throws is recorded failed with its message', BOUNDED, async (t) => {
  const h = harness(t);
  const { scheduler } = await h.scheduler(FIXTURE_DIRS.failing);
  await scheduler.start();

  const { handle, outcome } = await runToEnd(scheduler, 'fixture.throws');

  assert.equal(outcome.status, 'failed');
  const row = runRow(h.db, handle.runId)!;
  assert.equal(row.status, 'failed');
  assert.equal(row.error, 'fixture job blew up', 'the message, not a stack');
  assert.ok(row.duration_ms !== null && row.ended_at !== null);
});

test('a job that rejects asynchronously is recorded failed with its message', BOUNDED, async (t) => {
  const h = harness(t);
  const { scheduler } = await h.scheduler(FIXTURE_DIRS.failing);
  await scheduler.start();

  const { handle, outcome } = await runToEnd(scheduler, 'fixture.rejects');

  assert.equal(outcome.status, 'failed');
  assert.equal(runRow(h.db, handle.runId)?.error, 'fixture job rejected later');
});

test('a job that calls process.exit(3) is recorded failed with its exit code', BOUNDED, async (t) => {
  const h = harness(t);
  const { scheduler } = await h.scheduler(FIXTURE_DIRS.failing);
  await scheduler.start();

  const { handle, outcome } = await runToEnd(scheduler, 'fixture.exits');

  assert.equal(outcome.status, 'failed');
  const row = runRow(h.db, handle.runId)!;
  assert.equal(row.status, 'failed');
  assert.match(row.error ?? '', /exited with code 3/);
});

test('failures in several threads at once are each recorded on their own row', BOUNDED, async (t) => {
  const h = harness(t);
  const { scheduler } = await h.scheduler(FIXTURE_DIRS.failing);
  await scheduler.start();

  // All three at once: each in its own thread, each failure recorded on its own row.
  const outcomes = await Promise.all(
    ['fixture.throws', 'fixture.rejects', 'fixture.exits'].map(async (name) => (await scheduler.runNow(name)).done),
  );
  assert.deepEqual(outcomes.map((o) => o.status), ['failed', 'failed', 'failed']);
  assert.equal(h.db.prepare(`SELECT COUNT(*) FROM nightshift_job_runs WHERE status = 'running'`).pluck().get(), 0);
});
