// Dashboard sign-in: a token from `npm run token` is exchanged for a session cookie. Admin and
// owner get in; staff gets a refusal page; bad, expired, exp-less and wrong-algorithm tokens are
// refused with a message; anonymous visitors and expired sessions are sent to the sign-in page.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sign } from 'hono/jwt';
import { signToken } from '../../src/http/auth/auth.ts';
import { createSessionStore } from '../../src/dashboard/security/session.ts';
import { TEST_SECRET, token } from '../helpers/index.ts';
import { dashboardHarness, sessionCookie, textOf, type DashboardHarness } from './helpers.ts';

let h: DashboardHarness;
before(async () => {
  h = await dashboardHarness();
});
after(() => h.close());

const signInWith = (tokenText: string, headers: Record<string, string> = {}) => h.post('/dashboard/sign-in', { token: tokenText }, { headers });

describe('anonymous visitors', () => {
  test('every dashboard page redirects to the sign-in page with an explanation', async () => {
    for (const path of ['/dashboard', '/dashboard/runs', '/dashboard/queue', '/dashboard/queue/new', '/dashboard/jobs/cleanupI18nCache', '/dashboard/nope']) {
      const res = await h.get(path);
      assert.equal(res.status, 303, path);
      assert.match(res.headers.get('location')!, /^\/dashboard\/sign-in\?reason=required/, path);
    }
    const page = await (await h.get('/dashboard/sign-in?reason=required')).text();
    assert.match(textOf(page), /Sign in to open the dashboard\. It needs an owner or admin token\./);
  });

  test('the page asked for is kept as next (and only dashboard pages are accepted)', async () => {
    const res = await h.get('/dashboard/runs?status=failed');
    assert.equal(res.headers.get('location'), '/dashboard/sign-in?reason=required&next=%2Fdashboard%2Fruns%3Fstatus%3Dfailed');
    const page = await (await h.get(res.headers.get('location')!)).text();
    assert.match(page, /<input type="hidden" name="next" value="\/dashboard\/runs\?status=failed"/);
    const evil = await (await h.get('/dashboard/sign-in?next=https%3A%2F%2Fevil.example%2F')).text();
    assert.doesNotMatch(evil, /name="next"/);
  });

  test('a refresh request from a page gets 401 (the page shows "session expired"), not a redirect', async () => {
    const res = await h.get('/dashboard', undefined, { 'x-nightshift-live': '1' });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('x-nightshift-session'), 'required');
  });

  test('the sign-in page has a labelled token field, the fragment script and strict security headers', async () => {
    const res = await h.get('/dashboard/sign-in');
    assert.equal(res.status, 200);
    const page = await res.text();
    assert.match(page, /<label for="token">Access token<\/label>/);
    // A one-line field, so Enter signs in (a textarea would add a newline instead).
    assert.match(page, /<input type="text" id="token" name="token" required="" spellcheck="false" autocomplete="off"/);
    assert.doesNotMatch(page, /<textarea/);
    assert.match(page, /<script type="module" src="\/dashboard\/assets\/dashboard\.js\?v=[0-9a-f]+"><\/script>/);
    const csp = res.headers.get('content-security-policy')!;
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(res.headers.get('cache-control'), 'no-store');
  });
});

describe('signing in', () => {
  test('an admin token gets a HttpOnly, SameSite=Strict session cookie on /dashboard, and the dashboard', async () => {
    const res = await signInWith(await token('admin', { sub: 'alice', ttlSeconds: 24 * 3600 }));
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/dashboard');
    const header = res.headers.getSetCookie().find((c) => c.startsWith('nightshift_session='))!;
    assert.match(header, /; HttpOnly/);
    assert.match(header, /; SameSite=Strict/);
    assert.match(header, /; Path=\/dashboard/);
    assert.match(header, /; Max-Age=28800/); // the default 8 hours (the token lives longer)
    assert.doesNotMatch(header, /; Secure/); // plain http here
    const page = await h.html('/dashboard', sessionCookie(res)!);
    assert.match(textOf(page), /alice admin/);
    assert.match(textOf(page), /Scheduled jobs/);
  });

  test('an owner token gets in too, and pasting "Bearer <token>" or the whole link works', async () => {
    const owner = await token('owner');
    for (const pasted of [owner, `Bearer ${owner}`, `http://localhost:3000/dashboard/sign-in#token=${owner}`]) {
      const res = await signInWith(pasted);
      assert.equal(res.status, 303, pasted.slice(0, 20));
      assert.ok(sessionCookie(res));
    }
  });

  test('pasting the whole output of npm run token works, however the browser joins its lines', async () => {
    const admin = await token('admin');
    const output = `${admin}\nDashboard sign-in (admin, until 2030-01-01T00:00:00.000Z): http://localhost:3000/dashboard/sign-in#token=${admin}\n`;
    // A one-line field strips the newlines (Chromium) or turns them into spaces (Firefox).
    for (const pasted of [output, output.replaceAll('\n', ''), output.replaceAll('\n', ' ')]) {
      const res = await signInWith(pasted);
      assert.equal(res.status, 303, JSON.stringify(pasted.slice(-40)));
      assert.ok(sessionCookie(res));
    }
  });

  test('the cookie is Secure when the browser came over https (x-forwarded-proto from a proxy such as Replit)', async () => {
    const res = await signInWith(await token('admin'), { 'x-forwarded-proto': 'https', origin: 'https://localhost' });
    assert.equal(res.status, 303);
    assert.match(res.headers.getSetCookie().find((c) => c.startsWith('nightshift_session='))!, /; Secure/);
  });

  test('sign-in returns to the page that was asked for', async () => {
    const res = await h.post('/dashboard/sign-in', { token: await token('admin'), next: '/dashboard/queue?status=failed' });
    assert.equal(res.headers.get('location'), '/dashboard/queue?status=failed');
    const evil = await h.post('/dashboard/sign-in', { token: await token('admin'), next: '//evil.example/x' });
    assert.equal(evil.headers.get('location'), '/dashboard');
  });

  test('a staff token gets a clear 403 refusal page and no cookie', async () => {
    const res = await signInWith(await token('staff', { sub: 'bob' }));
    assert.equal(res.status, 403);
    assert.equal(sessionCookie(res), undefined);
    const text = textOf(await res.text());
    assert.match(text, /The dashboard is for owners and admins/);
    assert.match(text, /You are bob with the staff role/);
    assert.match(text, /npm run token -- --role admin/);
  });

  test('after a staff refusal, the sign-in link keeps the page first asked for', async () => {
    const res = await h.post('/dashboard/sign-in', { token: await token('staff'), next: '/dashboard/queue?status=failed' });
    assert.equal(res.status, 403);
    const page = await res.text();
    const link = /<a [^>]*href="([^"]+)"[^>]*>Use a different token<\/a>/.exec(page)?.[1]?.replaceAll('&amp;', '&');
    assert.equal(link, '/dashboard/sign-in?next=%2Fdashboard%2Fqueue%3Fstatus%3Dfailed');
    const signInPage = await (await h.get(link!)).text();
    assert.match(signInPage, /<input type="hidden" name="next" value="\/dashboard\/queue\?status=failed"/);
    // Without a next, the link is the plain sign-in page.
    const plain = await (await signInWith(await token('staff'))).text();
    assert.match(plain, /href="\/dashboard\/sign-in"[^>]*>Use a different token/);
  });

  const refused = async (tokenText: string, message: RegExp) => {
    const res = await signInWith(tokenText);
    assert.equal(res.status, 401);
    assert.equal(sessionCookie(res), undefined);
    const page = await res.text();
    assert.match(textOf(page), message);
    assert.match(page, /aria-invalid="true"/);
  };

  test('bad tokens are refused with what is wrong', async () => {
    await refused('', /Paste a token to sign in/);
    await refused('not a token at all', /does not look like a token/);
    await refused(await token('admin', { secret: 'another-secret-that-is-at-least-32-bytes-long' }), /not signed with this server's JWT_SECRET\. .*with the server's DATABASE_PATH/);
  });

  test('a refused token stays in the field (escaped), and never in a URL', async () => {
    const expired = await signToken({ sub: 'alice', role: 'admin', ttlSeconds: 60 }, TEST_SECRET, Date.now() - 3_600_000);
    const res = await h.post('/dashboard/sign-in', { token: expired, next: '/dashboard/queue' });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('location'), null);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const page = await res.text();
    assert.match(page, new RegExp(`<input type="text" id="token" name="token" required="" value="${expired.replaceAll('.', '\\.')}"`));
    // Only in that field: no link, form action or hidden field carries it.
    assert.equal(page.split(expired).length - 1, 1);
    assert.match(page, /<form method="post" action="\/dashboard\/sign-in" id="sign-in-form"/);
    // What was pasted is the user's own input, but it is escaped like anything else.
    const odd = await h.post('/dashboard/sign-in', { token: '"><script>alert(1)</script>' });
    const oddPage = await odd.text();
    assert.match(oddPage, /value="&quot;&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;"/);
    assert.doesNotMatch(oddPage, /<script>alert/);
  });

  test('an expired token is refused', async () => {
    await refused(await signToken({ sub: 'alice', role: 'admin', ttlSeconds: 60 }, TEST_SECRET, Date.now() - 3_600_000), /This token has expired/);
  });

  test('the session ends when its token would have: a 30-second token opens a 30-second session', async () => {
    const res = await signInWith(await token('admin', { sub: 'alice', ttlSeconds: 30 }));
    assert.equal(res.status, 303);
    const header = res.headers.getSetCookie().find((c) => c.startsWith('nightshift_session='))!;
    const maxAge = Number(/; Max-Age=(\d+)/.exec(header)?.[1]);
    assert.ok(maxAge > 0 && maxAge <= 30, `Max-Age ${maxAge}`);
    // The signed session itself ends with the token, so a browser that kept the cookie longer is
    // refused by the server too.
    const value = /nightshift_session=([^;]+)/.exec(header)![1]!;
    const session = JSON.parse(Buffer.from(value.split('.')[1]!, 'base64url').toString('utf8')) as { exp: number };
    assert.ok(session.exp <= Date.now() + 30_000, `session exp ${new Date(session.exp).toISOString()}`);
  });

  test('a token without exp is refused (the API requires exp too)', async () => {
    const noExp = await sign({ sub: 'alice', role: 'admin' }, TEST_SECRET, 'HS256');
    await refused(noExp, /missing a claim or lives too long: it must carry sub, role .* iat and exp/);
  });

  test('a token signed with another algorithm, or none, is refused', async () => {
    const exp = Math.floor(Date.now() / 1000) + 600;
    await refused(await sign({ sub: 'alice', role: 'admin', exp }, TEST_SECRET, 'HS512'), /signed with HS512; this server only accepts HS256/);
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    await refused(`${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'alice', role: 'admin', exp })}.`, /this server only accepts HS256|invalid header/);
  });
});

describe('login CSRF', () => {
  test('a sign-in posted from another site is refused', async () => {
    const res = await signInWith(await token('admin'), { origin: 'https://evil.example' });
    assert.equal(res.status, 403);
    assert.equal(sessionCookie(res), undefined);
    assert.match(textOf(await res.text()), /Sign-in refused/);
  });

  test('Origin "null" (sent under Referrer-Policy: no-referrer) passes only with Sec-Fetch-Site: same-origin', async () => {
    const ok = await signInWith(await token('admin'), { origin: 'null', 'sec-fetch-site': 'same-origin' });
    assert.equal(ok.status, 303);
    const crossSite = await signInWith(await token('admin'), { origin: 'null', 'sec-fetch-site': 'cross-site' });
    assert.equal(crossSite.status, 403);
    const unknown = await signInWith(await token('admin'), { origin: 'null' });
    assert.equal(unknown.status, 403);
  });
});

describe('sessions', () => {
  test('an expired session is sent to sign in again, with a message, and its cookie is cleared', async () => {
    const store = createSessionStore(TEST_SECRET, 480);
    const { cookie } = store.issue({ sub: 'alice', role: 'admin' }, Date.now() - 9 * 60 * 60_000);
    const res = await h.get('/dashboard/queue', `nightshift_session=${cookie}`);
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/dashboard/sign-in?reason=expired&next=%2Fdashboard%2Fqueue');
    assert.match(res.headers.getSetCookie().join('\n'), /nightshift_session=; Max-Age=0/);
    const page = await (await h.get(res.headers.get('location')!)).text();
    assert.match(textOf(page), /Your session expired\. Sign in again to continue\./);
    const live = await h.get('/dashboard', `nightshift_session=${cookie}`, { 'x-nightshift-live': '1' });
    assert.equal(live.status, 401);
    assert.equal(live.headers.get('x-nightshift-session'), 'expired');
  });

  test('a tampered or foreign cookie is not a session', async () => {
    const cookie = (await h.signIn()).replace('nightshift_session=', '');
    const [v, body, mac] = cookie.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body!, 'base64url').toString()), role: 'owner', sub: 'mallory' })).toString('base64url');
    for (const bad of [`${v}.${forged}.${mac}`, 'garbage', createSessionStore('another-secret-that-is-at-least-32-bytes!!').issue({ sub: 'x', role: 'admin' }).cookie]) {
      const res = await h.get('/dashboard', `nightshift_session=${bad}`);
      assert.equal(res.status, 303);
      assert.match(res.headers.get('location')!, /reason=invalid/);
    }
  });

  test('sign-out ends the session: the same cookie no longer opens the dashboard', async () => {
    const cookie = await h.signIn();
    const res = await h.post('/dashboard/sign-out', { _csrf: await h.csrf(cookie) }, { cookie });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/dashboard/sign-in?reason=signed-out');
    assert.match(res.headers.getSetCookie().join('\n'), /nightshift_session=; Max-Age=0/);
    const again = await h.get('/dashboard', cookie);
    assert.equal(again.status, 303);
    assert.match(again.headers.get('location')!, /reason=signed-out/);
  });

  test('the session lifetime follows DASHBOARD_SESSION_MINUTES', async () => {
    const store = createSessionStore(TEST_SECRET, 5);
    const { session } = store.issue({ sub: 'a', role: 'admin' }, 1_000);
    assert.equal(session.exp, 1_000 + 5 * 60_000);
    assert.equal(store.read(store.issue({ sub: 'a', role: 'admin' }, 0).cookie, 5 * 60_000 + 1).ok, false);
    // and never longer than a week, whatever the caller passes
    assert.equal(createSessionStore(TEST_SECRET, 10 * 24 * 60).lifetimeMs, 7 * 24 * 60 * 60_000);
  });
});
