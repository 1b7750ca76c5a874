// Enqueue and the Queue's reads and controls, without a runner: validation, idempotency,
// transactional enqueue, listing, progress, cancel and retry of jobs that are not running.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Queue, QueueValidationError, UnknownJobTypeError, enqueue, ERROR_LOG_LIMIT } from '../../src/queue/index.ts';
import { endAttempt } from '../../src/store/sqlite/jobs/finish.ts';
import { captureLogs, tempDb, type TempDb } from '../helpers/index.ts';
import type { SqliteStore } from '../../src/store/sqlite/index.ts';
import { loadFixtureJobs } from './helpers.ts';
import type { LoadedJob } from '../../src/jobs/load.ts';

let t: TempDb;
let jobs: LoadedJob[];
let queue: Queue<SqliteStore>;
const woken: string[] = [];

before(async () => {
  t = tempDb();
  jobs = await loadFixtureJobs();
  queue = new Queue({ store: t.store, jobs, logger: captureLogs().logger, onEnqueue: (job) => woken.push(job.id) });
});
after(() => t.cleanup());

const n = (sql: string) => (t.db.prepare(sql).get() as { n: number }).n;
const count = () => n(`SELECT count(*) AS n FROM nightshift_queue_jobs`);

describe('enqueue', () => {
  test('stores a pending job with its envelope and returns it in the API shape', async () => {
    const runAt = new Date(Date.now() + 60_000);
    const { job, created } = queue.enqueue({
      type: 'test.echo',
      payload: { value: 'hi' },
      runAt,
      priority: 7,
      maxAttempts: 5,
      tenantId: 'tenant-1',
      actorId: 'user-1',
      traceId: 'trace-abc',
      requestId: 'req-1',
      createdBy: 'admin',
    });
    assert.equal(created, true);
    assert.equal(job.status, 'pending');
    assert.deepEqual(job.payload, { value: 'hi', waitMs: 0 }, 'the validated value: defaults filled in');
    assert.deepEqual(job.envelope, { tenantId: 'tenant-1', actorId: 'user-1', traceId: 'trace-abc', requestId: 'req-1' });
    assert.equal(job.priority, 7);
    assert.equal(job.maxAttempts, 5);
    assert.equal(job.attempts, 0);
    assert.equal(job.runAt, runAt.toISOString());
    assert.deepEqual(job.progress, { processedItems: 0, totalItems: null, percent: 0 });
    assert.deepEqual(job.errorLog, []);
    assert.equal(job.createdBy, 'admin');
    // What enqueue returned is exactly what a read returns.
    assert.deepEqual(await queue.get(job.id), job);
    assert.ok(woken.includes(job.id), 'onEnqueue is called so a runner can start at once');
  });

  test('generates a W3C-style trace id and uses the definition default for maxAttempts', async () => {
    const { job } = queue.enqueue({ type: 'test.flaky', payload: { failTimes: 0 } });
    assert.match(job.envelope.traceId, /^[0-9a-f]{32}$/);
    assert.equal(job.maxAttempts, 3);
    assert.equal(queue.enqueue({ type: 'test.noop' }).job.maxAttempts, 3, 'no default on the definition: 3');
  });

  test('ids are time-ordered UUIDv7', async () => {
    const a = queue.enqueue({ type: 'test.noop' }).job.id;
    const b = queue.enqueue({ type: 'test.noop' }).job.id;
    assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.ok(a.slice(0, 13) <= b.slice(0, 13));
  });

  test('an invalid payload throws QueueValidationError naming the field; nothing is stored', async () => {
    const before = count();
    const cases: [unknown, string][] = [
      [{ failTimes: 'x' }, 'payload.failTimes'],
      [undefined, 'payload'],
      [{ failTimes: 1.5 }, 'payload.failTimes'],
    ];
    for (const [payload, field] of cases) {
      assert.throws(
        () => queue.enqueue({ type: 'test.flaky', payload }),
        (err: unknown) => err instanceof QueueValidationError && err.field === field && err.issues.length > 0,
        JSON.stringify(payload),
      );
    }
    assert.throws(() => queue.enqueue({ type: 'test.noop', payload: { unexpected: 1 } }), (e: unknown) => e instanceof QueueValidationError && e.field === 'payload');
    assert.throws(() => queue.enqueue({ type: 'test.echo', payload: {}, priority: 1.5 }), (e: unknown) => e instanceof QueueValidationError && e.field === 'priority');
    assert.throws(() => queue.enqueue({ type: 'test.echo', payload: {}, maxAttempts: 0 }), (e: unknown) => e instanceof QueueValidationError && e.field === 'maxAttempts');
    assert.throws(() => queue.enqueue({ type: 'test.echo', payload: {}, runAt: 'tomorrow' }), (e: unknown) => e instanceof QueueValidationError && e.field === 'runAt');
    assert.throws(() => queue.enqueue({ type: 'test.echo', payload: {}, traceId: 'has spaces' }), (e: unknown) => e instanceof QueueValidationError && e.field === 'traceId');
    assert.equal(count(), before);
  });

  test('an unknown type throws UnknownJobTypeError; nothing is stored', async () => {
    const before = count();
    assert.throws(() => queue.enqueue({ type: 'no.such.job' }), (err: unknown) => err instanceof UnknownJobTypeError && err.type === 'no.such.job');
    assert.equal(count(), before);
  });

  test('the same idempotency key returns the existing job (created: false)', async () => {
    const first = queue.enqueue({ type: 'test.echo', payload: { value: 1 }, idempotencyKey: 'order-42' });
    const again = queue.enqueue({ type: 'test.echo', payload: { value: 2 }, idempotencyKey: 'order-42' });
    assert.equal(first.created, true);
    assert.equal(again.created, false);
    assert.equal(again.job.id, first.job.id);
    assert.deepEqual(again.job.payload, { value: 1, waitMs: 0 });
    assert.equal((await queue.list({ limit: 500 })).jobs.filter((j) => j.idempotencyKey === 'order-42').length, 1);
  });
});

describe('enqueue inside the caller\'s transaction', () => {
  test('a rollback leaves no job; a commit stores both the data and the job', async () => {
    t.db.exec(`CREATE TABLE orders (id TEXT PRIMARY KEY)`);
    const placeOrder = t.db.transaction((id: string, fail: boolean) => {
      t.db.prepare(`INSERT INTO orders (id) VALUES (?)`).run(id);
      enqueue(t.store, jobs, { type: 'test.echo', payload: { value: id }, idempotencyKey: `order:${id}` });
      if (fail) throw new Error('payment declined');
    });
    assert.throws(() => placeOrder('o-1', true), /payment declined/);
    assert.equal(n(`SELECT count(*) AS n FROM orders`), 0);
    assert.equal(n(`SELECT count(*) AS n FROM nightshift_queue_jobs WHERE idempotency_key = 'order:o-1'`), 0);

    placeOrder('o-2', false);
    assert.equal(n(`SELECT count(*) AS n FROM orders`), 1);
    assert.equal(n(`SELECT count(*) AS n FROM nightshift_queue_jobs WHERE idempotency_key = 'order:o-2'`), 1);
  });

  test('Queue.enqueue joins an open transaction too', async () => {
    const before = count();
    assert.throws(() =>
      t.db.transaction(() => {
        queue.enqueue({ type: 'test.noop' });
        throw new Error('rollback');
      })(),
    );
    assert.equal(count(), before);
  });
});

describe('reads', () => {
  test('list: newest first, filters, pagination and total', async () => {
    const fresh = tempDb();
    try {
      const q = new Queue({ store: fresh.store, jobs, logger: captureLogs().logger });
      const ids = Array.from({ length: 7 }, (_, i) => q.enqueue({ type: i % 2 ? 'test.noop' : 'test.echo', payload: i % 2 ? undefined : {} }).job.id);
      assert.equal((await q.cancel(ids[0]!)).outcome, 'cancelled');
      const all = await q.list({ limit: 3 });
      assert.equal(all.total, 7);
      assert.deepEqual(all.jobs.map((j) => j.id), ids.slice().reverse().slice(0, 3));
      const page2 = await q.list({ limit: 3, offset: 3 });
      assert.deepEqual(page2.jobs.map((j) => j.id), ids.slice().reverse().slice(3, 6));
      assert.equal((await q.list({ limit: 50, type: 'test.noop' })).total, 3);
      assert.equal((await q.list({ limit: 50, status: 'cancelled' })).total, 1);
      assert.equal((await q.list({ limit: 50, status: 'pending', type: 'test.echo' })).total, 3);
      assert.equal((await q.list({ limit: 10_000 })).jobs.length, 7, 'limit is capped, not rejected');
      assert.deepEqual(await q.counts(), { pending: 6, processing: 0, completed: 0, failed: 0, cancelled: 1 });
    } finally {
      fresh.cleanup();
    }
  });

  test('progress: percent is capped at 99 until completed (seed 003)', async () => {
    const { job } = queue.enqueue({ type: 'test.noop' });
    t.db.prepare(`UPDATE nightshift_queue_jobs SET processed_items = 100, total_items = 100 WHERE id = ?`).run(job.id);
    assert.deepEqual(await queue.progress(job.id), { id: job.id, status: 'pending', processedItems: 100, totalItems: 100, percent: 99 });
    t.db.prepare(`UPDATE nightshift_queue_jobs SET processed_items = 25 WHERE id = ?`).run(job.id);
    assert.equal((await queue.progress(job.id))!.percent, 25);
    t.db.prepare(`UPDATE nightshift_queue_jobs SET status = 'completed', completed_at = 1 WHERE id = ?`).run(job.id);
    assert.equal((await queue.progress(job.id))!.percent, 100);
    assert.equal(await queue.progress('nope'), undefined);
    assert.equal(await queue.get('nope'), undefined);
  });
});

describe('control without a runner', () => {
  test('cancel: pending -> cancelled at once; finished -> finished; unknown -> not_found', async () => {
    const { job } = queue.enqueue({ type: 'test.noop' });
    const first = await queue.cancel(job.id);
    assert.equal(first.outcome, 'cancelled');
    assert.equal(first.job!.status, 'cancelled');
    assert.ok(first.job!.completedAt);
    assert.equal((await queue.cancel(job.id)).outcome, 'finished');
    assert.equal((await queue.cancel('nope')).outcome, 'not_found');
  });

  test('retry: cancelled or failed -> pending with attempts reset; others are not retryable', async () => {
    const { job } = queue.enqueue({ type: 'test.noop' });
    assert.equal((await queue.retry(job.id)).outcome, 'not_retryable');
    await queue.cancel(job.id);
    const retried = await queue.retry(job.id);
    assert.equal(retried.outcome, 'retried');
    assert.equal(retried.job!.status, 'pending');
    assert.equal(retried.job!.attempts, 0);
    assert.equal(retried.job!.completedAt, null);
    assert.equal((await queue.retry('nope')).outcome, 'not_found');
  });

  test(`the error log keeps the newest ${ERROR_LOG_LIMIT} entries`, async () => {
    const { job } = queue.enqueue({ type: 'test.noop', maxAttempts: 100 });
    const claim = t.db.prepare(`UPDATE nightshift_queue_jobs SET status = 'processing', lease_token = ?, attempts = attempts + 1 WHERE id = ?`);
    for (let i = 1; i <= ERROR_LOG_LIMIT + 5; i++) {
      claim.run(`token-${i}`, job.id);
      endAttempt(t.db, { id: job.id, token: `token-${i}`, status: 'pending', error: { attempt: i, message: `failure ${i}` }, now: Date.now() });
    }
    const log = (await queue.get(job.id))!.errorLog;
    assert.equal(log.length, ERROR_LOG_LIMIT);
    assert.equal(log[0]!.message, 'failure 6');
    assert.equal(log.at(-1)!.message, `failure ${ERROR_LOG_LIMIT + 5}`);
    assert.equal((await queue.get(job.id))!.lastError, `failure ${ERROR_LOG_LIMIT + 5}`);
  });
});
