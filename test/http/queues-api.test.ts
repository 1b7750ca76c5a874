// /api/v1/queues over HTTP (issue 14, first step): the queue types with their counts and pause
// state; pause and resume persisted for the whole database, audited with the caller; admin only.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
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
  admin = await bearer('admin');
  staff = await bearer('staff');
});
after(() => t.cleanup());

async function call(method: string, path: string, headers: Record<string, string>) {
  const res = await h.app.request(path, { method, headers });
  return { status: res.status, body: (await res.json()) as Json };
}

test('GET /api/v1/queues: every queue type with its counts, none paused at first', async () => {
  h.queue.enqueue({ type: 'test.echo', payload: { message: 'a' } });
  const r = await call('GET', '/api/v1/queues', admin);
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.queues.map((q: Json) => q.type).sort(), ['test.echo', 'test.slow']);
  const echo = r.body.queues.find((q: Json) => q.type === 'test.echo');
  assert.deepEqual(echo, { type: 'test.echo', paused: false, pausedAt: null, pausedBy: null, counts: { pending: 1, processing: 0, completed: 0, failed: 0, cancelled: 0 } });
});

test('pause and resume: persisted with who and when, repeated calls change nothing, enqueue still accepted', async () => {
  const paused = await call('POST', '/api/v1/queues/test.echo/pause', admin);
  assert.deepEqual(paused.body, { type: 'test.echo', paused: true, changed: true });
  assert.equal((await call('POST', '/api/v1/queues/test.echo/pause', admin)).body.changed, false);
  const row = (await call('GET', '/api/v1/queues', admin)).body.queues.find((q: Json) => q.type === 'test.echo');
  assert.equal(row.paused, true);
  assert.equal(row.pausedBy, 'test-admin');
  assert.ok(Date.parse(row.pausedAt) <= Date.now());
  assert.deepEqual((await h.queue.paused()).map((p) => p.type), ['test.echo'], 'in the database');
  const enqueued = await h.app.request('/api/v1/jobs', { method: 'POST', headers: { ...admin, 'content-type': 'application/json' }, body: JSON.stringify({ type: 'test.echo', data: { message: 'while paused' } }) });
  assert.equal(enqueued.status, 201, 'enqueue is still accepted');
  assert.ok(h.logs.records.some((r) => r.msg === 'Queue type paused' && r.job === 'test.echo' && r.by === 'test-admin'), 'audited');
  assert.deepEqual((await call('POST', '/api/v1/queues/test.echo/resume', admin)).body, { type: 'test.echo', paused: false, changed: true });
  assert.deepEqual(await h.queue.paused(), []);
});

test('an unknown type is 404; staff may not pause; no token is 401', async () => {
  assert.equal((await call('POST', '/api/v1/queues/nope/pause', admin)).body.code, 'NOT_FOUND');
  assert.equal((await call('POST', '/api/v1/queues/test.echo/pause', staff)).status, 403);
  assert.equal((await call('GET', '/api/v1/queues', {})).status, 401);
  assert.deepEqual(await h.queue.paused(), []);
});
