// createNightshift itself: options are checked once (a bad one names itself, Bree's 'local' zone is
// accepted as the reference app accepts it), and a scheduled job registered after start() joins the
// running scheduler and fires on its schedule in a worker thread.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { createNightshift, NightshiftOptionsError } from '../../src/index.ts';
import { loadJobFile } from '../../src/jobs/load.ts';
import { REPO_ROOT, tempDb, waitFor } from '../helpers/index.ts';

const QUEUE_JOBS = join(REPO_ROOT, 'test', 'fixtures', 'queue-jobs');
const TICK_JOB = join(REPO_ROOT, 'test', 'fixtures', 'jobs-every-second', 'tick-job.ts');

test('options: a bad one is refused naming it; the zones cron accepts, local included, pass', () => {
  assert.throws(() => createNightshift({ database: 'x.db', jobs: [], timezone: 'Mars/Olympus' }), (err: Error) => err instanceof NightshiftOptionsError && /timezone: unknown time zone "Mars\/Olympus"/.test(err.message));
  assert.throws(() => createNightshift({ database: 'x.db', jobs: [], workers: -1 }), (err: Error) => err instanceof NightshiftOptionsError && /workers/.test(err.message));
  for (const timezone of ['UTC', 'Europe/Paris', 'local', 'system']) assert.equal(createNightshift({ database: 'x.db', jobs: [], timezone }).options.timezone, timezone);
});

test('a scheduled job registered after start() fires on its schedule', { timeout: 30_000 }, async (t) => {
  const db = tempDb();
  const ns = createNightshift({ database: db.db, jobs: QUEUE_JOBS, logLevel: 'silent', workers: 0, schedulerLeaseMs: 2_000, shutdownGraceMs: 2_000 });
  t.after(async () => {
    await ns.stop();
    db.cleanup();
  });
  await ns.start();
  assert.equal(ns.scheduler.list().length, 0, 'the queue fixtures have no schedule');
  await ns.scheduler.register(await loadJobFile(TICK_JOB));
  assert.deepEqual(ns.scheduler.list().map((j) => j.definition.name), ['fixture.tick']);
  const run = await waitFor(async () => (await ns.runs.list({ name: 'fixture.tick', status: 'success', limit: 1 }))[0], { timeoutMs: 15_000, what: 'a scheduled run' });
  assert.equal(run.trigger, 'schedule');
  assert.deepEqual(run.details, { ticked: true });
  assert.equal((await ns.scheduler.getJobStatus('fixture.tick'))?.nextRun !== null, true);
});

test("start({ scheduler: 'manual', runnerTypes }): no lease, no cron, runNow works, only the named types are claimed", { timeout: 30_000 }, async (t) => {
  const db = tempDb();
  const ns = createNightshift({ database: db.db, jobs: [QUEUE_JOBS, TICK_JOB], logLevel: 'silent', workers: 1, shutdownGraceMs: 2_000 });
  t.after(async () => {
    await ns.stop();
    db.cleanup();
  });
  await ns.start({ scheduler: 'manual', runnerTypes: ['test.echo'] });
  assert.equal((await ns.scheduler.getStatus()).leaseHolder, null, 'the lease stays with the app');
  const handle = await ns.scheduler.runNow('fixture.tick');
  assert.equal((await handle.done).status, 'success');
  assert.equal((await ns.runs.list({ name: 'fixture.tick', trigger: 'schedule', limit: 1 })).length, 0, 'no cron tick fired');
  const echo = ns.enqueue('test.echo', { value: 1 }).job.id;
  const noop = ns.enqueue('test.noop').job.id;
  await waitFor(async () => (await ns.queue.get(echo))?.status === 'completed', { what: 'the echo job to complete' });
  assert.equal((await ns.queue.get(noop))?.status, 'pending', 'a type outside runnerTypes is left to other runners');
});
