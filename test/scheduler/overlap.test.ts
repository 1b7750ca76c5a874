// No overlapping runs of one job: while an every-second job is still in its 2.5 s run, each tick is
// recorded as a 'skipped' row (not silently dropped) and a manual trigger is refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JobAlreadyRunningError } from '../../src/scheduler/errors.ts';
import { waitFor } from '../helpers/index.ts';
import { BOUNDED, FIXTURE_DIRS, harness, runRows } from '../helpers/scheduler-fixtures.ts';

const SLOW = 'fixture.slow';

test('ticks that find the job still running are recorded as skipped, and runNow is refused', BOUNDED, async (t) => {
  const h = harness(t);
  const { scheduler, logs } = await h.scheduler(FIXTURE_DIRS.slow, { leaseMs: 1_000 });
  await scheduler.start();

  const first = await waitFor(() => runRows(h.db, SLOW).find((r) => r.status === 'running'), { what: 'the first scheduled run' });
  // Usually a tick; 'catch-up' when a second boundary passed between the job being first seen and
  // the timers starting (a due time nobody ran: catching it up is the documented rule).
  assert.ok(['schedule', 'catch-up'].includes(first.trigger), first.trigger);

  // While it runs (2.5 s), a manual trigger gets JobAlreadyRunningError (the API's 409)...
  await assert.rejects(
    () => scheduler.runNow(SLOW),
    (err: unknown) => err instanceof JobAlreadyRunningError && err.runningRunId === first.id,
  );

  // ...and the next every-second ticks are written down as skipped, naming the run still going.
  const skipped = await waitFor(
    () => {
      const rows = runRows(h.db, SLOW).filter((r) => r.status === 'skipped');
      return rows.length >= 1 ? rows : undefined;
    },
    { what: 'a skipped tick' },
  );
  for (const row of skipped) {
    assert.equal(row.trigger, 'schedule');
    assert.match(row.error ?? '', /still running/i);
    assert.ok(row.error?.includes(first.id), 'the skip names the run that was still going');
    assert.notEqual(row.ended_at, null, 'a skip is a closed row');
  }
  assert.ok(logs.messages().includes('Skipped a run: the previous run is still going'));

  // The running run itself was not disturbed: it finishes successfully.
  await waitFor(() => runRows(h.db, SLOW).find((r) => r.id === first.id && r.status !== 'running'), { what: 'the first run to end' });
  assert.equal(runRows(h.db, SLOW).find((r) => r.id === first.id)?.status, 'success');
  // Never two 'running' rows for the job at once.
  assert.ok(runRows(h.db, SLOW).filter((r) => r.status === 'running').length <= 1);
});
