// JOBS_ENABLED=false (enabled: false): no scheduler, no job threads, manual runs refused, and the
// status says so.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { JobsDisabledError } from '../../src/scheduler/errors.ts';
import { readLease } from '../../src/store/sqlite/leader.ts';
import { BOUNDED, FIXTURE_DIRS, harness, runRows, sleep } from '../helpers/scheduler-fixtures.ts';

test('a disabled scheduler starts no threads, refuses runNow and reports enabled:false', BOUNDED, async (t) => {
  const h = harness(t);
  const { scheduler, logs } = await h.scheduler(FIXTURE_DIRS.everySecond, { enabled: false });
  // Count worker threads by the ids Node hands out: each new Worker takes the next id, so if a
  // probe started after the test gets the id right after a probe started before, none ran between.
  const probeBefore = new Worker('0', { eval: true });
  const idBefore = probeBefore.threadId;
  await probeBefore.terminate();

  await scheduler.start();
  await sleep(1_500); // the fixture job is due every second: it would have fired by now

  await assert.rejects(() => scheduler.runNow('fixture.tick'), JobsDisabledError);
  const status = await scheduler.getStatus();
  assert.equal(status.enabled, false);
  assert.equal(status.running, false);
  assert.equal(status.role, 'disabled');
  assert.equal(status.leaseHolder, null);
  assert.equal(status.jobs[0]?.nextRun, null, 'no next run when nothing is scheduled');
  assert.equal(readLease(h.db), undefined, 'no lease taken');
  assert.deepEqual(runRows(h.db), [], 'no run recorded');
  assert.ok(logs.messages().some((m) => m.startsWith('Jobs scheduler disabled')));
  assert.ok(!logs.messages().includes('Jobs scheduler enabled'));

  const probeAfter = new Worker('0', { eval: true });
  assert.equal(probeAfter.threadId, idBefore + 1, 'no worker thread was created in between');
  await probeAfter.terminate();
});
