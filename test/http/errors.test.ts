// Bad input gets a clear JSON error {error, code} with the right status (issue 2, last bullet of
// "The HTTP API"): 400 INVALID_JSON, 400 naming the failing field, 415 for a non-JSON body, 413 for
// an oversized one, 404 JSON for unknown routes; and, over a batch of hostile requests, never a
// 500, never a stack trace or a server file path. One app for the file: these requests start no job.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bearer, tempDb, testApp, type TempDb, type TestApp } from '../helpers/index.ts';

type Json = Record<string, any>;
const LIMIT = 100 * 1024; // what testApp passes as bodyLimitBytes, the server's default
const future = new Date(Date.now() + 86_400_000).toISOString();

let t: TempDb;
let h: TestApp;
let admin: Record<string, string>;

before(async () => {
  t = tempDb();
  h = await testApp(t);
  await h.scheduler.start();
  admin = await bearer('admin');
});
after(async () => {
  await h.scheduler.stop(1_000);
  t.cleanup();
});

/** Stack frames ("    at fn (file:line)"), server paths or source file names must never reach a client. */
function assertNoLeak(text: string, what: string): void {
  assert.doesNotMatch(text, /\n\s*at \S/, `${what}: stack frame in response`);
  assert.doesNotMatch(text, /\bat [^\s]+ \(|\(file:\/\/|node:internal/, `${what}: stack frame in response`);
  assert.doesNotMatch(text, /\/work\/|\/home\/|\/tmp\/|node_modules|\.ts:\d+|\.m?js:\d+/, `${what}: file path in response`);
}

/** Sends a request; checks it is not a 500, leaks nothing and (unless 2xx with no body) is JSON. */
async function send(path: string, init: RequestInit = {}): Promise<{ status: number; body: Json; text: string }> {
  const res = await h.app.request(path, init);
  const text = await res.text();
  const what = `${init.method ?? 'GET'} ${path.slice(0, 80)}`;
  assert.ok(res.status < 500 || res.status === 503, `${what}: got ${res.status} ${text}`);
  assertNoLeak(text, what);
  let body: Json = {};
  if (text) {
    assert.match(res.headers.get('content-type') ?? '', /application\/json/, `${what}: not JSON`);
    body = JSON.parse(text) as Json;
  }
  if (res.status >= 400) {
    assert.equal(typeof body.error, 'string', `${what}: error message`);
    assert.equal(typeof body.code, 'string', `${what}: error code`);
  }
  return { status: res.status, body, text };
}

const postJson = (path: string, body: string, headers: Record<string, string> = {}) =>
  send(path, { method: 'POST', headers: { ...admin, 'content-type': 'application/json', ...headers }, body });

describe('invalid bodies', () => {
  test('invalid JSON is 400 INVALID_JSON', async () => {
    for (const path of ['/api/preview-sessions', '/api/i18n-cache']) {
      for (const body of ['{', '{"expiresAt":', "{'expiresAt': 1}", 'undefined', '', '\u0000']) {
        const res = await postJson(path, body);
        assert.equal(res.status, 400, `${path} ${JSON.stringify(body)}`);
        assert.equal(res.body.code, 'INVALID_JSON');
      }
    }
  });

  test('a missing or wrongly typed field is 400 VALIDATION_ERROR naming the field', async () => {
    const cases: [string, unknown, string][] = [
      ['/api/preview-sessions', {}, 'expiresAt'],
      ['/api/preview-sessions', { expiresAt: 'tomorrow' }, 'expiresAt'],
      ['/api/preview-sessions', { expiresAt: 1767225600000 }, 'expiresAt'],
      ['/api/preview-sessions', { expiresAt: '2025-02-30T00:00:00Z' }, 'expiresAt'],
      ['/api/i18n-cache', { value: 'v', expiresAt: future }, 'promptHash'],
      ['/api/i18n-cache', { promptHash: '', value: 'v', expiresAt: future }, 'promptHash'],
      ['/api/i18n-cache', { promptHash: 'p', expiresAt: future }, 'value'],
      ['/api/i18n-cache', { promptHash: 'p', value: 42, expiresAt: future }, 'value'],
      ['/api/i18n-cache', { promptHash: 'p', value: 'v' }, 'expiresAt'],
      ['/api/i18n-cache', { promptHash: 'p', value: 'x'.repeat(64 * 1024 + 1), expiresAt: future }, 'value'],
    ];
    for (const [path, body, field] of cases) {
      const res = await postJson(path, JSON.stringify(body));
      assert.equal(res.status, 400, `${path} ${JSON.stringify(body).slice(0, 60)}`);
      assert.equal(res.body.code, 'VALIDATION_ERROR');
      assert.equal(res.body.field, field);
      assert.ok(res.body.error.includes(field), `message names "${field}": ${res.body.error}`);
    }
  });

  test('a JSON value that is not an object is 400, not 500', async () => {
    for (const body of ['null', '[]', '"text"', '42', 'true']) {
      const res = await postJson('/api/preview-sessions', body);
      assert.equal(res.status, 400, body);
      assert.equal(res.body.code, 'VALIDATION_ERROR');
    }
  });

  test('a body that is not application/json is 415', async () => {
    const body = JSON.stringify({ expiresAt: future });
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonp', undefined]) {
      const headers: Record<string, string> = { ...admin };
      if (type) headers['content-type'] = type;
      const res = await send('/api/preview-sessions', { method: 'POST', headers, body });
      assert.equal(res.status, 415, String(type));
      assert.equal(res.body.code, 'UNSUPPORTED_MEDIA_TYPE');
    }
    // Parameters and +json suffixes are still JSON.
    assert.equal((await postJson('/api/preview-sessions', body, { 'content-type': 'application/json; charset=utf-8' })).status, 201);
  });
});

describe('oversized bodies', () => {
  const big = JSON.stringify({ expiresAt: future, pad: 'x'.repeat(LIMIT) });

  test('a body over 100 KiB is 413 JSON, with or without a content-length', async () => {
    const withLength = await postJson('/api/preview-sessions', big, { 'content-length': String(Buffer.byteLength(big)) });
    assert.equal(withLength.status, 413);
    assert.equal(withLength.body.code, 'PAYLOAD_TOO_LARGE');
    // Streamed (chunked) with no content-length: the limit still applies while reading.
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 4; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(LIMIT / 2)));
        controller.close();
      },
    });
    const streamed = await send('/api/i18n-cache', {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    assert.equal(streamed.status, 413);
    assert.equal(streamed.body.code, 'PAYLOAD_TOO_LARGE');
  });

  test('a body just under the limit is read and validated normally', async () => {
    const padded = JSON.stringify({ promptHash: 'p', value: 'x'.repeat(60 * 1024), expiresAt: future, pad: 'y'.repeat(30 * 1024) });
    assert.ok(Buffer.byteLength(padded) < LIMIT);
    assert.equal((await postJson('/api/i18n-cache', padded)).status, 201);
  });
});

test('unknown routes and methods are 404 JSON {error, code:NOT_FOUND}', async () => {
  const cases: [string, string, Record<string, string>][] = [
    ['GET', '/', {}],
    ['GET', '/nope', {}],
    ['GET', '/api', {}],
    ['GET', '/api/nope', {}],
    ['POST', '/api/health', {}],
    ['DELETE', '/api/jobs/status', admin],
    ['PUT', '/api/preview-sessions', admin],
    ['GET', '/api/jobs/nope', admin],
    ['GET', '/api/preview-sessions/a/b/c/validate', {}],
  ];
  for (const [method, path, headers] of cases) {
    const res = await send(path, { method, headers });
    assert.equal(res.status, 404, `${method} ${path}`);
    assert.equal(res.body.code, 'NOT_FOUND');
  }
});

test('nothing a client sends gives a 500 or leaks a stack trace', async () => {
  const json = { ...admin, 'content-type': 'application/json' };
  const hostile: [string, RequestInit][] = [
    ['/api/preview-sessions/%E0%A4%A/validate', {}],
    ['/api/preview-sessions/%00/validate', {}],
    ['/api/preview-sessions/' + 'a'.repeat(8_000) + '/validate', {}],
    ['/api/preview-sessions/%E0%A4%A/revoke', { method: 'POST', headers: admin }],
    ['/api/jobs/run/%E0%A4%A', { method: 'POST', headers: admin }],
    ['/api/jobs/run/' + encodeURIComponent("x'; DROP TABLE nightshift_job_runs; --"), { method: 'POST', headers: admin }],
    ['/api/jobs/runs/%E0%A4%A', { headers: admin }],
    ['/api/jobs/runs?limit=%E0%A4%A&status=%00', { headers: admin }],
    ['/api/jobs/runs?limit=1&limit=2&name=a&name=b', { headers: admin }],
    ['/api/jobs/runs?offset=99999999999999999999999', { headers: admin }],
    ['/api/jobs/runs?limit=Infinity', { headers: admin }],
    ['/api/jobs/runs?limit=1e400', { headers: admin }],
    ['/api/jobs/runs?name=' + encodeURIComponent("' OR 1=1 --"), { headers: admin }],
    ['/api/jobs/status', { headers: { ...admin, traceparent: 'garbage', 'x-request-id': 'x'.repeat(10_000) } }],
    ['/api/jobs/status', { headers: { authorization: 'Bearer ' + 'a'.repeat(20_000) } }],
    ['/api/jobs/status', { headers: { authorization: 'Bearer e30.e30.' } }],
    ['/api/jobs/status', { headers: { authorization: 'Bearer ....' } }],
    ['/api/jobs/status', { headers: { authorization: 'Bearer %%%.%%%.%%%' } }],
    ['/api/preview-sessions', { method: 'POST', headers: json, body: '{"expiresAt":"' + future + '","__proto__":{"admin":true}}' }],
    ['/api/preview-sessions', { method: 'POST', headers: json, body: '[' .repeat(50_000) + ']'.repeat(50_000) }],
    ['/api/preview-sessions', { method: 'POST', headers: json, body: '\uFEFF{"expiresAt":"' + future + '"}' }],
    ['/api/preview-sessions', { method: 'POST', headers: json, body: JSON.stringify({ expiresAt: '0000-01-01T00:00:00Z' }) }],
    ['/api/preview-sessions', { method: 'POST', headers: json, body: JSON.stringify({ expiresAt: '9999-12-31T23:59:59-14:00' }) }],
    ['/api/i18n-cache', { method: 'POST', headers: json, body: JSON.stringify({ promptHash: '\u0000\ud800', value: '\udfff', expiresAt: future }) }],
    ['/api/i18n-cache', { method: 'POST', headers: json, body: JSON.stringify({ promptHash: 'p', value: 'v', expiresAt: future, extra: { deep: [1, 2] } }) }],
    ['/api/i18n-cache/stats?x=%E0%A4%A', { headers: admin }],
    ['/api/health', { method: 'HEAD' }],
    ['/api/health', { method: 'OPTIONS' }],
  ];
  for (const [path, init] of hostile) {
    const res = await h.app.request(path, init);
    const text = await res.text();
    const what = `${init.method ?? 'GET'} ${path.slice(0, 60)}`;
    assert.ok(res.status < 500, `${what}: ${res.status} ${text.slice(0, 200)}`);
    assertNoLeak(text, what);
  }
  // Nothing above was logged as an unhandled error either.
  assert.deepEqual(h.logs.messages().filter((m) => m === 'Unhandled error in request'), []);
});
