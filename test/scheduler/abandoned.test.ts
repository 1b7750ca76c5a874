// A run left 'running' by a crashed process is closed as 'abandoned' at the next start; a run that
// a live owner is still working on is left alone.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { test } from 'node:test';
import type { Db } from '../../src/store/sqlite/open.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { BOUNDED, FIXTURE_DIRS, deadPid, harness, runRow } from '../helpers/scheduler-fixtures.ts';

/** A 'running' row as a scheduler in another process would have left it (job_id NULL: not a queue run). */
function runningRow(db: Db, name: string, owner: string, jobId: string | null = null): string {
  const id = randomUUID();
  db.prepare(
    `INSERT INTO nightshift_job_runs (id, name, status, trigger, started_at, owner, job_id) VALUES (?, ?, 'running', 'schedule', ?, ?, ?)`,
  ).run(id, name, Date.now() - 60_000, owner, jobId);
  return id;
}

test('a running row owned by a dead process is closed as abandoned at start; live owners are left alone', BOUNDED, async (t) => {
  const h = harness(t);
  const crashed = runningRow(h.db, 'fixture.daily', `${hostname()}:${deadPid()}:deadbeef`);
  // Live owners: the test runner that spawned this file (same host, live pid) and a scheduler on
  // another host (assumed alive: only its lease expiry could tell otherwise).
  const liveHere = runningRow(h.db, 'other.jobHere', `${hostname()}:${process.ppid}:cafebabe`);
  const otherHost = runningRow(h.db, 'other.jobElsewhere', `some-other-host.example:4242:c0ffee00`);
  // A queue run of a dead owner: recovered by the queue, not by the scheduler.
  const queueRun = runningRow(h.db, 'other.queued', `${hostname()}:${deadPid()}:deadbeef`, 'queue-job-1');

  const { scheduler, logs } = await h.scheduler(FIXTURE_DIRS.daily);
  await scheduler.start();

  const closed = runRow(h.db, crashed)!;
  assert.equal(closed.status, 'abandoned');
  assert.notEqual(closed.ended_at, null);
  assert.ok(closed.duration_ms! >= 60_000, 'duration runs from its start to the moment it was closed');
  assert.match(closed.error ?? '', /stopped before it finished/);
  assert.ok(logs.records.some((r) => r.msg === 'Closed runs left running by a stopped process' && r.abandoned === 1));

  for (const id of [liveHere, otherHost, queueRun]) assert.equal(runRow(h.db, id)?.status, 'running', id);

  // The job whose run was abandoned is free to run again.
  const handle = await scheduler.runNow('fixture.daily');
  assert.equal((await handle.done).status, 'success');
});

test('a running row owned by a live scheduler in this process is not closed by a second one', BOUNDED, async (t) => {
  const h = harness(t);
  const a = await h.scheduler(FIXTURE_DIRS.daily);
  await a.scheduler.start();
  const mine = runningRow(h.db, 'other.job', a.scheduler.owner);

  const b = await h.scheduler(FIXTURE_DIRS.daily, { store: openSqliteStore(h.connection()) });
  await b.scheduler.start();

  assert.equal(runRow(h.db, mine)?.status, 'running');
});

test('a running row older than its job could last is closed whoever owns it (e.g. a recreated container)', BOUNDED, async (t) => {
  const h = harness(t);
  // fixture.daily has the default 5 min timeout; this row started an hour ago on a host we cannot check.
  const id = randomUUID();
  h.db
    .prepare(`INSERT INTO nightshift_job_runs (id, name, status, trigger, started_at, owner) VALUES (?, 'fixture.daily', 'running', 'schedule', ?, ?)`)
    .run(id, Date.now() - 3_600_000, 'old-container-abc:1:deadbeef');
  const { scheduler } = await h.scheduler(FIXTURE_DIRS.daily);
  await scheduler.start();
  assert.equal(runRow(h.db, id)?.status, 'abandoned');
  // And the job is not blocked by it.
  const handle = await scheduler.runNow('fixture.daily');
  assert.equal((await handle.done).status, 'success');
});
