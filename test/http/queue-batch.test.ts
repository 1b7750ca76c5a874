// POST /api/v1/jobs/batch (issue 11), in-process: many jobs in one request, all or nothing, items
// shaped like POST /api/v1/jobs, errors naming the item by index, idempotency keys honoured
// against stored jobs and inside the batch, 413 beyond the maximum, admin only.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MAX_BATCH_JOBS } from '../../src/queue/enqueue-many.ts';
import { bearer, REPO_ROOT, tempDb, testApp, type TempDb, type TestApp } from '../helpers/index.ts';

const JOBS = join(REPO_ROOT, 'test', 'fixtures', 'http-queue-jobs');
type Json = Record<string, any>;

let t: TempDb;
let h: TestApp;
let admin: Record<string, string>;
let staff: Record<string, string>;

before(async () => {
  t = tempDb();
  h = await testApp(t, { enabled: false, jobsDir: JOBS });
  admin = { ...(await bearer('admin')), 'content-type': 'application/json' };
  staff = { ...(await bearer('staff')), 'content-type': 'application/json' };
});
after(() => t.cleanup());

async function batch(jobs: unknown, headers = admin) {
  const res = await h.app.request('/api/v1/jobs/batch', { method: 'POST', headers, body: JSON.stringify({ jobs }) });
  return { status: res.status, body: (await res.json()) as Json };
}
const stored = () => (t.db.prepare(`SELECT count(*) AS n FROM nightshift_queue_jobs`).get() as { n: number }).n;

describe('POST /api/v1/jobs/batch', () => {
  test('stores every item and answers each job in order (201)', async () => {
    const r = await batch([
      { type: 'test.echo', data: { message: 'one' } },
      { type: 'test.echo', data: { message: 'two' }, priority: 4, idempotencyKey: 'batch-two' },
    ]);
    assert.equal(r.status, 201);
    assert.equal(r.body.created, 2);
    assert.deepEqual(r.body.results.map((x: Json) => [x.created, x.job.payload.message, x.job.status]), [
      [true, 'one', 'pending'],
      [true, 'two', 'pending'],
    ]);
    assert.equal(r.body.results[1].job.priority, 4);
    assert.equal(r.body.results[0].job.createdBy, 'test-admin');
    const single = await h.app.request(`/api/v1/jobs/${r.body.results[0].job.id}`, { headers: admin });
    assert.deepEqual(await single.json(), r.body.results[0].job, 'the answer is the stored job');
  });

  test('a batch of repeats answers the existing jobs with 200 and stores nothing', async () => {
    const before = stored();
    const r = await batch([
      { type: 'test.echo', data: { message: 'again' }, idempotencyKey: 'batch-two' },
      { type: 'test.echo', data: { message: 'again' }, idempotencyKey: 'batch-two' },
    ]);
    assert.equal(r.status, 200);
    assert.equal(r.body.created, 0);
    assert.deepEqual(r.body.results.map((x: Json) => x.job.payload.message), ['two', 'two']);
    assert.equal(stored(), before);
  });

  test('an invalid item refuses the batch with a 400 naming each bad item as the client spelled it', async () => {
    const before = stored();
    const r = await batch([{ type: 'test.echo', data: { message: 'fine' } }, { type: 'test.echo', data: { message: '' } }, { type: 'nope' }]);
    assert.equal(r.status, 400);
    assert.equal(r.body.code, 'VALIDATION_ERROR');
    assert.equal(r.body.field, 'jobs.1.data.message');
    assert.deepEqual(r.body.issues.map((i: Json) => i.field), ['jobs.1.data.message', 'jobs.2.type']);
    assert.equal(stored(), before, 'the valid item was not stored');
  });

  test('item shape errors (before any job schema) name the item too', async () => {
    const r = await batch([{ type: 'test.echo', data: { message: 'x' }, priority: 'high' }]);
    assert.equal(r.status, 400);
    assert.equal(r.body.field, 'jobs.0.priority');
    const empty = await batch([]);
    assert.equal(empty.status, 400);
    assert.equal(empty.body.field, 'jobs');
  });

  test(`more than ${MAX_BATCH_JOBS} jobs: 413 BATCH_TOO_LARGE, nothing stored`, async () => {
    const before = stored();
    const r = await batch(Array.from({ length: MAX_BATCH_JOBS + 1 }, () => ({ type: 'test.echo', data: { message: 'm' } })));
    assert.equal(r.status, 413);
    assert.equal(r.body.code, 'BATCH_TOO_LARGE');
    assert.match(r.body.error, /at most 1000 jobs/);
    assert.equal(stored(), before);
  });

  test('a key held by a job of another type: 409 naming the item, nothing stored', async () => {
    const before = stored();
    const r = await batch([
      { type: 'test.echo', data: { message: 'new' } },
      { type: 'test.slow', data: { steps: 1 }, idempotencyKey: 'batch-two' },
    ]);
    assert.equal(r.status, 409);
    assert.equal(r.body.code, 'IDEMPOTENCY_KEY_REUSED');
    assert.equal(r.body.field, 'jobs.1.idempotencyKey');
    assert.equal(stored(), before);
  });

  test('staff may not enqueue; no token is 401', async () => {
    assert.equal((await batch([{ type: 'test.echo', data: { message: 'x' } }], staff)).status, 403);
    assert.equal((await batch([{ type: 'test.echo', data: { message: 'x' } }], { 'content-type': 'application/json' })).status, 401);
  });
});
