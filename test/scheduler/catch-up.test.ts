// Missed runs: when the server was down over a due time, the job runs once at start-up (trigger
// 'catch-up'), never once per missed tick; a fresh database does not "catch up" on its first start.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import type { Db } from '../../src/store/sqlite/open.ts';
import { waitFor } from '../helpers/index.ts';
import { BOUNDED, FIXTURE_DIRS, harness, runRows, sleep } from '../helpers/scheduler-fixtures.ts';

const DAILY = 'fixture.daily'; // '0 3 * * *'
const DAY = 24 * 60 * 60_000;

/** The state a database is in after a server that knew the job for a while was down for days. */
function downSince(db: Db, lastRunAt: number, firstSeenAt = Date.now() - 30 * DAY) {
  db.prepare(`INSERT INTO nightshift_scheduled_jobs (name, first_seen_at) VALUES (?, ?)`).run(DAILY, firstSeenAt);
  db.prepare(
    `INSERT INTO nightshift_job_runs (id, name, status, trigger, started_at, ended_at, duration_ms, owner)
     VALUES (?, ?, 'success', 'schedule', ?, ?, 5, 'old-host:1:gone')`,
  ).run(randomUUID(), DAILY, lastRunAt, lastRunAt + 5);
}

test('a daily job last run 2 days ago gets exactly one catch-up run at start-up', BOUNDED, async (t) => {
  const h = harness(t);
  downSince(h.db, Date.now() - 2 * DAY); // two (or three) 03:00 ticks missed

  const { scheduler, logs } = await h.scheduler(FIXTURE_DIRS.daily, { leaseMs: 1_000 });
  await scheduler.start();

  const catchUp = await waitFor(
    () => runRows(h.db, DAILY).find((r) => r.trigger === 'catch-up' && r.status !== 'running'),
    { what: 'the catch-up run to finish' },
  );
  assert.equal(catchUp.status, 'success', catchUp.error ?? '');
  assert.deepEqual(JSON.parse(catchUp.details!), { trigger: 'catch-up' }, 'the job saw its trigger');
  assert.ok(logs.messages().includes('Catching up a run missed while the server was down'));

  // Several lease renewals later, still only the one catch-up run: no run per missed day.
  await sleep(1_500);
  const rows = runRows(h.db, DAILY);
  assert.equal(rows.filter((r) => r.trigger === 'catch-up').length, 1);
  assert.equal(rows.length, 2, 'the old run and the one catch-up run');
});

test('a fresh database (job first seen now) gets no catch-up run', BOUNDED, async (t) => {
  const h = harness(t);
  const { scheduler } = await h.scheduler(FIXTURE_DIRS.daily, { leaseMs: 1_000 });
  await scheduler.start();

  // The catch-up decision (and its nightshift_job_runs row) is made synchronously when the scheduler leads,
  // so by now it would be there; wait a little anyway in case a later renewal decided otherwise.
  assert.equal((await scheduler.getStatus()).role, 'leader');
  await sleep(1_000);
  assert.deepEqual(runRows(h.db, DAILY), []);
  const firstSeen = h.db.prepare(`SELECT first_seen_at FROM nightshift_scheduled_jobs WHERE name = ?`).pluck().get(DAILY) as number;
  assert.ok(Math.abs(firstSeen - Date.now()) < 60_000, 'first seen recorded at start-up');
});

test('a job that already ran after its latest due time gets no catch-up run', BOUNDED, async (t) => {
  const h = harness(t);
  downSince(h.db, Date.now() - 1_000); // ran a second ago: nothing was missed since

  const { scheduler } = await h.scheduler(FIXTURE_DIRS.daily, { leaseMs: 1_000 });
  await scheduler.start();

  await sleep(1_000);
  assert.equal(runRows(h.db, DAILY).length, 1, 'only the run that was already there');
});
