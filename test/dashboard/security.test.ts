// Edge cases of the dashboard's security helpers found in review: the return-to path must not
// leave the dashboard through dot segments, the sign-in reason must be one of ours (not an
// inherited property name), and the session cookie's Max-Age must not depend on the clock.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Hono } from 'hono';
import { safeDashboardPath } from '../../src/dashboard/paths.ts';
import { setSessionCookie } from '../../src/dashboard/security/cookies.ts';
import { createSessionStore } from '../../src/dashboard/security/session.ts';
import { TEST_SECRET, token } from '../helpers/index.ts';
import { dashboardHarness, type DashboardHarness } from './helpers.ts';

describe('the return-to path (next) stays inside the dashboard', () => {
  test('dot segments, plain or percent-encoded, are refused', () => {
    for (const escape of ['/dashboard/..', '/dashboard/../api', '/dashboard/./../api/openapi.json', '/dashboard/%2e%2e/api', '/dashboard/.%2E/metrics', '/dashboard/%2E/../x', '/dashboard/runs/../../api?x=1']) {
      assert.equal(safeDashboardPath(escape), undefined, escape);
    }
  });

  test('ordinary dashboard paths, and dots inside names or queries, are kept', () => {
    for (const ok of ['/dashboard', '/dashboard/runs?status=failed&page=2', '/dashboard/jobs/system.ping', '/dashboard/jobs/a..b', '/dashboard/runs?job=..']) {
      assert.equal(safeDashboardPath(ok), ok, ok);
    }
  });

  let h: DashboardHarness;
  before(async () => {
    h = await dashboardHarness();
  });
  after(() => h.close());

  test('sign-in with next=/dashboard/../api lands on the overview', async () => {
    const res = await h.post('/dashboard/sign-in', { token: await token('admin'), next: '/dashboard/%2e%2e/api/openapi.json' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/dashboard');
  });

  test('a sign-in reason that is an inherited property name shows no notice', async () => {
    for (const reason of ['toString', '__proto__', 'constructor', 'hasOwnProperty']) {
      const page = await (await h.get(`/dashboard/sign-in?reason=${reason}`)).text();
      assert.doesNotMatch(page, /id="sign-in-notice"/, reason);
    }
    assert.match(await (await h.get('/dashboard/sign-in?reason=expired')).text(), /id="sign-in-notice"/);
  });
});

describe('the session cookie', () => {
  test('Max-Age is the session lifetime, however long the request took after the session was issued', async () => {
    const store = createSessionStore(TEST_SECRET, 480);
    // Issued 1.5 s before the cookie is written (a slow request on a loaded machine).
    const { session, cookie } = store.issue({ sub: 'alice', role: 'admin' }, Date.now() - 1_500);
    const app = new Hono().get('/', (c) => {
      setSessionCookie(c, cookie, session);
      return c.body(null, 204);
    });
    const header = (await app.request('/')).headers.get('set-cookie')!;
    assert.match(header, /; Max-Age=28800;/);
  });
});
