// The auth matrix of the HTTP contract (issue 2, "Auth"): every owner/admin route is walked with
// every kind of credential a client might send. Owner and admin pass, staff gets 403 with seed 000's
// exact body, and every broken or smuggled token gets 401 {error, code:'UNAUTHORIZED'}. In-process
// (app.request), one app and one database for the whole file; only the two passing trigger calls
// start a worker thread.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sign } from 'hono/jwt';
import { Hono } from 'hono';
import { authenticate, verifyClaims } from '../../src/http/auth/auth.ts';
import { handleError } from '../../src/http/errors.ts';
import { silentLogger } from '../../src/log/logger.ts';
import * as ledger from '../../src/store/sqlite/runs/ledger.ts';
import { TEST_SECRET, tempDb, testApp, token, type TempDb, type TestApp } from '../helpers/index.ts';

const JSON_HEADERS = { 'content-type': 'application/json' };
const future = () => new Date(Date.now() + 3_600_000).toISOString();
const nowSec = () => Math.floor(Date.now() / 1000);
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

interface Route {
  /** The route as the contract names it, for failure messages. */
  name: string;
  method: 'GET' | 'POST';
  /** Built lazily: revoke needs a fresh session token for each passing call. */
  path: () => Promise<string> | string;
  body?: () => unknown;
  /** Status an owner/admin gets on this route. */
  ok: number;
  /** Path for rejected calls when `path` has side effects (the revoke route creates a session). */
  rejectPath?: string;
}

let t: TempDb;
let h: TestApp;
let runId: string;

/** A live preview session created through the API (the revoke route needs one per call). */
async function freshSessionToken(): Promise<string> {
  const res = await h.app.request('/api/preview-sessions', {
    method: 'POST',
    headers: { ...JSON_HEADERS, authorization: `Bearer ${await token('admin')}` },
    body: JSON.stringify({ expiresAt: future() }),
  });
  assert.equal(res.status, 201);
  return ((await res.json()) as { token: string }).token;
}

// Every protected route of the contract, with a request that succeeds for owner/admin.
const ROUTES: Route[] = [
  { name: 'GET /api/jobs/status', method: 'GET', path: () => '/api/jobs/status', ok: 200 },
  { name: 'POST /api/jobs/run/:name', method: 'POST', path: () => '/api/jobs/run/cleanupPreviewSessions', ok: 200 },
  { name: 'GET /api/jobs/runs', method: 'GET', path: () => '/api/jobs/runs', ok: 200 },
  { name: 'GET /api/jobs/runs/:id', method: 'GET', path: () => `/api/jobs/runs/${runId}`, ok: 200 },
  { name: 'POST /api/preview-sessions', method: 'POST', path: () => '/api/preview-sessions', body: () => ({ expiresAt: future() }), ok: 201 },
  {
    name: 'POST /api/preview-sessions/:token/revoke',
    method: 'POST',
    path: async () => `/api/preview-sessions/${await freshSessionToken()}/revoke`,
    rejectPath: '/api/preview-sessions/some-token/revoke',
    ok: 200,
  },
  {
    name: 'POST /api/i18n-cache',
    method: 'POST',
    path: () => '/api/i18n-cache',
    body: () => ({ promptHash: `h-${Math.random()}`, value: 'v', expiresAt: future() }),
    ok: 201,
  },
  { name: 'GET /api/i18n-cache/stats', method: 'GET', path: () => '/api/i18n-cache/stats', ok: 200 },
];

async function call(route: Route, headers: Record<string, string>, opts: { reject?: boolean; suffix?: string } = {}): Promise<Response> {
  const body = route.body?.();
  const path = opts.reject && route.rejectPath ? route.rejectPath : await route.path();
  return h.app.request(path + (opts.suffix ?? ''), {
    method: route.method,
    headers: body === undefined ? headers : { ...JSON_HEADERS, ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function expect401(res: Response, what: string): Promise<void> {
  assert.equal(res.status, 401, `${what}: expected 401, got ${res.status}`);
  assert.match(res.headers.get('content-type') ?? '', /application\/json/, `${what}: 401 must be JSON`);
  const body = (await res.json()) as { error?: unknown; code?: unknown };
  assert.equal(body.code, 'UNAUTHORIZED', what);
  assert.equal(typeof body.error, 'string', what);
}

before(async () => {
  t = tempDb();
  h = await testApp(t);
  await h.scheduler.start();
  // A run row to read back on GET /api/jobs/runs/:id, without starting a thread.
  runId = ledger.recordSkipped(t.db, { name: 'cleanupPreviewSessions', trigger: 'manual', owner: 'test', reason: 'fixture' });
});

after(async () => {
  await h.scheduler.stop();
  t.cleanup();
});

describe('owner and admin pass on every protected route', () => {
  for (const role of ['owner', 'admin'] as const) {
    test(`${role}`, async () => {
      const headers = { authorization: `Bearer ${await token(role)}` };
      for (const route of ROUTES) {
        const res = await call(route, headers);
        assert.equal(res.status, route.ok, `${role} ${route.name}: ${await res.text()}`);
      }
    });
  }
});

test('staff gets 403 {"error":"Insufficient permissions"} on every protected route', async () => {
  const headers = { authorization: `Bearer ${await token('staff')}` };
  for (const route of ROUTES) {
    const res = await call(route, headers, { reject: true });
    assert.equal(res.status, 403, `staff ${route.name}`);
    const body = (await res.json()) as { error: string };
    assert.equal(body.error, 'Insufficient permissions');
  }
  // staff could not trigger anything: the only rows are the fixture and the two owner/admin runs.
  assert.ok(ledger.listRuns(t.db, { limit: 50 }).length <= 3);
});

// Each case: a name and the headers (or path suffix) that carry a credential that must not pass.
async function rejectedCredentials(): Promise<{ name: string; headers: Record<string, string>; suffix?: string }[]> {
  const valid = await token('admin');
  const [vh, vp] = valid.split('.');
  const bearer = (jwt: string) => ({ authorization: `Bearer ${jwt}` });
  return [
    { name: 'no token', headers: {} },
    { name: '"Bearer" alone', headers: { authorization: 'Bearer' } },
    { name: 'Basic scheme', headers: { authorization: 'Basic x' } },
    { name: 'Bearer with two parts', headers: { authorization: `Bearer ${valid} extra` } },
    { name: 'not a JWT', headers: bearer('not-a-jwt') },
    { name: 'signed with another secret', headers: bearer(await token('admin', { secret: 'another-secret-that-is-also-32-bytes-long' })) },
    { name: 'tampered payload', headers: bearer(`${vh}.${b64url({ sub: 'x', role: 'owner', exp: nowSec() + 3600 })}.${valid.split('.')[2]}`) },
    { name: 'expired', headers: bearer(await token('admin', { ttlSeconds: -60 })) },
    { name: 'alg none', headers: bearer(`${b64url({ alg: 'none', typ: 'JWT' })}.${vp}.`) },
    { name: 'alg none, signature kept', headers: bearer(`${b64url({ alg: 'none', typ: 'JWT' })}.${vp}.${valid.split('.')[2]}`) },
    { name: 'no exp claim', headers: bearer(await sign({ sub: 'x', role: 'admin', iat: nowSec() }, TEST_SECRET, 'HS256')) },
    { name: 'exp not a number', headers: bearer(await sign({ sub: 'x', role: 'admin', exp: 'never' } as never, TEST_SECRET, 'HS256')) },
    { name: 'HS512-signed', headers: bearer(await sign({ sub: 'x', role: 'admin', exp: nowSec() + 3600 }, TEST_SECRET, 'HS512')) },
    { name: 'unknown role', headers: bearer(await sign({ sub: 'x', role: 'superuser', exp: nowSec() + 3600 }, TEST_SECRET, 'HS256')) },
    { name: 'no role', headers: bearer(await sign({ sub: 'x', exp: nowSec() + 3600 }, TEST_SECRET, 'HS256')) },
    { name: 'no sub', headers: bearer(await sign({ role: 'admin', exp: nowSec() + 3600 }, TEST_SECRET, 'HS256')) },
    { name: 'not valid before a future nbf', headers: bearer(await sign({ sub: 'x', role: 'admin', nbf: nowSec() + 3600, exp: nowSec() + 7200 }, TEST_SECRET, 'HS256')) },
    { name: 'no iat claim', headers: bearer(await sign({ sub: 'x', role: 'admin', exp: nowSec() + 3600 }, TEST_SECRET, 'HS256')) },
    { name: 'a lifetime of millions of years', headers: bearer(await sign({ sub: 'x', role: 'admin', iat: nowSec(), exp: nowSec() + 3e13 }, TEST_SECRET, 'HS256')) },
    { name: 'a lifetime of a year and a day', headers: bearer(await sign({ sub: 'x', role: 'admin', iat: nowSec(), exp: nowSec() + 367 * 86_400 }, TEST_SECRET, 'HS256')) },
    { name: 'issued in the future', headers: bearer(await sign({ sub: 'x', role: 'admin', iat: nowSec() + 3600, exp: nowSec() + 7200 }, TEST_SECRET, 'HS256')) },
    // Tokens are read from the Authorization header only.
    { name: 'valid token in a cookie', headers: { cookie: `token=${valid}; jwt=${valid}; access_token=${valid}; Authorization=Bearer%20${valid}` } },
    { name: 'valid token in the query string', headers: {}, suffix: `?token=${valid}&access_token=${valid}&jwt=${valid}` },
    { name: 'valid token in another header', headers: { 'x-access-token': valid, 'x-auth-token': valid } },
  ];
}

test('every broken, forged or smuggled credential gets 401 JSON {error, code:UNAUTHORIZED} on every protected route', async () => {
  const before = ledger.listRuns(t.db, { limit: 500 }).length;
  for (const cred of await rejectedCredentials()) {
    for (const route of ROUTES) {
      const res = await call(route, cred.headers, { reject: true, suffix: cred.suffix });
      await expect401(res, `${cred.name} -> ${route.name}`);
    }
  }
  // Nothing got through: no run was started by any of those requests.
  assert.equal(ledger.listRuns(t.db, { limit: 500 }).length, before);
});

test('401 answers carry a WWW-Authenticate: Bearer challenge', async () => {
  const res = await h.app.request('/api/jobs/status');
  assert.equal(res.status, 401);
  assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/);
});

test('public routes need no token: health and preview validation', async () => {
  assert.equal((await h.app.request('/api/health')).status, 200);
  const res = await h.app.request('/api/preview-sessions/unknown-token/validate');
  assert.equal(res.status, 404); // not 401: validation is public
});

test('spelling a protected path differently never reaches a handler without a token (401 or 404)', async () => {
  const body = JSON.stringify({ expiresAt: future() });
  const variants: [string, string][] = [
    ['POST', '/api/preview-sessions/'],
    ['POST', '//api/preview-sessions'],
    ['POST', '/api//preview-sessions'],
    ['POST', '/API/preview-sessions'],
    ['POST', '/api/%70review-sessions'],
    ['POST', '/api/preview-sessions;x'],
    ['POST', '/api/preview-sessions/x/%72evoke'],
    ['POST', '/api/preview-sessions/x/revoke/'],
    ['POST', '/api/i18n-cache/'],
    ['GET', '/api/i18n-cache/stats/'],
    ['GET', '/api/jobs/status/'],
    ['GET', '/api/%6Aobs/runs'],
    ['POST', '/api/%6Aobs/run/cleanupPreviewSessions'],
    ['GET', '/api/jobs%2Fstatus'],
  ];
  const runsBefore = ledger.listRuns(t.db, { limit: 500 }).length;
  for (const [method, path] of variants) {
    const res = await h.app.request(path, { method, headers: JSON_HEADERS, body: method === 'POST' ? body : undefined });
    assert.ok([401, 404].includes(res.status), `${method} ${path}: ${res.status}`);
  }
  assert.equal(ledger.listRuns(t.db, { limit: 500 }).length, runsBefore);
});

test('a token with iat and a lifetime of at most a year is accepted (the CLI mints up to a year)', async () => {
  const year = await sign({ sub: 'x', role: 'admin', iat: nowSec(), exp: nowSec() + 366 * 86_400 }, TEST_SECRET, 'HS256');
  assert.equal((await h.app.request('/api/jobs/status', { headers: { authorization: `Bearer ${year}` } })).status, 200);
});

test('the longest token lifetime is configurable (maxTokenLifetimeSeconds)', async () => {
  const app = new Hono().use('*', authenticate({ jwtSecret: TEST_SECRET, maxTokenLifetimeSeconds: 60 })).get('/', (c) => c.text('in'));
  app.onError(handleError(silentLogger));
  const withLifetime = async (seconds: number) => {
    const jwt = await sign({ sub: 'x', role: 'admin', iat: nowSec(), exp: nowSec() + seconds }, TEST_SECRET, 'HS256');
    return (await app.request('/', { headers: { authorization: `Bearer ${jwt}` } })).status;
  };
  assert.equal(await withLifetime(30), 200);
  assert.equal(await withLifetime(120), 401);
  assert.equal(await verifyClaims(await sign({ sub: 'x', role: 'admin', iat: nowSec(), exp: nowSec() + 120 }, TEST_SECRET, 'HS256'), TEST_SECRET, 60), undefined);
});

test('verifyClaims (shared by the API and the dashboard sign-in): claims, undefined for a missing claim, a named error for a bad token', async () => {
  const claims = await verifyClaims(await token('staff'), TEST_SECRET);
  assert.equal(claims?.role, 'staff');
  assert.equal(typeof claims?.exp, 'number');
  assert.equal(await verifyClaims(await sign({ sub: 'x', role: 'admin', iat: nowSec() }, TEST_SECRET, 'HS256'), TEST_SECRET), undefined);
  await assert.rejects(verifyClaims(await token('admin', { ttlSeconds: -60 }), TEST_SECRET), { name: 'JwtTokenExpired' });
  await assert.rejects(verifyClaims(await token('admin'), 'another-secret-that-is-also-32-bytes-long'), { name: 'JwtTokenSignatureMismatched' });
});
