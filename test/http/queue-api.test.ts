// The queue over HTTP (issue 3): seed 003's /api/v1/jobs and seed 004's /api/jobs/enqueue, called
// in-process. Jobs run (where a test needs it) on a real QueueRunner with real worker threads.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { QueueRunner } from '../../src/queue/index.ts';
import { loadJobs } from '../../src/jobs/load.ts';
import { bearer, REPO_ROOT, tempDb, testApp, waitFor, type TempDb, type TestApp } from '../helpers/index.ts';

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

async function call(method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const res = await h.app.request(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Json, headers: res.headers };
}

describe('enqueue', () => {
  test('POST /api/v1/jobs stores a pending job and returns it (201)', async () => {
    const r = await call('POST', '/api/v1/jobs', admin, { type: 'test.echo', data: { message: 'hi' }, priority: 5 });
    assert.equal(r.status, 201);
    assert.equal(r.body.type, 'test.echo');
    assert.equal(r.body.status, 'pending');
    assert.deepEqual(r.body.payload, { message: 'hi' });
    assert.equal(r.body.priority, 5);
    assert.equal(r.body.createdBy, 'test-admin');
    assert.match(r.body.envelope.traceId, /^[\w.:-]+$/);
    assert.equal(r.headers.get('x-trace-id'), r.body.envelope.traceId);
  });

  test('POST /api/jobs/enqueue answers seed 004 shape with the request trace id', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const r = await call('POST', '/api/jobs/enqueue', { ...admin, traceparent: `00-${traceId}-00f067aa0ba902b7-01` }, {
      jobName: 'test.echo',
      payload: { message: 'tenant hello' },
      tenantId: 'tenant-1',
    });
    assert.equal(r.status, 201);
    assert.equal(r.body.data.jobName, 'test.echo');
    assert.equal(r.body.meta.traceId, traceId);
    const job = await call('GET', `/api/v1/jobs/${r.body.data.jobId}`, admin);
    assert.deepEqual(job.body.envelope, { tenantId: 'tenant-1', actorId: 'test-admin', traceId, requestId: null });
    assert.equal(job.body.createdAt, r.body.data.enqueuedAt);
  });

  test('invalid payloads and unknown types are 400s naming the field, and nothing is stored', async () => {
    const before = (await call('GET', '/api/v1/jobs?limit=500', admin)).body.total;
    const cases: [string, unknown, string, string][] = [
      ['/api/v1/jobs', { type: 'test.echo', data: { message: '' } }, 'data.message', 'VALIDATION_ERROR'],
      ['/api/v1/jobs', { type: 'test.echo', data: { message: 'x', count: -1 } }, 'data.count', 'VALIDATION_ERROR'],
      ['/api/v1/jobs', { type: 'test.echo' }, 'data', 'VALIDATION_ERROR'],
      ['/api/v1/jobs', { type: 'no.such.job', data: {} }, 'type', 'UNKNOWN_JOB_TYPE'],
      ['/api/v1/jobs', { type: 'test.echo', data: { message: 'x' }, runAt: 'tomorrow' }, 'runAt', 'VALIDATION_ERROR'],
      ['/api/v1/jobs', { type: 'test.echo', data: { message: 'x' }, maxAttempts: 0 }, 'maxAttempts', 'VALIDATION_ERROR'],
      ['/api/jobs/enqueue', { jobName: 'test.echo', payload: { message: 5 } }, 'payload.message', 'VALIDATION_ERROR'],
      ['/api/jobs/enqueue', { jobName: 'nope', payload: {} }, 'jobName', 'UNKNOWN_JOB_TYPE'],
    ];
    for (const [path, body, field, code] of cases) {
      const r = await call('POST', path, admin, body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.body.code, code, JSON.stringify(r.body));
      assert.equal(r.body.field, field, JSON.stringify(r.body));
    }
    assert.equal((await call('GET', '/api/v1/jobs?limit=500', admin)).body.total, before);
  });

  test('an idempotency key returns the existing job (200) instead of a second one', async () => {
    const body = { type: 'test.echo', data: { message: 'once' }, idempotencyKey: 'order-42' };
    const first = await call('POST', '/api/v1/jobs', admin, body);
    const again = await call('POST', '/api/v1/jobs', admin, body);
    assert.equal(first.status, 201);
    assert.equal(again.status, 200);
    assert.equal(again.body.id, first.body.id);
    // The same key for another type is refused, not answered with the other job.
    const reused = await call('POST', '/api/v1/jobs', admin, { type: 'test.slow', data: { steps: 1 }, idempotencyKey: 'order-42' });
    assert.equal(reused.status, 409);
    assert.equal(reused.body.code, 'IDEMPOTENCY_KEY_REUSED');
    assert.equal(reused.body.jobId, first.body.id);
  });
});

describe('reads and control', () => {
  test('list filters by status and type, newest first, with total and pagination', async () => {
    for (let i = 0; i < 5; i++) await call('POST', '/api/v1/jobs', admin, { type: 'test.slow', data: { steps: 1 } });
    const page1 = await call('GET', '/api/v1/jobs?type=test.slow&limit=2', admin);
    const page2 = await call('GET', '/api/v1/jobs?type=test.slow&limit=2&offset=2', admin);
    assert.equal(page1.body.total, 5);
    assert.equal(page1.body.jobs.length, 2);
    assert.ok(page1.body.jobs.every((j: Json) => j.type === 'test.slow'));
    assert.notEqual(page1.body.jobs[0].id, page2.body.jobs[0].id);
    assert.ok(page1.body.jobs[0].createdAt >= page1.body.jobs[1].createdAt);
    const pending = await call('GET', '/api/v1/jobs?status=pending&type=test.slow', admin);
    assert.equal(pending.body.total, 5);
    assert.equal((await call('GET', '/api/v1/jobs?status=bogus', admin)).status, 400);
    assert.equal((await call('GET', '/api/v1/jobs?limit=501', admin)).status, 400);
  });

  test('cancel a pending job (200), then 409; retry puts it back to pending; unknown ids 404', async () => {
    const { body: job } = await call('POST', '/api/v1/jobs', admin, { type: 'test.echo', data: { message: 'c' } });
    const cancelled = await call('DELETE', `/api/v1/jobs/${job.id}`, admin);
    assert.equal(cancelled.status, 200);
    assert.equal(cancelled.body.job.status, 'cancelled');
    assert.equal((await call('DELETE', `/api/v1/jobs/${job.id}`, admin)).status, 409);
    const retried = await call('POST', `/api/v1/jobs/${job.id}/retry`, admin);
    assert.equal(retried.status, 200);
    assert.equal(retried.body.status, 'pending');
    assert.equal((await call('POST', `/api/v1/jobs/${job.id}/retry`, admin)).status, 409);
    for (const [method, path] of [['GET', '/api/v1/jobs/nope'], ['DELETE', '/api/v1/jobs/nope'], ['POST', '/api/v1/jobs/nope/retry'], ['GET', '/api/v1/jobs/nope/progress']]) {
      assert.equal((await call(method!, path!, admin)).status, 404, `${method} ${path}`);
    }
  });

  test('progress is readable by staff; everything else needs owner or admin; no token is 401', async () => {
    const { body: job } = await call('POST', '/api/v1/jobs', admin, { type: 'test.echo', data: { message: 'p' } });
    const progress = await call('GET', `/api/v1/jobs/${job.id}/progress`, staff);
    assert.equal(progress.status, 200);
    assert.deepEqual(progress.body, { id: job.id, status: 'pending', processedItems: 0, totalItems: null, percent: 0 });
    for (const [method, path] of [['GET', '/api/v1/jobs'], ['POST', '/api/v1/jobs'], ['GET', `/api/v1/jobs/${job.id}`], ['DELETE', `/api/v1/jobs/${job.id}`], ['POST', `/api/v1/jobs/${job.id}/retry`], ['POST', '/api/jobs/enqueue']]) {
      const r = await call(method!, path!, staff, method === 'POST' ? { type: 'test.echo', data: { message: 'x' } } : undefined);
      assert.equal(r.status, 403, `${method} ${path}`);
      assert.equal(r.body.error, 'Insufficient permissions');
      const anon = await h.app.request(path!, { method });
      assert.equal(anon.status, 401, `${method} ${path} without a token`);
    }
  });
});

describe('with a runner', () => {
  let runner: QueueRunner;
  before(async () => {
    runner = new QueueRunner({ store: t.store, jobs: await loadJobs(JOBS), logger: h.logs.logger, workers: 1, pollIntervalMs: 20 });
    await runner.start();
  });
  after(() => runner.stop(2_000));

  test('a job enqueued over HTTP runs; its trace id is on the job, its run and its log lines', async () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const r = await call('POST', '/api/jobs/enqueue', { ...admin, traceparent: `00-${traceId}-b7ad6b7169203331-01` }, { jobName: 'test.echo', payload: { message: 'traced' } });
    runner.wake();
    const job = await waitFor(async () => {
      const j = (await call('GET', `/api/v1/jobs/${r.body.data.jobId}`, admin)).body;
      return j.status === 'completed' ? j : null;
    }, { what: 'job completed' });
    assert.deepEqual(job.result, { echoed: 'traced' });
    assert.equal(job.envelope.traceId, traceId);
    const runs = (await call('GET', `/api/jobs/runs?name=test.echo&trigger=queue`, admin)).body.runs as Json[];
    const run = runs.find((x) => x.jobId === job.id);
    assert.ok(run, 'a nightshift_job_runs row for the job');
    assert.equal(run.traceId, traceId);
    assert.equal(run.status, 'success');
    const line = h.logs.records.find((rec) => rec.msg === 'echo ran' && rec.message === 'traced');
    assert.equal(line?.traceId, traceId);
  });

  test('a running job shows progress and can be cancelled over HTTP', async () => {
    const { body: job } = await call('POST', '/api/v1/jobs', admin, { type: 'test.slow', data: { steps: 500 }, priority: 100 });
    runner.wake();
    await waitFor(async () => (await call('GET', `/api/v1/jobs/${job.id}/progress`, staff)).body.processedItems > 2, { what: 'progress' });
    const p = (await call('GET', `/api/v1/jobs/${job.id}/progress`, staff)).body;
    assert.equal(p.status, 'processing');
    assert.equal(p.totalItems, 500);
    assert.ok(p.percent >= 0 && p.percent < 100);
    const cancel = await call('DELETE', `/api/v1/jobs/${job.id}`, admin);
    assert.equal(cancel.status, 202);
    assert.equal(cancel.body.outcome, 'cancelling');
    await waitFor(async () => (await call('GET', `/api/v1/jobs/${job.id}`, admin)).body.status === 'cancelled', { what: 'cancelled' });
  });
});
