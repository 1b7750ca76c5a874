// What a hostile or careless client can send to the queue API, and what comes back (issue 12):
// the validated payload is what is stored (unknown keys dropped), stored payloads are bounded in
// bytes (413 naming the limit), runAt is bounded in time, ids and keys refuse control characters
// and lone surrogates, and every API answer carries nosniff and a no-store cache policy.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_ENQUEUE_LIMITS } from '../../src/queue/index.ts';
import { bearer, tempDb, testApp, type TempDb, type TestApp } from '../helpers/index.ts';

type Json = Record<string, any>;

let t: TempDb;
let h: TestApp;
let admin: Record<string, string>;

before(async () => {
  t = tempDb();
  h = await testApp(t, { enabled: false });
  admin = { ...(await bearer('admin')), 'content-type': 'application/json' };
});
after(() => t.cleanup());

async function post(path: string, body: unknown) {
  const res = await h.app.request(path, { method: 'POST', headers: admin, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Json, headers: res.headers };
}

const storedPayload = (id: string) => (t.db.prepare(`SELECT payload FROM nightshift_queue_jobs WHERE id = ?`).get(id) as { payload: string }).payload;

describe('stored payloads', () => {
  test('the validated value is stored: keys the schema does not know are dropped, defaults filled in', async () => {
    const pad = 'p'.repeat(60_000);
    const r = await post('/api/v1/jobs', { type: 'system.sleep', data: { seconds: 1, pad } });
    assert.equal(r.status, 201);
    assert.deepEqual(JSON.parse(storedPayload(r.body.id)), { seconds: 1, steps: 30 });
    assert.deepEqual(r.body.payload, { seconds: 1, steps: 30 }, 'the answer shows what was stored');
    assert.ok(!JSON.stringify(r.body).includes('ppp'), 'the padding is gone from the answer too');
  });

  test('keys the schema drops never count toward the size limit', async () => {
    const r = await post('/api/v1/jobs', { type: 'system.sleep', data: { seconds: 1, note: 'x'.repeat(DEFAULT_ENQUEUE_LIMITS.maxPayloadBytes) } });
    assert.equal(r.status, 201);
    assert.ok(storedPayload(r.body.id).length < 100);
  });

  test('a payload whose validated value is too large is refused with 413 on both enqueue routes', async () => {
    // requests.reminder takes requestId up to 200 characters: lower the limit to see it bite.
    const other = tempDb();
    after(() => other.cleanup());
    const small = await testApp(other, { enabled: false });
    const q = small.queue;
    (q as unknown as { limits: { maxPayloadBytes: number } }).limits.maxPayloadBytes = 40;
    const headers = admin;
    const v1 = await small.app.request('/api/v1/jobs', { method: 'POST', headers, body: JSON.stringify({ type: 'requests.reminder', data: { requestId: 'r'.repeat(100) } }) });
    assert.equal(v1.status, 413);
    const body = (await v1.json()) as Json;
    assert.equal(body.code, 'PAYLOAD_TOO_LARGE');
    assert.equal(body.field, 'data');
    assert.match(body.error, /the limit is 40 bytes/);
    const seed004 = await small.app.request('/api/jobs/enqueue', { method: 'POST', headers, body: JSON.stringify({ jobName: 'requests.reminder', payload: { requestId: 'r'.repeat(100) } }) });
    assert.equal(seed004.status, 413);
    assert.equal(((await seed004.json()) as Json).field, 'payload');
    assert.equal(((await q.list({ limit: 10 })).total), 0, 'nothing stored');
  });
});

describe('what enqueue refuses', () => {
  test('runAt beyond the horizon is 400 naming runAt', async () => {
    const r = await post('/api/v1/jobs', { type: 'system.sleep', data: { seconds: 1 }, runAt: '9999-12-31T00:00:00Z' });
    assert.equal(r.status, 400);
    assert.equal(r.body.code, 'VALIDATION_ERROR');
    assert.equal(r.body.field, 'runAt');
    assert.match(r.body.error, /days ahead/);
  });

  test('NUL, other control characters and lone surrogates in ids and keys are 400 naming the field', async () => {
    for (const [field, value] of [
      ['tenantId', 'tenant\u0000one'],
      ['tenantId', 'a\nINFO forged line'],
      ['idempotencyKey', 'key-\ud800'],
      ['idempotencyKey', '\udfff-key'],
      ['requestId', 'req\u007f'],
    ] as const) {
      const r = await post('/api/jobs/enqueue', { jobName: 'system.sleep', payload: { seconds: 1 }, [field]: value });
      assert.equal(r.status, 400, `${field} ${JSON.stringify(value)}`);
      assert.equal(r.body.field, field);
    }
    const fine = await post('/api/jobs/enqueue', { jobName: 'system.sleep', payload: { seconds: 1 }, tenantId: 'tenant-😀', idempotencyKey: 'ключ-1' });
    assert.equal(fine.status, 201, 'letters beyond ASCII, emoji included (a surrogate pair), are fine');
  });
});

describe('headers', () => {
  test('API answers, errors included, carry nosniff and Cache-Control: no-store', async () => {
    for (const [path, init] of [
      ['/api/health', {}],
      ['/api/v1/jobs?limit=1', { headers: admin }],
      ['/api/v1/jobs/no-such-job', { headers: admin }],
      ['/api/v1/jobs', {}],
      ['/api/no-such-route', {}],
      ['/api/preview-sessions/unknown/validate', {}],
    ] as const) {
      const res = await h.app.request(path, init);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', `${path} (${res.status})`);
      assert.equal(res.headers.get('cache-control'), 'no-store', `${path} (${res.status})`);
    }
  });

  test("a handler's own caching is kept (the docs page's versioned assets)", async () => {
    const res = await h.app.request('/api/docs/assets/docs.js');
    assert.equal(res.status, 200);
    assert.notEqual(res.headers.get('cache-control'), 'no-store');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  });
});
