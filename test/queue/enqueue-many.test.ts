// Queue.enqueueMany (issue 11): many jobs at once, all or nothing, in order, with idempotency keys
// honoured against stored jobs and inside the batch, in the caller's transaction when asked; and a
// batch processed by a real runner, with a capped type's backlog not holding up other types.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BatchTooLargeError, MAX_BATCH_JOBS } from '../../src/queue/enqueue-many.ts';
import { IdempotencyKeyReusedError, PayloadTooLargeError, Queue, QueueValidationError } from '../../src/queue/index.ts';
import type { SqliteStore } from '../../src/store/sqlite/index.ts';
import { captureLogs, tempDb, waitFor, type TempDb } from '../helpers/index.ts';
import { harness, loadFixtureJobs } from './helpers.ts';

let t: TempDb;
let queue: Queue<SqliteStore>;
const woken: string[] = [];

before(async () => {
  t = tempDb();
  queue = new Queue({ store: t.store, jobs: await loadFixtureJobs(), logger: captureLogs().logger, onEnqueue: (job) => woken.push(job.id), limits: { maxPayloadBytes: 1_000 } });
  t.db.exec(`CREATE TABLE orders (id TEXT PRIMARY KEY)`);
});
after(() => t.cleanup());

const count = () => (t.db.prepare(`SELECT count(*) AS n FROM nightshift_queue_jobs`).get() as { n: number }).n;

describe('enqueueMany', () => {
  test('stores every job, answers in order with the stored shape, wakes the runner for each', async () => {
    const before = count();
    const results = queue.enqueueMany([
      { type: 'test.echo', payload: { value: 1 } },
      { type: 'test.echo', payload: { value: 2, extra: 'dropped' }, priority: 3 },
      { type: 'test.noop' },
    ]);
    assert.deepEqual(results.map((r) => r.created), [true, true, true]);
    assert.deepEqual(results.map((r) => r.job.type), ['test.echo', 'test.echo', 'test.noop']);
    assert.deepEqual(results[1]!.job.payload, { value: 2, waitMs: 0 }, 'the validated value, unknown keys stripped');
    assert.equal(count(), before + 3);
    for (const r of results) assert.deepEqual(await queue.get(r.job.id), r.job, 'what it answered is what is stored');
    assert.ok(results.every((r) => woken.includes(r.job.id)));
    assert.deepEqual(queue.enqueueMany([]), []);
  });

  test('one invalid item stores nothing, and the error names every bad item by index', () => {
    const before = count();
    assert.throws(
      () =>
        queue.enqueueMany([
          { type: 'test.echo', payload: { value: 'ok' } },
          { type: 'test.echo', payload: { waitMs: -1 } },
          { type: 'test.echo', payload: 'not an object' },
          { type: 'no.such.type' },
          { type: 'test.echo', payload: {}, priority: 1.5 },
        ]),
      (err: unknown) => {
        assert.ok(err instanceof QueueValidationError);
        assert.deepEqual(err.issues.map((i) => i.field), ['jobs.1.payload.waitMs', 'jobs.2.payload', 'jobs.3.type', 'jobs.4.priority']);
        return true;
      },
    );
    assert.equal(count(), before, 'the valid items were not stored either');
  });

  test('a payload over the limit in any item refuses the batch and names the item', () => {
    const before = count();
    assert.throws(
      () => queue.enqueueMany([{ type: 'test.echo', payload: {} }, { type: 'test.echo', payload: { value: 'x'.repeat(2_000) } }]),
      (err: unknown) => err instanceof PayloadTooLargeError && err.field === 'jobs.1.payload',
    );
    assert.equal(count(), before);
  });

  test(`more than ${MAX_BATCH_JOBS} jobs are refused before anything is checked or stored`, () => {
    const before = count();
    const inputs = Array.from({ length: MAX_BATCH_JOBS + 1 }, () => ({ type: 'test.noop' }));
    assert.throws(() => queue.enqueueMany(inputs), BatchTooLargeError);
    assert.equal(count(), before);
    assert.equal(queue.enqueueMany(inputs.slice(1)).length, MAX_BATCH_JOBS, 'exactly the maximum is accepted');
  });

  test('idempotency keys: a stored job answers its key, the first item with a key wins inside the batch', () => {
    const stored = queue.enqueue({ type: 'test.echo', payload: {}, idempotencyKey: 'batch-held' }).job;
    const results = queue.enqueueMany([
      { type: 'test.echo', payload: {}, idempotencyKey: 'batch-held' },
      { type: 'test.echo', idempotencyKey: 'batch-new', payload: { value: 'first' } },
      { type: 'test.echo', idempotencyKey: 'batch-new', payload: { value: 'second' } },
    ]);
    assert.deepEqual(results.map((r) => r.created), [false, true, false]);
    assert.equal(results[0]!.job.id, stored.id);
    assert.equal(results[2]!.job.id, results[1]!.job.id);
    assert.deepEqual(results[2]!.job.payload, { value: 'first', waitMs: 0 });
  });

  test('a key held by a job of another type refuses the whole batch', () => {
    queue.enqueue({ type: 'test.echo', payload: {}, idempotencyKey: 'typed-key' });
    const before = count();
    assert.throws(() => queue.enqueueMany([{ type: 'test.noop' }, { type: 'test.noop', idempotencyKey: 'typed-key' }]), IdempotencyKeyReusedError);
    assert.throws(() => queue.enqueueMany([{ type: 'test.noop', idempotencyKey: 'in-batch' }, { type: 'test.echo', payload: {}, idempotencyKey: 'in-batch' }]), IdempotencyKeyReusedError);
    assert.equal(count(), before, 'nothing of either batch was stored');
  });

  test("inside the caller's transaction: the jobs commit and roll back with the caller's rows", () => {
    const placeOrders = t.db.transaction((ids: string[], fail: boolean) => {
      for (const id of ids) t.db.prepare(`INSERT INTO orders (id) VALUES (?)`).run(id);
      queue.enqueueMany(ids.map((id) => ({ type: 'test.echo', payload: { value: id }, idempotencyKey: `order-${id}` })), { connection: t.db });
      if (fail) throw new Error('payment declined');
    });
    assert.throws(() => placeOrders(['a', 'b'], true), /payment declined/);
    const jobsFor = (ids: string[]) => (t.db.prepare(`SELECT count(*) AS n FROM nightshift_queue_jobs WHERE idempotency_key IN (SELECT 'order-' || value FROM json_each(?))`).get(JSON.stringify(ids)) as { n: number }).n;
    assert.equal(jobsFor(['a', 'b']), 0, 'rolled back with the orders');
    placeOrders(['c', 'd'], false);
    assert.equal(jobsFor(['c', 'd']), 2, 'committed with the orders');
    assert.equal((t.db.prepare(`SELECT count(*) AS n FROM orders`).get() as { n: number }).n, 2);
  });
});

describe('a batch on a running runner', () => {
  test("every job of a batch runs once; a capped type's backlog does not hold up another type", async () => {
    const h = await harness({ workers: 3 });
    try {
      // 300 capped jobs (cap 2, 100 ms each) first, so two threads are busy with them for 15 s: a
      // claim that read the ready jobs in order would keep finding only capped jobs; the echo jobs
      // behind them must still start at once on the third thread.
      h.queue.enqueueMany(Array.from({ length: 300 }, () => ({ type: 'test.capped' })));
      await h.runner.start();
      const echoes = h.queue.enqueueMany(Array.from({ length: 50 }, (_, i) => ({ type: 'test.echo', payload: { value: i } })));
      await waitFor(async () => {
        const states = await Promise.all(echoes.map((e) => h.queue.get(e.job.id)));
        return states.every((s) => s?.status === 'completed');
      }, { timeoutMs: 20_000, what: 'the echo jobs completed' });
      const capped = await h.queue.counts();
      assert.ok(capped.pending > 200, `the echo jobs finished while the capped backlog still waits (${capped.pending} pending)`);
      const runs = h.t.db.prepare(`SELECT count(*) AS n FROM nightshift_job_runs WHERE name = 'test.echo' AND status = 'success'`).get() as { n: number };
      assert.equal(runs.n, 50, 'each echo job ran exactly once');
    } finally {
      await h.close();
    }
  });
});
