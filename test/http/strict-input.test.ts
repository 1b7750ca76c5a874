// Input the schemas used to let through: hex or exponent limits, dates that cannot round-trip, and
// the WWW-Authenticate challenge on 401s raised by our own claims check (not only hono's).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sign } from 'hono/jwt';
import { bearer, tempDb, testApp, TEST_SECRET, type TempDb, type TestApp } from '../helpers/index.ts';

let t: TempDb;
let h: TestApp;
let admin: Record<string, string>;

before(async () => {
  t = tempDb();
  h = await testApp(t, { enabled: false });
  admin = await bearer('admin');
});
after(() => t.cleanup());

test('limit and offset accept only plain whole numbers', async () => {
  for (const query of ['limit=0x10', 'limit=1e2', 'limit=', 'limit=+5', 'offset=1.0']) {
    const res = await h.app.request(`/api/jobs/runs?${query}`, { headers: admin });
    const body = (await res.json()) as { code: string; field: string };
    assert.equal(res.status, 400, query);
    assert.equal(body.code, 'VALIDATION_ERROR');
    assert.match(body.field, /^(limit|offset)$/);
  }
  const ok = await h.app.request('/api/jobs/runs?limit=7&offset=0', { headers: admin });
  assert.equal(((await ok.json()) as { limit: number }).limit, 7);
});

test('dates beyond year 9999 are refused instead of stored', async () => {
  const res = await h.app.request('/api/preview-sessions', {
    method: 'POST',
    headers: { ...admin, 'content-type': 'application/json' },
    body: JSON.stringify({ expiresAt: '9999-12-31T23:59:59-14:00' }),
  });
  assert.equal(res.status, 400);
  assert.equal(((await res.json()) as { field: string }).field, 'expiresAt');
});

test('a token without exp gets 401 with a Bearer challenge', async () => {
  const noExp = await sign({ sub: 'x', role: 'admin' }, TEST_SECRET, 'HS256');
  const res = await h.app.request('/api/jobs/status', { headers: { authorization: `Bearer ${noExp}` } });
  assert.equal(res.status, 401);
  assert.equal(res.headers.get('www-authenticate'), 'Bearer');
});
