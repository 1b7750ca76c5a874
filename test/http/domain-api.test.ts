// Seed 000's functional proof (sections C and D) replayed over HTTP, in-process: the small domain
// the two jobs clean (preview sessions, i18n cache) and what a client sees before and after each
// cleanup. Each test gets a fresh database and a started scheduler, so counts are exact.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { bearer, tempDb, testApp, type TestApp } from '../helpers/index.ts';

type Json = Record<string, any>;
const DAY = 86_400_000;
const at = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

async function startedApp(t: TestContext): Promise<TestApp> {
  const db = tempDb();
  const h = await testApp(db);
  await h.scheduler.start();
  t.after(async () => {
    await h.scheduler.stop(1_000);
    db.cleanup();
  });
  return h;
}

async function send(h: TestApp, method: string, path: string, body?: unknown, auth = true): Promise<{ status: number; body: Json }> {
  const headers: Record<string, string> = auth ? await bearer('admin') : {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await h.app.request(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Json };
}

const validate = (h: TestApp, token: string) => send(h, 'GET', `/api/preview-sessions/${encodeURIComponent(token)}/validate`, undefined, false);
const runJob = (h: TestApp, name: string) => send(h, 'POST', `/api/jobs/run/${name}`);

async function createSession(h: TestApp, expiresAt: string): Promise<Json> {
  const res = await send(h, 'POST', '/api/preview-sessions', { expiresAt });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

test('seed 000 C: an expired preview session is 410 EXPIRED before cleanup and 404 NOT_FOUND after', async (t) => {
  const h = await startedApp(t);
  // C1: created expired, answered with exactly {id, token, expiresAt}.
  const expiresAt = at(-DAY);
  const expired = await createSession(h, expiresAt);
  assert.deepEqual(Object.keys(expired).sort(), ['expiresAt', 'id', 'token']);
  assert.equal(typeof expired.id, 'string');
  assert.equal(typeof expired.token, 'string');
  assert.equal(expired.expiresAt, expiresAt);
  const live = await createSession(h, at(DAY));

  // C2: validate before cleanup.
  const before = await validate(h, expired.token);
  assert.equal(before.status, 410);
  assert.deepEqual(before.body, { error: 'Preview session expired', code: 'EXPIRED' });

  // C3: run the cleanup job.
  const run = await runJob(h, 'cleanupPreviewSessions');
  assert.equal(run.status, 200);
  assert.equal(run.body.job, 'cleanupPreviewSessions');
  assert.equal(run.body.result.success, true);
  assert.equal(run.body.result.details.expiredCount, 1);
  assert.equal(run.body.result.details.revokedCount, 0);

  // C4: validate after cleanup: gone.
  const after = await validate(h, expired.token);
  assert.equal(after.status, 404);
  assert.deepEqual(after.body, { error: 'Preview session not found', code: 'NOT_FOUND' });

  // The live session is untouched and still validates.
  const stillLive = await validate(h, live.token);
  assert.equal(stillLive.status, 200);
  assert.equal(stillLive.body.valid, true);
  assert.equal(stillLive.body.id, live.id);

  // Idempotent: a second run removes nothing.
  const again = await runJob(h, 'cleanupPreviewSessions');
  assert.deepEqual([again.body.result.details.expiredCount, again.body.result.details.revokedCount], [0, 0]);
});

test('a revoked session validates as 410 REVOKED and the cleanup counts it as revokedCount 1', async (t) => {
  const h = await startedApp(t);
  const session = await createSession(h, at(DAY));
  assert.equal((await validate(h, session.token)).status, 200);

  const revoked = await send(h, 'POST', `/api/preview-sessions/${session.token}/revoke`);
  assert.equal(revoked.status, 200);
  assert.equal(revoked.body.revoked, true);

  const check = await validate(h, session.token);
  assert.equal(check.status, 410);
  assert.deepEqual(check.body, { error: 'Preview session revoked', code: 'REVOKED' });

  const run = await runJob(h, 'cleanupPreviewSessions');
  assert.equal(run.body.result.success, true);
  assert.equal(run.body.result.details.expiredCount, 0);
  assert.equal(run.body.result.details.revokedCount, 1);
  assert.equal((await validate(h, session.token)).status, 404);
});

test('revoking an unknown session is 404 NOT_FOUND; validating an unknown token is 404 NOT_FOUND', async (t) => {
  const h = await startedApp(t);
  const revoke = await send(h, 'POST', '/api/preview-sessions/no-such-token/revoke');
  assert.equal(revoke.status, 404);
  assert.equal(revoke.body.code, 'NOT_FOUND');
  const check = await validate(h, 'no-such-token');
  assert.deepEqual(check, { status: 404, body: { error: 'Preview session not found', code: 'NOT_FOUND' } });
});

test('seed 000 D: an expired i18n cache entry is counted, cleaned (cleanedCount) and gone from the stats', async (t) => {
  const h = await startedApp(t);
  // D1: created expired, answered with exactly {id, promptHash, expiresAt}.
  const expiresAt = at(-3_600_000);
  const created = await send(h, 'POST', '/api/i18n-cache', { promptHash: 'test-cleanup-1', value: 'Bonjour', expiresAt });
  assert.equal(created.status, 201);
  assert.deepEqual(Object.keys(created.body).sort(), ['expiresAt', 'id', 'promptHash']);
  assert.equal(created.body.promptHash, 'test-cleanup-1');
  assert.equal(created.body.expiresAt, expiresAt);

  const before = await send(h, 'GET', '/api/i18n-cache/stats');
  assert.equal(before.status, 200);
  assert.deepEqual(before.body, { count: 1, expired: 1 });

  // D2: run the cleanup.
  const run = await runJob(h, 'cleanupI18nCache');
  assert.equal(run.status, 200);
  assert.equal(run.body.job, 'cleanupI18nCache');
  assert.equal(run.body.result.success, true);
  assert.equal(run.body.result.details.cleanedCount, 1);

  // D3: count after cleanup is 0.
  const after = await send(h, 'GET', '/api/i18n-cache/stats');
  assert.deepEqual(after.body, { count: 0, expired: 0 });
});

test('the i18n cleanup keeps live entries; the same promptHash replaces the previous value', async (t) => {
  const h = await startedApp(t);
  await send(h, 'POST', '/api/i18n-cache', { promptHash: 'live', value: 'a', expiresAt: at(DAY) });
  await send(h, 'POST', '/api/i18n-cache', { promptHash: 'old', value: 'b', expiresAt: at(-DAY) });
  // Re-putting "old" with a future expiry replaces it: still one entry, no longer expired.
  await send(h, 'POST', '/api/i18n-cache', { promptHash: 'old', value: 'c', expiresAt: at(DAY) });
  await send(h, 'POST', '/api/i18n-cache', { promptHash: 'gone', value: 'd', expiresAt: at(-1_000) });
  assert.deepEqual((await send(h, 'GET', '/api/i18n-cache/stats')).body, { count: 3, expired: 1 });

  const run = await runJob(h, 'cleanupI18nCache');
  assert.equal(run.body.result.details.cleanedCount, 1);
  assert.deepEqual((await send(h, 'GET', '/api/i18n-cache/stats')).body, { count: 2, expired: 0 });
});

test('the run history records both cleanups newest first with their details', async (t) => {
  const h = await startedApp(t);
  await createSession(h, at(-DAY));
  const first = await runJob(h, 'cleanupPreviewSessions');
  const second = await runJob(h, 'cleanupI18nCache');
  const runs = await send(h, 'GET', '/api/jobs/runs');
  assert.equal(runs.status, 200);
  assert.deepEqual(runs.body.runs.map((r: Json) => r.id), [second.body.runId, first.body.runId]);
  assert.equal(runs.body.runs[1].status, 'success');
  assert.equal(runs.body.runs[1].details.expiredCount, 1);
  assert.ok(Date.parse(runs.body.runs[1].endedAt) >= Date.parse(runs.body.runs[1].startedAt));
});
