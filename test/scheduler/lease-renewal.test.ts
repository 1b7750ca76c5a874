// A lease renewal that fails because the database is busy (another connection holds the write
// lock) must not count as losing the lease: the leader keeps leading and renews once the lock is free.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readLease } from '../../src/store/sqlite/leader.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { waitFor } from '../helpers/index.ts';
import { BOUNDED, FIXTURE_DIRS, harness, sleep } from '../helpers/scheduler-fixtures.ts';

test('a busy database during lease renewal keeps the leader leading', BOUNDED, async (t) => {
  const h = harness(t);
  // The scheduler's own connection gives up on a locked database after 50 ms instead of 5 s.
  const schedulerDb = h.connection();
  schedulerDb.pragma('busy_timeout = 50');
  const { scheduler, logs } = await h.scheduler(FIXTURE_DIRS.daily, { leaseMs: 1_000, store: openSqliteStore(schedulerDb) });
  await scheduler.start();
  assert.equal((await scheduler.getStatus()).role, 'leader');

  const blocker = h.connection();
  blocker.pragma('busy_timeout = 0');
  blocker.prepare('BEGIN IMMEDIATE').run();
  try {
    await waitFor(() => logs.messages().includes('Could not renew the scheduler lease'), { what: 'a failed renewal' });
    await sleep(400); // a few more renewal intervals (every 333 ms) with the lock still held
    assert.equal((await scheduler.getStatus()).role, 'leader', 'still the leader while the database is busy');
  } finally {
    blocker.prepare('COMMIT').run();
  }

  const renewedAfter = Date.now();
  await waitFor(() => (readLease(h.db)?.expiresAt ?? 0) > renewedAfter + 500, { what: 'a renewal after the lock is freed' });
  assert.equal(readLease(h.db)?.owner, scheduler.owner);
  assert.equal((await scheduler.getStatus()).role, 'leader');
  assert.ok(!logs.messages().includes('Scheduler lease lost to another process; standing by'), 'never stepped down');
});
