// The jobs half of the HTTP contract (issue 2 "The HTTP API", seed 000 B1-B3): health, status,
// manual trigger (200 result, 202 with ?wait=false, 404, 409 while in flight, 503 when disabled) and
// the run history (newest first, filters, limit default and cap, 400 naming the bad query field).
// In-process with app.request(); each test gets its own database and scheduler.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import * as ledger from '../../src/store/sqlite/runs/ledger.ts';
import { bearer, tempDb, testApp, waitFor, type TestApp } from '../helpers/index.ts';

type Json = Record<string, any>;

/** A started app on a fresh database, torn down when the test ends. */
async function startedApp(t: TestContext, options: Parameters<typeof testApp>[1] = {}): Promise<TestApp & { db: ReturnType<typeof tempDb> }> {
  const db = tempDb();
  const h = await testApp(db, options);
  await h.scheduler.start();
  t.after(async () => {
    await h.scheduler.stop(1_000);
    db.cleanup();
  });
  return { ...h, db };
}

async function get(h: TestApp, path: string): Promise<{ status: number; body: Json }> {
  const res = await h.app.request(path, { headers: await bearer('admin') });
  return { status: res.status, body: (await res.json()) as Json };
}

async function post(h: TestApp, path: string): Promise<{ status: number; body: Json }> {
  const res = await h.app.request(path, { method: 'POST', headers: await bearer('admin') });
  return { status: res.status, body: (await res.json()) as Json };
}

/**
 * A jobs dir holding one job that waits until cancelled (or 20 s), so a run is reliably in flight
 * while the test triggers it again. Plain .mjs: defineJob is an identity function.
 */
function slowJobsDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'nightshift-slow-jobs-'));
  writeFileSync(
    join(dir, 'slow-job.mjs'),
    `export default {
  name: 'slowJob', description: 'Waits until cancelled', schedule: '0 0 1 1 *', timeoutMs: 30000,
  run: (ctx) => new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ waited: true }), 20000);
    ctx.signal.addEventListener('abort', () => { clearTimeout(timer); resolve({ cancelled: true }); });
  }),
};\n`,
  );
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('GET /api/health is public and reports database and scheduler state', async (t) => {
  const h = await startedApp(t);
  const res = await h.app.request('/api/health');
  assert.equal(res.status, 200);
  const body = (await res.json()) as Json;
  assert.equal(body.status, 'ok');
  assert.equal(body.database.ok, true);
  assert.equal(typeof body.database.schemaVersion, 'number');
  assert.deepEqual(body.scheduler, { enabled: true, running: true, role: 'leader' });
});

test('GET /api/jobs/status lists both shipped jobs with their cron schedules (seed 000 B1)', async (t) => {
  const h = await startedApp(t);
  const { status, body } = await get(h, '/api/jobs/status');
  assert.equal(status, 200);
  assert.equal(body.running, true);
  assert.equal(body.enabled, true);
  assert.ok(Array.isArray(body.jobs));
  const byName = new Map((body.jobs as Json[]).map((j) => [j.name, j]));
  assert.equal(byName.get('cleanupPreviewSessions')?.schedule, '0 */6 * * *');
  assert.equal(byName.get('cleanupI18nCache')?.schedule, '0 3 * * *');
  assert.equal(byName.get('cleanupPreviewSessions')?.description, 'Cleanup expired preview sessions');
  assert.equal(byName.get('cleanupI18nCache')?.description, 'Cleanup old i18n cache entries');
  for (const job of body.jobs as Json[]) {
    for (const key of ['name', 'schedule', 'description', 'lastRun', 'nextRun']) assert.ok(key in job, `${job.name} has ${key}`);
    assert.equal(job.lastRun, null, 'no run yet on a fresh database');
    assert.ok(Date.parse(job.nextRun) > Date.now(), `${job.name} nextRun is in the future`);
  }
  // After a run, lastRun points at it.
  const run = await post(h, '/api/jobs/run/cleanupPreviewSessions');
  const after = await get(h, '/api/jobs/status');
  const job = (after.body.jobs as Json[]).find((j) => j.name === 'cleanupPreviewSessions')!;
  assert.equal(job.lastRun.id, run.body.runId);
  assert.equal(job.lastRun.status, 'success');
});

test('POST /api/jobs/run/cleanupPreviewSessions answers {job, result:{success, details}} (seed 000 B2)', async (t) => {
  const h = await startedApp(t);
  const { status, body } = await post(h, '/api/jobs/run/cleanupPreviewSessions');
  assert.equal(status, 200);
  assert.equal(body.job, 'cleanupPreviewSessions');
  assert.equal(body.result.success, true);
  assert.equal(body.result.details.expiredCount, 0);
  assert.equal(body.result.details.revokedCount, 0);
  // The run is in the ledger with the same id.
  const run = await get(h, `/api/jobs/runs/${body.runId}`);
  assert.equal(run.status, 200);
  assert.equal(run.body.run.status, 'success');
  assert.equal(run.body.run.trigger, 'manual');
  assert.deepEqual(run.body.run.details, body.result.details);
});

test('POST /api/jobs/run/:name for an unknown job is 404 JOB_NOT_FOUND and records nothing', async (t) => {
  const h = await startedApp(t);
  const { status, body } = await post(h, '/api/jobs/run/noSuchJob');
  assert.equal(status, 404);
  assert.equal(body.code, 'JOB_NOT_FOUND');
  assert.equal(typeof body.error, 'string');
  assert.equal(ledger.listRuns(h.db.db, { limit: 10 }).length, 0);
});

test('POST /api/jobs/run/:name?wait=false answers 202 with the run id, which finishes in the ledger', async (t) => {
  const h = await startedApp(t);
  const { status, body } = await post(h, '/api/jobs/run/cleanupPreviewSessions?wait=false');
  assert.equal(status, 202);
  assert.equal(body.job, 'cleanupPreviewSessions');
  assert.equal(typeof body.runId, 'string');
  assert.equal(body.statusUrl, `/api/jobs/runs/${body.runId}`);
  const done = await waitFor(async () => {
    const r = await get(h, body.statusUrl);
    return r.body.run?.status !== 'running' && r.body.run;
  }, { what: 'the 202 run to finish' });
  assert.equal(done.status, 'success');
});

test('POST /api/jobs/run/:name?wait=bogus is 400 naming the field', async (t) => {
  const h = await startedApp(t);
  const { status, body } = await post(h, '/api/jobs/run/cleanupPreviewSessions?wait=maybe');
  assert.equal(status, 400);
  assert.equal(body.field, 'wait');
});

test('a second trigger while the job is in flight is 409 with the running run id', async (t) => {
  const h = await startedApp(t, { jobsDir: slowJobsDir(t) });
  const first = await post(h, '/api/jobs/run/slowJob?wait=false');
  assert.equal(first.status, 202);
  const second = await post(h, '/api/jobs/run/slowJob');
  assert.equal(second.status, 409);
  assert.equal(second.body.code, 'CONFLICT');
  assert.equal(second.body.runId, first.body.runId);
  // Only one run row: the refused trigger is not a run.
  assert.equal(ledger.listRuns(h.db.db, { limit: 10, name: 'slowJob' }).length, 1);
  const status = await get(h, '/api/jobs/status');
  assert.equal((status.body.jobs as Json[])[0]!.running, true);
});

test('with the scheduler disabled the API serves, status says enabled:false and a trigger is 503 JOBS_DISABLED', async (t) => {
  const h = await startedApp(t, { enabled: false });
  const { status, body } = await post(h, '/api/jobs/run/cleanupPreviewSessions');
  assert.equal(status, 503);
  assert.equal(body.code, 'JOBS_DISABLED');
  const s = await get(h, '/api/jobs/status');
  assert.equal(s.status, 200);
  assert.equal(s.body.enabled, false);
  assert.equal(s.body.running, false);
  for (const job of s.body.jobs as Json[]) assert.equal(job.nextRun, null);
  const health = (await (await h.app.request('/api/health')).json()) as Json;
  assert.equal(health.scheduler.enabled, false);
  assert.equal(health.scheduler.running, false);
});

/** Seeds the ledger directly (no threads): `count` finished runs, one a second apart. */
function seedRuns(h: { db: { db: Parameters<typeof ledger.startRun>[0] } }, count: number, start = Date.now() - count * 1000): string[] {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = i % 2 ? 'cleanupI18nCache' : 'cleanupPreviewSessions';
    const now = start + i * 1000;
    const started = ledger.startRun(h.db.db, { name, trigger: 'schedule', owner: 'seed', now });
    assert.ok(started.started);
    ledger.finishRun(h.db.db, started.runId, i % 3 === 0 ? { status: 'failed', error: 'boom', now: now + 5 } : { status: 'success', details: { i }, now: now + 5 });
    ids.push(started.runId);
  }
  return ids;
}

test('GET /api/jobs/runs: newest first, limit defaults to 50, offset pages on (seed 000 B3)', async (t) => {
  const h = await startedApp(t);
  const ids = seedRuns(h, 60);
  const { status, body } = await get(h, '/api/jobs/runs');
  assert.equal(status, 200);
  assert.equal(body.runs.length, 50);
  assert.equal(body.limit, 50);
  assert.deepEqual(body.runs.map((r: Json) => r.id), ids.slice().reverse().slice(0, 50));
  for (const key of ['id', 'name', 'status', 'startedAt', 'endedAt', 'details']) assert.ok(key in body.runs[0], key);
  const page2 = await get(h, '/api/jobs/runs?limit=50&offset=50');
  assert.deepEqual(page2.body.runs.map((r: Json) => r.id), ids.slice(0, 10).reverse());
  const capped = await get(h, '/api/jobs/runs?limit=500');
  assert.equal(capped.body.runs.length, 60);
});

test('GET /api/jobs/runs filters by name and by status', async (t) => {
  const h = await startedApp(t);
  seedRuns(h, 12);
  const byName = await get(h, '/api/jobs/runs?name=cleanupI18nCache');
  assert.equal(byName.body.runs.length, 6);
  assert.ok(byName.body.runs.every((r: Json) => r.name === 'cleanupI18nCache'));
  const failed = await get(h, '/api/jobs/runs?status=failed');
  assert.equal(failed.body.runs.length, 4);
  assert.ok(failed.body.runs.every((r: Json) => r.status === 'failed' && r.error === 'boom'));
  const both = await get(h, '/api/jobs/runs?status=success&name=cleanupPreviewSessions&limit=2');
  assert.equal(both.body.runs.length, 2);
  assert.ok(both.body.runs.every((r: Json) => r.status === 'success' && r.name === 'cleanupPreviewSessions'));
  const none = await get(h, '/api/jobs/runs?name=noSuchJob');
  assert.deepEqual(none.body.runs, []);
});

test('GET /api/jobs/runs rejects bad query values with 400 naming the field', async (t) => {
  const h = await startedApp(t);
  const cases: [string, string][] = [
    ['limit=501', 'limit'],
    ['limit=100000', 'limit'],
    ['limit=abc', 'limit'],
    ['limit=0', 'limit'],
    ['limit=-1', 'limit'],
    ['limit=2.5', 'limit'],
    ['offset=-1', 'offset'],
    ['status=bogus', 'status'],
    ['trigger=bogus', 'trigger'],
    ['name=' + 'x'.repeat(101), 'name'],
  ];
  for (const [query, field] of cases) {
    const { status, body } = await get(h, `/api/jobs/runs?${query}`);
    assert.equal(status, 400, query);
    assert.equal(body.code, 'VALIDATION_ERROR', query);
    assert.equal(body.field, field, query);
    assert.ok(body.error.includes(field), `${query}: the message names the field: ${body.error}`);
  }
});

test('GET /api/jobs/runs/:id for an unknown id is 404 JSON', async (t) => {
  const h = await startedApp(t);
  const { status, body } = await get(h, '/api/jobs/runs/00000000-0000-0000-0000-000000000000');
  assert.equal(status, 404);
  assert.equal(body.code, 'NOT_FOUND');
});
