// The route table, fuzzed (issue 12): every route the reference app serves, started by
// src/app/runtime.ts exactly as `npm start` starts it (its own routes, then ns.routes(): the API,
// docs, metrics and dashboard; scheduler and queue runner running), requested in-process with
// app.request(), with
// every method, odd path segments in place of each parameter and after each path, odd query values
// and odd bodies, anonymous and signed in (admin bearer token plus a dashboard session and its CSRF
// token). No answer may be a 5xx, and a client's mistake must log no error and no stack.
// Deterministic: the inputs are fixed lists, sent one at a time, in order.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseConfig } from '../../src/app/config.ts';
import { startRuntime, type Runtime } from '../../src/app/runtime.ts';
import type { LogRecord } from '../../src/log/types.ts';
import { JOBS_DIR, TEST_SECRET, bearer, captureLogs, tempDb, testApp, token, type CapturedLogs, type TempDb } from '../helpers/index.ts';
import { FORM, ORIGIN, sessionCookie } from '../dashboard/helpers.ts';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

/** Path segments as they appear in the URL (already percent-encoded where that is the point). */
const ODD_SEGMENTS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '%00',
  '%ZZ',
  '%',
  '%2e%2e',
  '%2F',
  '%C0%AF', // an overlong UTF-8 encoding of '/'
  '%ED%A0%80', // a lone surrogate, UTF-8 encoded
  '..',
  '.',
  '',
  'a'.repeat(10_000),
  encodeURIComponent('ünï日本🚀'),
  'ünï日本🚀',
];

const ODD_QUERIES = [
  'limit=1e999',
  'limit=__proto__',
  'limit=-1',
  'limit=1&limit=2',
  'offset=99999999999999999999999',
  'status=constructor',
  'status[]=pending',
  'type=%00',
  'name=' + 'n'.repeat(10_000),
  'trigger=toString',
  'wait=__proto__',
  'page=1e999',
  'from=%ZZ',
  'to=9999999-99-99',
  '%ZZ=1',
  '__proto__[x]=1',
  'v=%ED%A0%80',
];

const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
const deepObject = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);

const ODD_JSON = [
  '',
  '{',
  'not json',
  '[]',
  '[1,2,3]',
  'null',
  '"a string"',
  '1e999',
  '-0',
  deep(10_000),
  deepObject(5_000),
  '{"__proto__":{"role":"owner"}}',
  '{"constructor":{"prototype":{"x":1}}}',
  '{"type":"__proto__","data":{}}',
  '{"type":"constructor"}',
  '{"jobName":"toString","payload":{"__proto__":{}}}',
  '{"type":"system.sleep","data":{"seconds":1e999}}',
  '{"type":"system.ping","priority":1e308,"maxAttempts":9007199254740993}',
  '{"type":"system.ping","runAt":"%00"}',
  '{"type":"system.ping","runAt":"275760-09-13T00:00:00.001Z"}',
  '{"type":"requests.reminder","data":{"requestId":["a"]}}',
  '{"expiresAt":"9999999-01-01"}',
  '{"expiresAt":1e999}',
  '{"promptHash":{},"value":[],"expiresAt":null}',
  '{"a":"\\ud800"}',
  '{"a":"\\u0000"}',
];

const ODD_FORMS = [
  'payload=%7B&type=system.ping',
  'type=__proto__&payload=%7B%7D',
  'type=constructor',
  `type=system.sleep&payload=${encodeURIComponent(deep(5_000))}`,
  'type=system.ping&priority=1e999&maxAttempts=__proto__',
  'type=system.ping&runAt=%ZZ',
  '__proto__=1&constructor=2',
  'token=' + 't'.repeat(10_000),
  '%ZZ=%ZZ',
];

const ODD_HEADERS: Record<string, string>[] = [
  { authorization: 'Bearer' },
  { authorization: 'Bearer a.b.c' },
  { authorization: 'Bearer __proto__' },
  { authorization: 'Basic Zm9vOmJhcg==' },
  { authorization: 'Bearer ' + 'x'.repeat(10_000) },
  { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4Iiwicm9sZSI6Im93bmVyIn0.' },
  { cookie: 'nightshift_session=__proto__' },
  { cookie: 'nightshift_session=%ZZ; __proto__=1' },
  { cookie: 'nightshift_session=' + 'a'.repeat(5_000) },
  { traceparent: '00-' + 'z'.repeat(32) + '-' + 'z'.repeat(16) + '-01' },
  { traceparent: '__proto__' },
  { 'x-request-id': 'r'.repeat(10_000) },
  { 'x-request-id': '__proto__' },
  { origin: 'null', 'x-csrf-token': '__proto__' },
  { 'accept-encoding': 'gzip;q=__proto__, br;q=1e999' },
  { 'if-none-match': '*' },
  { 'if-none-match': '"__proto__"' },
  { accept: 'text/html;q=%ZZ' },
  { 'content-type': 'multipart/form-data; boundary=' },
];

let t: TempDb;
let runtime: Runtime;
let logs: CapturedLogs;
let signedIn: Record<string, string>;
let templates: { method: string; path: string }[];
const problems: string[] = [];
let sent = 0;

before(async () => {
  t = tempDb();
  logs = captureLogs();
  const config = parseConfig({
    NODE_ENV: 'test', HOST: '127.0.0.1', PORT: '0', DATABASE_PATH: join(t.dir, 'runtime.db'), JOBS_DIR,
    JWT_SECRET: TEST_SECRET, LOG_LEVEL: 'debug', QUEUE_WORKERS: '1', METRICS_TOKEN: 'fuzz-metrics-token-0123456789',
  });
  runtime = await startRuntime(config, logs.pino);
  // Signed in: an admin bearer token, and a dashboard session opened through the real form with its CSRF token.
  const signIn = await runtime.app.request('/dashboard/sign-in', {
    method: 'POST',
    headers: { 'content-type': FORM, origin: ORIGIN },
    body: new URLSearchParams({ token: await token('admin') }).toString(),
  });
  const cookie = sessionCookie(signIn)!;
  const page = await (await runtime.app.request('/dashboard', { headers: { cookie } })).text();
  const csrf = /<meta name="csrf-token" content="([^"]+)"/.exec(page)![1]!;
  signedIn = { ...(await bearer('admin')), cookie, 'x-csrf-token': csrf, origin: ORIGIN };
  // ns.routes() is one catch-all that serves the engine's app inside: its route table is the
  // engine's, listed here from the same app built by the test helper (and the app's own routes).
  const other = tempDb();
  const { engine } = await testApp(other, { enabled: false });
  other.cleanup();
  const seen = new Set<string>();
  templates = [];
  for (const r of [...runtime.app.routes, ...engine.routes]) {
    const key = `${r.method} ${r.path}`;
    if (!seen.has(key)) (seen.add(key), templates.push({ method: r.method, path: r.path }));
  }
});
after(async () => {
  await runtime?.stop();
  t.cleanup();
});

/** Replaces each :param and * of a route's path with `value`. */
const fill = (path: string, value: string) => path.replace(/:[A-Za-z_]+/g, value).replace(/\*/g, value);
const hasParams = (path: string) => /:[A-Za-z_]+|\*/.test(path);

/** Sends one request; any 5xx, error-level line or stack in the log is recorded as a problem. */
async function probe(method: string, path: string, init: { headers?: Record<string, string>; body?: string | Uint8Array } = {}): Promise<number> {
  const logged = logs.records.length;
  let status: number;
  try {
    const res = await runtime.app.request(path, { method, headers: init.headers, body: init.body });
    status = res.status;
    await res.arrayBuffer();
  } catch (err) {
    problems.push(`${method} ${path.slice(0, 120)}: threw ${(err as Error).message}`);
    return 0;
  }
  sent++;
  const what = `${method} ${path.slice(0, 120)}${init.headers?.authorization ? ' (signed in)' : ''}`;
  if (status >= 500) problems.push(`${what}: ${status}`);
  const bad = logs.records.slice(logged).filter((r: LogRecord) => r.level === 'error' || 'stack' in r);
  for (const r of bad) problems.push(`${what}: logged ${r.level} "${r.msg}" ${JSON.stringify(r).slice(0, 300)}`);
  return status;
}

function report(): void {
  const unique = [...new Set(problems)];
  problems.length = 0;
  assert.deepEqual(unique.slice(0, 40), [], `${unique.length} problem(s)`);
}

describe('the route table, fuzzed', () => {
  test('the signed-in requests really are signed in', async () => {
    assert.equal(await probe('GET', '/api/v1/jobs', { headers: signedIn }), 200);
    assert.equal(await probe('GET', '/dashboard/queue', { headers: signedIn }), 200);
    assert.equal(await probe('GET', '/api/v1/jobs'), 401);
    assert.ok(templates.length > 40, `${templates.length} routes`);
    report();
  });

  test('every route, every method, odd segments in each parameter and after the path, with and without a token', async () => {
    const paths = new Set<string>();
    for (const { path } of templates) {
      paths.add(fill(path, 'x'));
      for (const odd of ODD_SEGMENTS) {
        if (hasParams(path)) paths.add(fill(path, odd));
        paths.add(`${fill(path, 'x')}/${odd}`);
      }
    }
    for (const path of paths) {
      for (const method of METHODS) {
        await probe(method, path);
        await probe(method, path, { headers: signedIn });
      }
    }
    assert.ok(sent > 5_000, `sent ${sent}`);
    report();
  });

  test('odd query strings on every GET route', async () => {
    for (const { method, path } of templates) {
      if (method !== 'GET' && method !== 'ALL') continue;
      for (const query of ODD_QUERIES) {
        await probe('GET', `${fill(path, 'x')}?${query}`);
        await probe('GET', `${fill(path, 'x')}?${query}`, { headers: signedIn });
      }
    }
    report();
  });

  test('odd headers (tokens, cookies, trace ids, caching, encodings) on every route', async () => {
    for (const { method, path } of templates) {
      const m = method === 'ALL' ? 'GET' : method;
      for (const headers of ODD_HEADERS) {
        await probe(m, fill(path, 'x'), { headers, body: m === 'GET' || m === 'HEAD' ? undefined : '{}' });
        await probe(m, fill(path, 'x'), { headers: { ...signedIn, ...headers }, body: m === 'GET' || m === 'HEAD' ? undefined : '{}' });
      }
    }
    report();
  });

  test('over the wire: request targets no URL parser would produce (raw paths, absolute form, *)', async () => {
    const { hostname, port } = new URL(runtime.url);
    const raw = (method: string, path: string) =>
      new Promise<number>((resolve, reject) => {
        const req = httpRequest({ hostname, port, method, path, headers: signedIn }, (res) => (res.resume(), res.on('end', () => resolve(res.statusCode!))));
        req.on('error', reject);
        req.end();
      });
    const targets = ['*', 'http://evil.example/api/health', '//api//v1//jobs', '/api/v1/jobs/../../dashboard', '/api/v1/jobs/%ZZ/progress', '/dashboard/queue/%C0%AF', '/api/docs/assets/..%2F..%2Fpackage.json', '/dashboard/assets/%2e%2e%2fbase.css', '/api/jobs/runs/%00', `/${'a'.repeat(10_000)}`];
    for (const target of targets) {
      for (const method of ['GET', 'OPTIONS', 'DELETE']) {
        const logged = logs.records.length;
        const status = await raw(method, target);
        if (status >= 500) problems.push(`${method} ${target.slice(0, 80)} (raw): ${status}`);
        for (const r of logs.records.slice(logged).filter((r: LogRecord) => r.level === 'error' || 'stack' in r)) problems.push(`${method} ${target.slice(0, 80)} (raw): logged ${r.msg}`);
      }
    }
    report();
  });

  test('odd bodies, as JSON, text and forms, on every route that takes one', async () => {
    const writes = templates.filter((r) => r.method !== 'GET');
    const types = ['application/json', 'text/plain', FORM, 'application/json; charset=utf-16', undefined];
    for (const { method, path } of writes) {
      const target = fill(path, 'x');
      const methods = method === 'ALL' ? ['POST', 'PUT'] : [method];
      for (const m of methods) {
        for (const body of ODD_JSON) {
          for (const type of types) {
            const headers: Record<string, string> = type ? { 'content-type': type } : {};
            await probe(m, target, { headers, body });
            await probe(m, target, { headers: { ...signedIn, ...headers }, body });
          }
        }
        for (const body of ODD_FORMS) await probe(m, target, { headers: { ...signedIn, 'content-type': FORM }, body });
        // Bytes that are not UTF-8 at all.
        await probe(m, target, { headers: { ...signedIn, 'content-type': 'application/json' }, body: new Uint8Array([0xff, 0xfe, 0x7b, 0x00]) });
      }
    }
    report();
  });
});
