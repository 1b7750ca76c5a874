// One scheduler per database: start() is idempotent on one instance, and a second instance in the
// same process (a dev reload, a double import) stands by until the first stops, then takes over.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { waitFor } from '../helpers/index.ts';
import { BOUNDED, FIXTURE_DIRS, harness, runRows, sleep } from '../helpers/scheduler-fixtures.ts';

const TICK = 'fixture.tick';

test('start() twice on the same instance schedules once', BOUNDED, async (t) => {
  const h = harness(t);
  const { scheduler, logs } = await h.scheduler(FIXTURE_DIRS.everySecond, { leaseMs: 1_000 });

  const first = scheduler.start();
  const second = scheduler.start();
  assert.equal(first, second, 'the second call returns the first start');
  await Promise.all([first, second, scheduler.start()]);

  // Let the every-second job tick a few times. Two sets of timers would fire twice per tick, a few
  // ms apart (two runs, or a run plus a recorded skip); one set fires about a second apart. So no
  // two tick rows may start within 100 ms of each other (a generous bound for a loaded machine).
  await waitFor(() => runRows(h.db, TICK).filter((r) => r.trigger === 'schedule').length >= 3, { what: '3 ticks' });
  const ticks = runRows(h.db, TICK).filter((r) => r.trigger === 'schedule');
  const gaps = ticks.slice(1).map((r, i) => r.started_at - ticks[i]!.started_at);
  assert.deepEqual(gaps.filter((ms) => ms < 100), [], `gaps between ticks: ${gaps.join(', ')} ms`);
  assert.ok(ticks.some((r) => r.status === 'success'), 'the ticks really ran');
  assert.equal(logs.messages().filter((m) => m === 'Jobs scheduler enabled').length, 1);
});

test('a second instance on the same database stands by, runs no ticks, and takes over when the first stops', BOUNDED, async (t) => {
  const h = harness(t);
  const a = await h.scheduler(FIXTURE_DIRS.everySecond, { leaseMs: 1_000 });
  // The second instance uses its own connection to the same file, as a reloaded module would.
  const b = await h.scheduler(FIXTURE_DIRS.everySecond, { leaseMs: 1_000, store: openSqliteStore(h.connection()) });
  await a.scheduler.start();
  await b.scheduler.start();

  assert.equal((await a.scheduler.getStatus()).role, 'leader');
  const standby = await b.scheduler.getStatus();
  assert.equal(standby.role, 'standby');
  assert.equal(standby.running, false);
  assert.equal(standby.leaseHolder?.owner, a.scheduler.owner);

  // Over several lease periods, only the leader's ticks run; the standby one never fires.
  await sleep(2_500);
  assert.equal((await b.scheduler.getStatus()).role, 'standby', 'still standing by after lease renewals');
  const byOwner = (owner: string) => h.db.prepare(`SELECT COUNT(*) FROM nightshift_job_runs WHERE owner = ?`).pluck().get(owner) as number;
  assert.ok(byOwner(a.scheduler.owner) >= 1, 'the leader ran ticks');
  assert.equal(byOwner(b.scheduler.owner), 0, 'the standby ran nothing');
  assert.ok(b.logs.messages().includes('Jobs scheduler standing by: another scheduler holds this database'));

  // stop() releases the lease; the standby sees it on its next renewal (every leaseMs / 3).
  await a.scheduler.stop();
  await waitFor(async () => (await b.scheduler.getStatus()).role === 'leader', { timeoutMs: 3_000, what: 'the standby to take over' });
  assert.equal((await b.scheduler.getStatus()).running, true);
  await waitFor(() => byOwner(b.scheduler.owner) >= 1, { what: 'a run by the new leader' });
});

test('a leader whose lease was taken over ignores its next cron tick and stands by', BOUNDED, async (t) => {
  const h = harness(t);
  // A long lease: its renewal (every 20 s) cannot be what notices the takeover within this test.
  const { scheduler, logs } = await h.scheduler(FIXTURE_DIRS.everySecond, { leaseMs: 60_000 });
  await scheduler.start();
  assert.equal((await scheduler.getStatus()).role, 'leader');
  // Another process took the lease while this one was stalled.
  h.db.prepare(`UPDATE nightshift_scheduler_lease SET owner = 'other-host:1:aaaaaaaa', expires_at = ?`).run(Date.now() + 60_000);
  await waitFor(async () => (await scheduler.getStatus()).role === 'standby', { timeoutMs: 5_000, what: 'step down on the next tick' });
  assert.ok(logs.records.some((r) => r.msg === 'Ignored a cron tick: this scheduler no longer holds the lease'));
  await scheduler.idle();
  const after = runRows(h.db, 'fixture.tick').length;
  await sleep(2_500);
  assert.equal(runRows(h.db, 'fixture.tick').length, after, 'no ticks run once it stood by');
});
