// ns.register after start: a job file no folder held at start becomes a queue type this process's
// runner runs in its worker threads (the threads import it first, and a thread started later, e.g.
// after a crash, imports it too), the OpenAPI document and the dashboard list it, and a name that
// is already taken is refused with an error naming both files.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { createNightshift, DuplicateJobError, NightshiftNotStartedError, type Nightshift } from '../../src/index.ts';
import { REPO_ROOT, tempDb, waitFor } from '../helpers/index.ts';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures');
const QUEUE_JOBS = join(FIXTURES, 'queue-jobs');
const LATE_ECHO = join(FIXTURES, 'late-jobs', 'late-echo.ts');
const ECHO_AGAIN = join(FIXTURES, 'late-jobs', 'echo-again.ts');
const TICK_JOB = join(FIXTURES, 'jobs-every-second', 'tick-job.ts');

async function finished(ns: Nightshift, id: string) {
  return waitFor(async () => {
    const job = await ns.queue.get(id);
    return job && ['completed', 'failed', 'cancelled'].includes(job.status) ? job : undefined;
  }, { timeoutMs: 15_000, what: `job ${id} to finish` });
}

function started(options: { workers: number }) {
  const db = tempDb();
  const ns = createNightshift({ database: db.db, jobs: QUEUE_JOBS, logLevel: 'silent', workers: options.workers, shutdownGraceMs: 2_000 });
  return { db, ns, close: async () => (await ns.stop(), db.cleanup()) };
}

test('register before start() is refused: the jobs option is the place for jobs known up front', async () => {
  const ns = createNightshift({ database: 'unused.db', jobs: QUEUE_JOBS, logLevel: 'silent' });
  await assert.rejects(ns.register(LATE_ECHO), NightshiftNotStartedError);
});

test('a queue job type registered after start is enqueued, run in a worker thread, and listed by the API and the dashboard', { timeout: 60_000 }, async (t) => {
  const { ns, close } = started({ workers: 2 });
  t.after(close);
  await ns.start();
  const routes = ns.routes({ authorize: () => ({ role: 'admin', actor: 'test' }) });
  const openapi = async () => (await routes.request('/api/openapi.json')).text();
  const dashboardQueue = async () => (await routes.request('/queue')).text();

  assert.doesNotMatch(await openapi(), /late\.echo/);
  assert.doesNotMatch(await dashboardQueue(), /late\.echo/);
  assert.throws(() => ns.enqueue('late.echo', { value: 'x' }), /late\.echo/, 'unknown before it is registered');

  const added = await ns.register(LATE_ECHO);
  assert.deepEqual(added.map((j) => j.definition.name), ['late.echo']);
  assert.ok(ns.jobs.some((j) => j.definition.name === 'late.echo'));

  // Enqueued right after register resolves; both threads can take it (two jobs at once).
  const ids = [ns.enqueue('late.echo', { value: 'one' }).job.id, ns.enqueue('late.echo', { value: 'two' }).job.id];
  for (const [i, id] of ids.entries()) {
    const job = await finished(ns, id);
    assert.equal(job.status, 'completed', job.lastError ?? '');
    const result = job.result as { echo: string; inWorkerThread: boolean; threadId: number };
    assert.equal(result.echo, ['one', 'two'][i]);
    assert.equal(result.inWorkerThread, true);
    assert.notEqual(result.threadId, 0);
  }
  assert.throws(() => ns.enqueue('late.echo', { value: 1 }), /payload\.value/, 'its payload schema is enforced');

  const document = JSON.parse(await openapi()) as unknown;
  assert.match(JSON.stringify(document), /late\.echo/, 'the OpenAPI document lists the new type');
  assert.match(await dashboardQueue(), /late\.echo/, 'the dashboard lists the new type');
  assert.match(await (await routes.request('/queue/new')).text(), /late\.echo/, 'and offers it in the enqueue form');
});

test('a thread started after register (a crash replaced it) can run the new type too', { timeout: 60_000 }, async (t) => {
  const { ns, close } = started({ workers: 1 });
  t.after(close);
  await ns.start();
  await ns.register(LATE_ECHO);
  const before = (await finished(ns, ns.enqueue('late.echo', { value: 'before' }).job.id)).result as { threadId: number };
  assert.equal((await finished(ns, ns.enqueue('test.crash').job.id)).status, 'failed');
  const after = await finished(ns, ns.enqueue('late.echo', { value: 'after' }).job.id);
  assert.equal(after.status, 'completed', after.lastError ?? '');
  assert.notEqual((after.result as { threadId: number }).threadId, before.threadId, 'ran on the replacement thread');
});

test('a taken name is refused with both files named, and nothing is added', { timeout: 60_000 }, async (t) => {
  const { ns, close } = started({ workers: 1 });
  t.after(close);
  await ns.start();
  const types = ns.queue.types.names().length;
  await assert.rejects(ns.register(ECHO_AGAIN), (err: Error) => {
    assert.ok(err instanceof DuplicateJobError);
    assert.match(err.message, /^Job "test\.echo" is already registered \(from .*queue-jobs\/echo\.ts\); .*late-jobs\/echo-again\.ts declares the same name$/);
    return true;
  });
  // A list with one taken name adds none of its jobs.
  await assert.rejects(ns.register([LATE_ECHO, ECHO_AGAIN]), DuplicateJobError);
  assert.equal(ns.queue.types.names().length, types);
  await ns.register(LATE_ECHO);
  await assert.rejects(ns.register(LATE_ECHO), /Job "late\.echo" is already registered/, 'registering the same file twice too');
});

test('a scheduled job registered through ns.register runs on its schedule and can be enqueued', { timeout: 60_000 }, async (t) => {
  const { ns, close } = started({ workers: 1 });
  t.after(close);
  await ns.start();
  await ns.register(TICK_JOB);
  assert.deepEqual(ns.scheduler.list().map((j) => j.definition.name), ['fixture.tick']);
  const job = await finished(ns, ns.enqueue('fixture.tick').job.id);
  assert.equal(job.status, 'completed', job.lastError ?? '');
  await waitFor(async () => (await ns.runs.list({ name: 'fixture.tick', trigger: 'schedule', status: 'success', limit: 1 }))[0], { timeoutMs: 15_000, what: 'a scheduled run' });
});
