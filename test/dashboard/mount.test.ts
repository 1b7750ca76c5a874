// The dashboard and the API docs mounted by a host app anywhere: at '/', '/admin/jobs' and
// '/a/b/jobs' they find their base path from the mount alone, and every link, asset, redirect,
// cookie, form and "next" page stays under it. Then the host's `authorize` hook: no access is a 401
// page, viewers read but cannot act, admins act, and there is no sign-in form.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import type { Browser } from 'playwright-core';
import { safeDashboardPath } from '../../src/dashboard/paths.ts';
import { authenticate, requireRole } from '../../src/http/auth/auth.ts';
import { ADMIN_ROLES } from '../../src/http/auth/roles.ts';
import { handleError } from '../../src/http/errors.ts';
import { queueRoutes } from '../../src/http/routes/queue.ts';
import { metricsRoutes } from '../../src/metrics/routes.ts';
import { tempDb, testApp, token } from '../helpers/index.ts';
import { FORM, ORIGIN, flashCookie, sessionCookie } from './helpers.ts';
import { CHROMIUM_PATH, chromiumAvailable, launchChromium } from './runtime-helpers.ts';
import { USER_HEADER, headerAuthorize, hostApp, nightshiftDeps, postActionsOf, urlsOf, type NightshiftDeps } from './mount-helpers.ts';

let env: NightshiftDeps;
before(async () => {
  env = await nightshiftDeps();
});
after(() => env.close());

/** A URL on the page is ours if it is under the base (or only a fragment of the same page). */
function assertUnder(url: string, base: string, where: string) {
  if (url.startsWith('#')) return;
  const ok = url === (base || '/') || url.startsWith(`${base}/`) || url.startsWith(`${base}?`);
  assert.ok(ok && !url.startsWith('//'), `${where}: ${url} is not under "${base || '/'}"`);
}

for (const base of ['', '/admin/jobs', '/a/b/jobs']) {
  const at = (local: string) => (local === '/' ? base || '/' : `${base}${local}`);

  describe(`mounted at "${base || '/'}" with the built-in sign-in`, () => {
    let host: Hono;
    let cookie: string;
    let csrf: string;
    const get = (path: string, headers: Record<string, string> = {}) => host.request(path, { headers: { ...(cookie ? { cookie } : {}), ...headers } });
    const post = (path: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
      host.request(path, { method: 'POST', headers: { 'content-type': FORM, origin: ORIGIN, ...(cookie ? { cookie } : {}), ...headers }, body: new URLSearchParams(form).toString() });

    before(async () => {
      host = hostApp(env.deps, base);
      cookie = '';
    });

    test('sign-in: redirects go to the base, the session cookie is scoped to it, "next" must stay under it', async () => {
      const away = await host.request(at('/runs?status=failed'));
      assert.equal(away.status, 303);
      assert.equal(away.headers.get('location'), `${at('/sign-in')}?reason=required&next=${encodeURIComponent(at('/runs?status=failed'))}`);

      const signInPage = await (await host.request(`${at('/sign-in')}?next=${encodeURIComponent(at('/queue'))}`)).text();
      assert.match(signInPage, new RegExp(`<input type="hidden" name="next" value="${at('/queue')}"/>`));
      for (const url of urlsOf(signInPage)) assertUnder(url, base, 'sign-in page');

      const admin = await token('admin');
      const toQueue = await post(at('/sign-in'), { token: admin, next: at('/queue') });
      assert.equal(toQueue.status, 303);
      assert.equal(toQueue.headers.get('location'), at('/queue'));
      const setCookie = toQueue.headers.getSetCookie().find((c) => c.startsWith('nightshift_session='))!;
      assert.match(setCookie, new RegExp(`; Path=${base || '/'}(;|$)`));

      // Outside the base (at the root nothing is), the API beside the pages, another site: the overview instead.
      const outsides = ['//evil.example/x', `${base}/api/openapi.json`, `${base}/../x`, 'https://evil.example/', ...(base ? ['/elsewhere', '/host-page', base.slice(0, -1)] : [])];
      for (const outside of outsides) {
        const res = await post(at('/sign-in'), { token: admin, next: outside });
        assert.equal(res.headers.get('location'), at('/'), outside);
      }
      cookie = sessionCookie(toQueue)!;
      const page = await (await get(at('/'))).text();
      csrf = /<meta name="csrf-token" content="([^"]+)"/.exec(page)![1]!;
    });

    test('the overview answers at the base and the base with a slash', async () => {
      const overview = await get(at('/'));
      assert.equal(overview.status, 200);
      assert.match(await overview.text(), /<title>Overview · Nightshift<\/title>/);
      const slash = await get(`${base}/`);
      if (base) {
        assert.equal(slash.status, 308);
        assert.equal(slash.headers.get('location'), base);
      } else {
        assert.equal(slash.status, 200);
      }
    });

    test('actions under the base: run now, enqueue, cancel, retry (with CSRF), and their flash cookie', async () => {
      const back = at('/jobs/cleanupI18nCache');
      const refused = await post(at('/jobs/cleanupI18nCache/run'), { back });
      assert.equal(refused.status, 403, 'no CSRF token');

      const ran = await post(at('/jobs/cleanupI18nCache/run'), { _csrf: csrf, back });
      assert.equal(ran.status, 303);
      assert.equal(ran.headers.get('location'), back);
      const flash = ran.headers.getSetCookie().find((c) => c.startsWith('nightshift_flash='))!;
      assert.match(flash, new RegExp(`; Path=${base || '/'}(;|$)`));
      const shown = await (await get(back, { cookie: `${cookie}; ${flashCookie(ran)}` })).text();
      // Started, or still running from the mount tested before: either way a link to the run.
      assert.match(shown, new RegExp(`<a href="${at('/runs/')}[^"]+" class="flash-link">View the (running )?run</a>`));

      // A "back" outside the base is not followed (at the root, the host's page is a dashboard path).
      const outside = await post(at('/jobs/cleanupI18nCache/run'), { _csrf: csrf, back: base ? '/host-page' : '//host-page' });
      assert.equal(outside.headers.get('location'), back);

      const enqueued = await post(at('/queue/new'), { _csrf: csrf, type: 'system.ping', payload: '{}' });
      assert.equal(enqueued.status, 303);
      const id = new RegExp(`^${at('/queue/')}([0-9a-f-]{36})$`).exec(enqueued.headers.get('location') ?? '')?.[1];
      assert.ok(id, `enqueue redirected to ${enqueued.headers.get('location')}`);
      // The runner is not started: the job waits, so it can be cancelled, then retried.
      const cancelled = await post(at(`/queue/${id}/cancel`), { _csrf: csrf });
      assert.equal(cancelled.headers.get('location'), at(`/queue/${id}`));
      assert.equal((await env.deps.queue.get(id!))!.status, 'cancelled');
      const retried = await post(at(`/queue/${id}/retry`), {}, { 'x-csrf-token': csrf });
      assert.equal(retried.headers.get('location'), at(`/queue/${id}`));
      assert.equal((await env.deps.queue.get(id!))!.status, 'pending');
      await env.deps.queue.cancel(id!);
    });

    test('every link, asset and form on every page is under the base, and answers', async () => {
      const run = (await env.deps.store.runs.list({ limit: 1 }))[0]!;
      const job = (await env.deps.queue.enqueue({ type: 'system.ping', runAt: Date.now() + 3_600_000 })).job;
      const pages = ['/', '/runs', '/queue', '/queue/new', '/jobs/cleanupI18nCache', `/runs/${run.id}`, `/queue/${job.id}`, `/queue/${job.id}/cancel`, '/no-such-page'].map(at);
      const seen = new Set<string>();
      const posted = new Set<string>();
      for (const page of pages) {
        const res = await get(page);
        assert.equal(res.status, page.endsWith('/no-such-page') ? 404 : 200, page);
        const html = await res.text();
        const stale = /[\s"'(=]\/dashboard(?=[/?"'\s])[^\s"]*/.exec(html)?.[0];
        assert.equal(stale, undefined, `${page} still names /dashboard`);
        assert.match(html, new RegExp(`<body[^>]* data-base="${base}"`));
        for (const url of urlsOf(html)) {
          assertUnder(url, base, page);
          if (!url.startsWith('#')) seen.add(url);
        }
        for (const action of postActionsOf(html)) posted.add(action);
      }
      const assets = [...seen].filter((u) => u.startsWith(`${base}/assets/`));
      assert.equal(assets.length, 12, 'the favicon, ten stylesheets and the script');
      assert.ok(posted.has(at('/sign-out')) && posted.has(at('/queue/new')), 'the forms post under the base');
      // Links and GET forms answer a GET (POST forms were exercised above).
      for (const url of [...seen].filter((u) => !posted.has(u))) {
        const res = await get(url);
        if (assets.includes(url)) assert.equal(res.status, 200, url);
        else assert.ok([200, 303, 308].includes(res.status), `${url} answered ${res.status}`);
      }
      await env.deps.queue.cancel(job.id);
    });

    test('the API docs beneath the base: page assets, spec URL and the servers entry', async () => {
      const page = await host.request(at('/api/docs'));
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.match(html, new RegExp(`data-spec-url="${base}/api/openapi.json"`));
      const urls = urlsOf(html);
      assert.equal(urls.filter((u) => u.startsWith(`${base}/api/docs/assets/`)).length, 6);
      for (const url of urls) {
        assertUnder(url, base, 'docs page');
        assert.equal((await host.request(url)).status, 200, url);
      }
      const document = (await (await host.request(at('/api/openapi.json'))).json()) as { servers: { url: string }[] };
      assert.deepEqual(document.servers, [{ url: base || '/' }]);
      for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
        const res = await host.request(at(`/api/docs/assets/${name}`));
        assert.equal(res.status, 404, name);
      }
    });

    test('sign-out goes back to the sign-in page under the base', async () => {
      const res = await post(at('/sign-out'), { _csrf: csrf });
      assert.equal(res.status, 303);
      assert.equal(res.headers.get('location'), `${at('/sign-in')}?reason=signed-out`);
      assert.match(res.headers.getSetCookie().join('\n'), new RegExp(`nightshift_session=;[^\\n]*Path=${base || '/'}`));
    });
  });
}

describe('the return-to path under a base', () => {
  test('only paths under the current base, never its sign-in, API, metrics or assets', () => {
    for (const ok of ['/admin/jobs', '/admin/jobs/runs?status=failed', '/admin/jobs?x=1']) assert.equal(safeDashboardPath(ok, '/admin/jobs'), ok);
    for (const bad of ['/admin/jobsx', '/admin', '/dashboard', '/admin/jobs/sign-in', '/admin/jobs//evil', '/admin/jobs/../x', '/admin/jobs/api/docs', '/admin/jobs/metrics', '/admin/jobs/assets/x.css']) {
      assert.equal(safeDashboardPath(bad, '/admin/jobs'), undefined, bad);
    }
    for (const ok of ['/', '/runs', '/queue?status=failed']) assert.equal(safeDashboardPath(ok, ''), ok);
    for (const bad of ['', '?x', '//evil.example', '/sign-in', '/api/openapi.json', '/metrics', 'https://evil.example', '/%2e%2e/x']) assert.equal(safeDashboardPath(bad, ''), undefined, bad);
  });
});

describe("the host's authorize hook", () => {
  const base = '/admin/jobs';
  let host: Hono;
  before(() => {
    host = hostApp(env.deps, base, { authorize: headerAuthorize });
  });
  const as = (user: string | undefined, path: string, init: RequestInit = {}) =>
    host.request(path, { ...init, headers: { ...(user ? { [USER_HEADER]: user } : {}), ...(init.headers as Record<string, string>) } });
  const postAs = (user: string, path: string, form: Record<string, string>) =>
    as(user, path, { method: 'POST', headers: { 'content-type': FORM, origin: ORIGIN }, body: new URLSearchParams(form).toString() });
  const csrfOf = async (user: string) => /<meta name="csrf-token" content="([^"]+)"/.exec(await (await as(user, base)).text())![1]!;

  test('no access: a 401 page that names the host app, no sign-in form, no redirect', async () => {
    for (const path of [base, `${base}/runs`, `${base}/sign-in`]) {
      const res = await as(undefined, path);
      assert.equal(res.status, 401, path);
      const html = await res.text();
      assert.match(html, /did not grant you access/);
      assert.doesNotMatch(html, /<form|name="token"|Sign in to Nightshift/);
    }
    const live = await as('nobody', `${base}/runs`, { headers: { 'x-nightshift-live': '1' } });
    assert.equal(live.status, 401);
    assert.equal(live.headers.get('x-nightshift-session'), 'denied');
  });

  test('a viewer reads every page but is refused every action', async () => {
    const html = await (await as('viewer:vera', base)).text();
    assert.match(html, /<span class="who-name">vera<\/span><span class="who-role">viewer<\/span>/);
    assert.doesNotMatch(html, /Sign out|action="[^"]*sign-out"/);
    for (const path of ['/runs', '/queue', '/queue/new', '/jobs/cleanupI18nCache']) assert.equal((await as('viewer:vera', `${base}${path}`)).status, 200, path);
    // The controls say why they are off: run-now disabled, no cancel button.
    assert.match(html, /title="You can look but not act: this needs an admin" disabled=""/);
    const csrf = await csrfOf('viewer:vera');
    const job = (await env.deps.queue.enqueue({ type: 'system.ping', runAt: Date.now() + 3_600_000 })).job;
    assert.doesNotMatch(await (await as('viewer:vera', `${base}/queue/${job.id}`)).text(), /data-dialog="cancel-dialog"|action="[^"]*\/cancel"/);
    assert.match(await (await as('admin:ada', `${base}/queue/${job.id}`)).text(), /action="[^"]*\/cancel"/);
    for (const [path, form] of [
      [`${base}/queue/${job.id}/cancel`, {}],
      [`${base}/queue/${job.id}/retry`, {}],
      [`${base}/jobs/cleanupI18nCache/run`, {}],
      [`${base}/queue/new`, { type: 'system.ping', payload: '{}' }],
    ] as const) {
      const res = await postAs('viewer:vera', path, { _csrf: csrf, ...form });
      assert.equal(res.status, 403, path);
      assert.match(await res.text(), /Viewers cannot change anything/);
    }
    assert.equal((await env.deps.queue.get(job.id))!.status, 'pending');
    await env.deps.queue.cancel(job.id);
  });

  test('an admin acts with the CSRF token of its own pages; no session cookie is set', async () => {
    const page = await as('admin:ada', base);
    assert.equal(page.headers.getSetCookie().some((c) => c.startsWith('nightshift_session=')), false);
    const csrf = await csrfOf('admin:ada');
    const job = (await env.deps.queue.enqueue({ type: 'system.ping', runAt: Date.now() + 3_600_000 })).job;
    assert.equal((await postAs('admin:ada', `${base}/queue/${job.id}/cancel`, {})).status, 403, 'no token');
    assert.equal((await postAs('admin:ada', `${base}/queue/${job.id}/cancel`, { _csrf: await csrfOf('admin:other') })).status, 403, "another actor's token");
    const cross = await as('admin:ada', `${base}/queue/${job.id}/cancel`, {
      method: 'POST',
      headers: { 'content-type': FORM, origin: 'https://evil.example' },
      body: new URLSearchParams({ _csrf: csrf }).toString(),
    });
    assert.equal(cross.status, 403, 'cross-origin');
    const res = await postAs('admin:ada', `${base}/queue/${job.id}/cancel`, { _csrf: csrf });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), `${base}/queue/${job.id}`);
    assert.equal((await env.deps.queue.get(job.id))!.status, 'cancelled');

    const enqueued = await postAs('admin:ada', `${base}/queue/new`, { _csrf: csrf, type: 'system.ping', payload: '{}' });
    const id = /\/queue\/([0-9a-f-]{36})$/.exec(enqueued.headers.get('location') ?? '')![1]!;
    assert.equal((await env.deps.queue.get(id))!.createdBy, 'ada');
    await env.deps.queue.cancel(id);
  });

  test('a synchronous hook works as well as an async one; a malformed answer is an error, not access', async () => {
    const sync = hostApp(env.deps, '/sync', { authorize: () => ({ role: 'viewer' }) });
    const page = await sync.request('/sync');
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<span class="who-role">viewer<\/span>/);
    const wrong = hostApp(env.deps, '/wrong', { authorize: () => ({ role: 'Admin' }) as never });
    assert.equal((await wrong.request('/wrong')).status, 500);
  });

  test('the API and /metrics decide from the same hook', async () => {
    const api = new Hono();
    api.use('/api/*', authenticate({ authorize: headerAuthorize }));
    api.route('/api/v1/jobs', queueRoutes(env.deps, requireRole(ADMIN_ROLES)));
    api.route('/', metricsRoutes({ ...env.deps, metricsToken: 'scrape-token' }, { authorize: headerAuthorize }));
    api.onError(handleError(env.deps.logger));
    const json = { 'content-type': 'application/json' };

    const denied = await api.request('/api/v1/jobs');
    assert.equal(denied.status, 401);
    assert.equal(((await denied.json()) as { code: string }).code, 'UNAUTHORIZED');
    // Listing the queue is for admins; reading a job's progress for any role.
    assert.equal((await api.request('/api/v1/jobs', { headers: { [USER_HEADER]: 'viewer:vera' } })).status, 403);
    assert.equal((await api.request('/api/v1/jobs', { headers: { [USER_HEADER]: 'admin:ada' } })).status, 200);
    const body = JSON.stringify({ type: 'system.ping', data: {}, runAt: new Date(Date.now() + 3_600_000).toISOString() });
    const forbidden = await api.request('/api/v1/jobs', { method: 'POST', headers: { ...json, [USER_HEADER]: 'viewer:vera' }, body });
    assert.equal(forbidden.status, 403);
    const created = await api.request('/api/v1/jobs', { method: 'POST', headers: { ...json, [USER_HEADER]: 'admin:ada' }, body });
    assert.equal(created.status, 201);
    const job = (await created.json()) as { id: string; createdBy: string };
    assert.equal(job.createdBy, 'ada');
    await env.deps.queue.cancel(job.id);

    assert.equal((await api.request('/metrics')).status, 401);
    assert.equal((await api.request('/metrics', { headers: { [USER_HEADER]: 'viewer:vera' } })).status, 403);
    assert.equal((await api.request('/metrics', { headers: { [USER_HEADER]: 'admin:ada' } })).status, 200);
    assert.equal((await api.request('/metrics', { headers: { authorization: 'Bearer scrape-token' } })).status, 200);
  });
});

describe('the docs assets of createApp', () => {
  test('names of inherited properties are unknown assets: 404, not 500', async () => {
    const t = tempDb();
    const { app, scheduler } = await testApp(t);
    try {
      for (const name of ['__proto__', 'constructor', 'toString']) {
        const res = await app.request(`/api/docs/assets/${name}`);
        assert.equal(res.status, 404, name);
        assert.equal(((await res.json()) as { code: string }).code, 'NOT_FOUND');
      }
    } finally {
      await scheduler.stop();
      t.cleanup();
    }
  });
});

describe('in Chromium, mounted at /admin/jobs behind a host authorize', { timeout: 120_000 }, () => {
  const available = chromiumAvailable();
  let browser: Browser | undefined;
  let server: ServerType | undefined;
  let origin = '';

  before(async () => {
    if (!available && process.env.CI === 'true') throw new Error(`Chromium is required in CI but was not found at ${CHROMIUM_PATH} (apt-get install chromium)`);
    if (!available) return;
    const host = hostApp(env.deps, '/admin/jobs', { authorize: () => ({ role: 'admin', actor: 'browser-admin' }) });
    const listening = await new Promise<AddressInfo>((resolve) => {
      server = serve({ fetch: host.fetch, hostname: '127.0.0.1', port: 0 }, resolve);
    });
    origin = `http://127.0.0.1:${listening.port}`;
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  });

  test('every asset loads, the page refreshes itself, and an action works', { skip: available ? false : `Chromium not found at ${CHROMIUM_PATH}` }, async () => {
    const context = await browser!.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    const assets = new Map<string, number>();
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('response', (r) => {
      const path = new URL(r.url()).pathname;
      if (path.includes('/assets/')) assets.set(path, r.status());
      if (!path.startsWith('/admin/jobs')) problems.push(`request outside the base: ${path}`);
    });

    await page.goto(`${origin}/admin/jobs`);
    await page.locator('#live-status[data-state="live"]').waitFor();
    assert.equal(assets.size, 12, [...assets.keys()].join(', '));
    for (const [path, status] of assets) {
      assert.ok(path.startsWith('/admin/jobs/assets/'), path);
      assert.equal(status, 200, path);
    }
    assert.equal(await page.locator('.who-name').innerText(), 'browser-admin');
    assert.equal(await page.locator('form.sign-out').count(), 0, 'no sign-out: the host signs people in and out');

    // Live refresh: change the data behind the page; the count changes without a reload.
    await page.evaluate(`window.marker = 'no reload'`);
    const pending = page.locator('#overview-stats .stat-pending .stat-value');
    const before = Number(await pending.innerText());
    const job = (await env.deps.queue.enqueue({ type: 'system.ping', runAt: Date.now() + 3_600_000 })).job;
    // (A locator wait: waitForFunction would evaluate a string, which the page's CSP forbids.)
    await pending.filter({ hasText: new RegExp(`^${before + 1}$`) }).waitFor();
    assert.equal(await page.evaluate('window.marker'), 'no reload');

    // An action through the page's script: its CSRF token and same-origin request pass.
    await page.getByRole('button', { name: 'Run now: pruneHistory' }).click();
    await page.locator('#flash').getByText('Started a run of pruneHistory.').waitFor();
    assert.equal(await page.evaluate('window.marker'), 'no reload');

    await env.deps.queue.cancel(job.id);
    assert.deepEqual(problems, []);
    await context.close();
  });
});
