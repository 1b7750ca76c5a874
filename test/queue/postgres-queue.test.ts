// The Queue (enqueue, reads, controls) on the PostgreSQL store, without a runner: what the API and
// ns.enqueue will do on PostgreSQL. Enqueue answers with a promise there; validation still throws
// synchronously, before anything is stored.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LoadedJob } from '../../src/jobs/load.ts';
import { IdempotencyKeyReusedError, Queue, QueueValidationError, UnknownJobTypeError } from '../../src/queue/index.ts';
import { openPostgresStore, type PostgresStore } from '../../src/store/postgres/index.ts';
import { captureLogs } from '../helpers/index.ts';
import { testPostgres } from '../helpers/postgres.ts';
import { loadFixtureJobs } from './helpers.ts';

const server = await testPostgres();

if (!server.available) {
  test('Queue on PostgreSQL', { skip: server.skip }, () => {});
} else {
  const { pg: db } = server;
  let store: PostgresStore;
  let jobs: LoadedJob[];
  let queue: Queue<PostgresStore>;
  const woken: string[] = [];

  const count = async () => (await db.admin.query(`SELECT count(*)::int AS n FROM "${store.schema}".queue_jobs`)).rows[0].n as number;

  describe('Queue on PostgreSQL', () => {
    // Inside the suite: its after() runs before the helper's, which drops the file's database.
    before(async () => {
      store = openPostgresStore(db.url, { schema: db.schemaName('queue'), max: 3 });
      await store.migrate();
      jobs = await loadFixtureJobs();
      queue = new Queue({ store, jobs, logger: captureLogs().logger, onEnqueue: (job) => woken.push(job.id) });
    });
    after(async () => {
      await store.close();
      await db.dropSchema(store.schema);
    });

    test('enqueue answers with a promise of the stored job, exactly what a read returns', async () => {
      const runAt = new Date(Date.now() + 60_000);
      const pending = queue.enqueue({ type: 'test.echo', payload: { value: 'hi' }, runAt, priority: 7, tenantId: 't-1', requestId: 'r-1' });
      assert.ok(pending instanceof Promise);
      const { job, created } = await pending;
      assert.equal(created, true);
      assert.deepEqual(job.payload, { value: 'hi', waitMs: 0 });
      assert.equal(job.runAt, runAt.toISOString());
      assert.deepEqual(await queue.get(job.id), job);
      assert.ok(woken.includes(job.id));
    });

    test('an invalid payload or an unknown type throws at once, and nothing is stored', async () => {
      const before = await count();
      assert.throws(() => queue.enqueue({ type: 'test.echo', payload: { waitMs: -1 } }), QueueValidationError);
      assert.throws(() => queue.enqueue({ type: 'no.such.type', payload: {} }), UnknownJobTypeError);
      assert.equal(await count(), before);
    });

    test('a repeated idempotency key answers the stored job', async () => {
      const first = await queue.enqueue({ type: 'test.echo', payload: { value: 1 }, idempotencyKey: 'pg-queue-key' });
      const again = await queue.enqueue({ type: 'test.echo', payload: { value: 2 }, idempotencyKey: 'pg-queue-key' });
      assert.deepEqual([first.created, again.created], [true, false]);
      assert.equal(again.job.id, first.job.id);
      assert.deepEqual(again.job.payload, { value: 1, waitMs: 0 });
    });

    test('enqueueMany: all or nothing, one result per job, keys inside the batch', async () => {
      const results = await queue.enqueueMany([
        { type: 'test.echo', payload: { value: 'a' }, idempotencyKey: 'batch-a' },
        { type: 'test.echo', payload: { value: 'b' } },
        { type: 'test.echo', payload: { value: 'a2' }, idempotencyKey: 'batch-a' },
      ]);
      assert.deepEqual(results.map((r) => r.created), [true, true, false]);
      assert.equal(results[2]!.job.id, results[0]!.job.id);
      const before = await count();
      assert.throws(() => queue.enqueueMany([{ type: 'test.echo', payload: {} }, { type: 'test.echo', payload: { waitMs: 'x' } }]), QueueValidationError);
      assert.equal(await count(), before);
    });

    test('a key already held by a job of another type is refused, for one job and for a batch, and nothing is stored', async () => {
      await queue.enqueue({ type: 'test.echo', payload: {}, idempotencyKey: 'typed-key' });
      const before = await count();
      await assert.rejects(async () => queue.enqueue({ type: 'test.flaky', payload: { failTimes: 0 }, idempotencyKey: 'typed-key' }), IdempotencyKeyReusedError);
      await assert.rejects(
        async () => queue.enqueueMany([{ type: 'test.flaky', payload: { failTimes: 0 } }, { type: 'test.flaky', payload: { failTimes: 0 }, idempotencyKey: 'typed-key' }]),
        IdempotencyKeyReusedError,
      );
      assert.equal(await count(), before);
    });

    test("enqueue with the app's client commits and rolls back with the app's transaction", async () => {
      const client = await db.admin.connect();
      try {
        await client.query('BEGIN');
        const kept = await queue.enqueue({ type: 'test.echo', payload: { value: 'kept' } }, { connection: client });
        await client.query('COMMIT');
        await client.query('BEGIN');
        const dropped = await queue.enqueue({ type: 'test.echo', payload: { value: 'dropped' } }, { connection: client });
        const many = await queue.enqueueMany([{ type: 'test.echo', payload: {} }], { connection: client });
        await client.query('ROLLBACK');
        assert.equal((await queue.get(kept.job.id))!.status, 'pending');
        assert.equal(await queue.get(dropped.job.id), undefined);
        assert.equal(await queue.get(many[0]!.job.id), undefined);
      } finally {
        client.release();
      }
    });

    test('list, counts, cancel and retry', async () => {
      const { job } = await queue.enqueue({ type: 'test.flaky', payload: { failTimes: 0 } });
      const listed = await queue.list({ type: 'test.flaky', limit: 10 });
      assert.deepEqual(listed.jobs.map((j) => j.id), [job.id]);
      assert.equal(listed.total, 1);
      const cancelled = await queue.cancel(job.id);
      assert.equal(cancelled.outcome, 'cancelled');
      assert.equal(cancelled.job!.status, 'cancelled');
      assert.equal((await queue.list({ status: 'cancelled', limit: 10 })).total, 1);
      const retried = await queue.retry(job.id);
      assert.equal(retried.outcome, 'retried');
      assert.equal(retried.job!.status, 'pending');
      assert.deepEqual(await queue.progress(job.id), { id: job.id, status: 'pending', processedItems: 0, totalItems: null, percent: 0 });
      const counts = await queue.counts();
      assert.equal(counts.cancelled, 0);
      assert.equal(counts.pending, await count());
      assert.equal((await queue.cancel('missing')).outcome, 'not_found');
    });
  });
}
