// CSRF defence on every state-changing dashboard action: the session's own token (hidden field or
// X-CSRF-Token header), compared in constant time, plus a same-origin check. A refused request
// changes nothing and gets a 403 page.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { listRuns } from '../../src/store/sqlite/runs/ledger.ts';
import { dashboardHarness, textOf, type DashboardHarness } from './helpers.ts';

let h: DashboardHarness;
let cookie: string;
let csrf: string;
before(async () => {
  h = await dashboardHarness({ start: true });
  cookie = await h.signIn();
  csrf = await h.csrf(cookie);
});
after(() => h.close());

const runsOf = (name: string) => listRuns(h.db, { name, limit: 10 }).length;

async function assertRefused(res: Response) {
  assert.equal(res.status, 403);
  assert.match(textOf(await res.text()), /This action was refused.*Nothing was changed/);
}

describe('CSRF', () => {
  test('every signed-in page carries the token in a meta tag and in each form', async () => {
    const page = await h.html('/dashboard', cookie);
    assert.match(page, new RegExp(`<meta name="csrf-token" content="${csrf}"/>`));
    assert.match(page, new RegExp(`<input type="hidden" name="_csrf" value="${csrf}"/>`));
  });

  test('a POST without the token is refused and does nothing', async () => {
    await assertRefused(await h.post('/dashboard/jobs/cleanupI18nCache/run', {}, { cookie }));
    assert.equal(runsOf('cleanupI18nCache'), 0);
    const job = h.queue.enqueue({ type: 'system.ping' }).job;
    await assertRefused(await h.post(`/dashboard/queue/${job.id}/cancel`, {}, { cookie }));
    assert.equal((await h.queue.get(job.id))!.status, 'pending');
    await assertRefused(await h.post('/dashboard/queue/new', { type: 'system.ping', payload: '{}' }, { cookie }));
    assert.equal((await h.queue.list({ limit: 10 })).total, 1);
  });

  test("a wrong token, or another session's token, is refused", async () => {
    await assertRefused(await h.post('/dashboard/jobs/cleanupI18nCache/run', { _csrf: 'x'.repeat(43) }, { cookie }));
    const otherCookie = await h.signIn('owner');
    const otherToken = await h.csrf(otherCookie);
    assert.notEqual(otherToken, csrf);
    await assertRefused(await h.post('/dashboard/jobs/cleanupI18nCache/run', { _csrf: otherToken }, { cookie }));
    assert.equal(runsOf('cleanupI18nCache'), 0);
  });

  test('the right token from another origin is refused', async () => {
    await assertRefused(await h.post('/dashboard/jobs/cleanupI18nCache/run', { _csrf: csrf }, { cookie, headers: { origin: 'https://evil.example' } }));
    await assertRefused(
      await h.post('/dashboard/jobs/cleanupI18nCache/run', { _csrf: csrf }, { cookie, headers: { origin: 'null', 'sec-fetch-site': 'cross-site' } }),
    );
    assert.equal(runsOf('cleanupI18nCache'), 0);
  });

  test('the right token in the form, or in the X-CSRF-Token header, from this origin is accepted', async () => {
    const res = await h.post('/dashboard/jobs/cleanupI18nCache/run', { _csrf: csrf }, { cookie });
    assert.equal(res.status, 303);
    await h.scheduler.idle();
    const viaHeader = await h.app.request('/dashboard/jobs/pruneHistory/run', {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrf, 'sec-fetch-site': 'same-origin', origin: 'null' },
    });
    assert.equal(viaHeader.status, 303);
    await h.scheduler.idle();
    assert.equal(runsOf('cleanupI18nCache'), 1);
    assert.equal(runsOf('pruneHistory'), 1);
  });

  test('a JSON body cannot carry the token (forms only), so it is refused', async () => {
    const res = await h.app.request('/dashboard/jobs/cleanupI18nCache/run', {
      method: 'POST',
      headers: { cookie, origin: 'http://localhost', 'content-type': 'application/json' },
      body: JSON.stringify({ _csrf: csrf }),
    });
    await assertRefused(res);
  });
});
