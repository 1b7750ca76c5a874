// Drift test 3: real answers match the documented ones. Every request below goes through the
// ContractChecker, which fails on a status the document does not list for the operation, a wrong
// content type, a missing x-trace-id, or a JSON body the definition's (strict) zod schema refuses.
// The last test asks for coverage: every status and error code the document promises was produced.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadJobs } from '../../src/jobs/load.ts';
import { QueueRunner } from '../../src/queue/index.ts';
import { StorageFullError } from '../../src/store/errors.ts';
import { Hono } from 'hono';
import { appRoutes } from '../../src/app/routes/index.ts';
import { bearer, tempDb, testApp, TEST_SECRET, waitFor, type TempDb, type TestApp } from '../helpers/index.ts';
import { concretePath, ContractChecker, operationsOf, servedDocument, type Operation } from './openapi-support.ts';

const DAY = 86_400_000;
const at = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

/** Two jobs: one that returns at once, one that works (with progress) until it is cancelled. */
function jobsDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'nightshift-openapi-jobs-'));
  writeFileSync(join(dir, 'quick-job.mjs'), `export default { name: 'quickJob', description: 'Returns at once', schedule: '0 0 1 1 *', run: () => ({ done: true }) };\n`);
  writeFileSync(
    join(dir, 'slow-job.mjs'),
    `export default {
  name: 'slowJob', description: 'Works until cancelled', schedule: '0 0 1 1 *', timeoutMs: 60000,
  async run(ctx) {
    for (let i = 1; i <= 1500; i++) {
      ctx.signal.throwIfAborted();
      await new Promise((r) => setTimeout(r, 20));
      ctx.progress(i, 1500);
    }
    return { steps: 1500 };
  },
};\n`,
  );
  return dir;
}

let dir: string;
let t: TempDb;
let h: TestApp;
let operations: Operation[];
let api: ContractChecker;
let runner: QueueRunner | undefined;
let admin: Record<string, string>;
let staff: Record<string, string>;
const seen = new Set<string>();
const others: TempDb[] = [];

before(async () => {
  dir = jobsDir();
  t = tempDb();
  h = await testApp(t, { jobsDir: dir });
  operations = operationsOf(await servedDocument(h.engine));
  api = new ContractChecker(h.app, operations, seen);
  admin = await bearer('admin');
  staff = await bearer('staff');
});
after(async () => {
  await runner?.stop(2_000);
  await h.scheduler.stop(1_000);
  t.cleanup();
  for (const other of others) other.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** Another app (own database) whose answers count toward the same coverage. */
async function otherApp(options: Parameters<typeof testApp>[1], prepare?: (db: TempDb) => void): Promise<ContractChecker> {
  const db = tempDb();
  others.push(db);
  const app = await testApp(db, options);
  prepare?.(db);
  return new ContractChecker(app.app, operationsOf(await servedDocument(app.engine)), seen);
}

const json = (headers: Record<string, string>, body: unknown, method = 'POST'): RequestInit => ({
  method,
  headers: { ...headers, 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

describe('answers match the document', () => {
  test('health: 200, and 503 "degraded" when the database does not answer', async () => {
    assert.equal((await api.request('/api/health')).status, 200);
    const broken = await otherApp({ enabled: false });
    const db = others.at(-1)!;
    db.db.close();
    const res = await broken.request('/api/health');
    assert.equal(res.status, 503);
    assert.equal(res.body.status, 'degraded');
  });

  test('scheduled jobs: status, runs (200, 202, 409, 404, both 503s), history', async () => {
    // Before start: the scheduler is not running yet.
    assert.equal((await api.request('/api/jobs/run/quickJob', { method: 'POST', headers: admin })).body.code, 'SCHEDULER_NOT_RUNNING');
    const disabled = await otherApp({ enabled: false });
    assert.equal((await disabled.request('/api/jobs/run/cleanupPreviewSessions', { method: 'POST', headers: admin })).body.code, 'JOBS_DISABLED');
    await h.scheduler.start();

    assert.equal((await api.request('/api/jobs/status', { headers: admin })).status, 200);
    const done = await api.request('/api/jobs/run/quickJob', { method: 'POST', headers: admin });
    assert.equal(done.status, 200);
    assert.deepEqual(done.body.result.details, { done: true });
    const started = await api.request('/api/jobs/run/slowJob?wait=false', { method: 'POST', headers: admin });
    assert.equal(started.status, 202);
    const again = await api.request('/api/jobs/run/slowJob', { method: 'POST', headers: admin });
    assert.equal(again.status, 409);
    assert.equal(again.body.runId, started.body.runId);
    assert.equal((await api.request('/api/jobs/run/noSuchJob', { method: 'POST', headers: admin })).status, 404);
    assert.equal((await api.request('/api/jobs/run/quickJob?wait=soon', { method: 'POST', headers: admin })).status, 400);
    // A status with a last run and a job in flight, then the history.
    assert.equal((await api.request('/api/jobs/status', { headers: admin })).body.runningJobs, 1);
    assert.equal((await api.request('/api/jobs/runs?limit=10', { headers: admin })).body.runs.length, 2);
    assert.equal((await api.request('/api/jobs/runs?status=nope', { headers: admin })).status, 400);
    assert.equal((await api.request(`/api/jobs/runs/${done.body.runId}`, { headers: admin })).body.run.status, 'success');
    assert.equal((await api.request('/api/jobs/runs/unknown', { headers: admin })).status, 404);
  });

  test('queue: enqueue, idempotency, list, get, progress, cancel, retry and their refusals', async () => {
    const first = await api.request('/api/v1/jobs', json(admin, { type: 'quickJob', idempotencyKey: 'key-1' }));
    assert.equal(first.status, 201);
    assert.equal((await api.request('/api/v1/jobs', json(admin, { type: 'quickJob', idempotencyKey: 'key-1' }))).status, 200);
    assert.equal((await api.request('/api/v1/jobs', json(admin, { type: 'slowJob', idempotencyKey: 'key-1' }))).body.code, 'IDEMPOTENCY_KEY_REUSED');
    assert.equal((await api.request('/api/v1/jobs', json(admin, { type: 'no.such.job' }))).body.code, 'UNKNOWN_JOB_TYPE');
    assert.equal((await api.request('/api/v1/jobs', json(admin, { type: 'quickJob', data: { unexpected: 1 } }))).body.field, 'data');

    assert.equal((await api.request('/api/v1/jobs?status=pending', { headers: admin })).body.total, 1);
    assert.equal((await api.request('/api/v1/jobs?limit=0', { headers: admin })).status, 400);
    const id = first.body.id as string;
    assert.equal((await api.request(`/api/v1/jobs/${id}`, { headers: admin })).body.id, id);
    assert.equal((await api.request(`/api/v1/jobs/${id}/progress`, { headers: staff })).body.percent, 0);
    for (const path of [`/api/v1/jobs/nope`, `/api/v1/jobs/nope/progress`]) assert.equal((await api.request(path, { headers: admin })).status, 404);

    assert.equal((await api.request(`/api/v1/jobs/${id}`, { method: 'DELETE', headers: admin })).body.outcome, 'cancelled');
    assert.equal((await api.request(`/api/v1/jobs/${id}`, { method: 'DELETE', headers: admin })).status, 409);
    assert.equal((await api.request(`/api/v1/jobs/nope`, { method: 'DELETE', headers: admin })).status, 404);
    assert.equal((await api.request(`/api/v1/jobs/${id}/retry`, { method: 'POST', headers: admin })).body.status, 'pending');
    assert.equal((await api.request(`/api/v1/jobs/${id}/retry`, { method: 'POST', headers: admin })).status, 409);
    assert.equal((await api.request(`/api/v1/jobs/nope/retry`, { method: 'POST', headers: admin })).status, 404);
  });

  test('queue: a processing job shows progress, and cancelling it answers 202', async () => {
    const slow = await api.request('/api/v1/jobs', json(admin, { type: 'slowJob', priority: 100 }));
    runner = new QueueRunner({ store: t.store, jobs: await loadJobs(dir), logger: h.logs.logger, workers: 1, pollIntervalMs: 20 });
    await runner.start();
    await waitFor(async () => (await api.request(`/api/v1/jobs/${slow.body.id}/progress`, { headers: staff })).body.processedItems > 1, { what: 'progress' });
    const cancel = await api.request(`/api/v1/jobs/${slow.body.id}`, { method: 'DELETE', headers: admin });
    assert.equal(cancel.status, 202);
    const job = await waitFor(async () => {
      const res = await api.request(`/api/v1/jobs/${slow.body.id}`, { headers: admin });
      return res.body.status === 'cancelled' && res.body;
    }, { what: 'cancelled' });
    assert.ok(job.startedAt);
  });

  test('batch enqueue: 201, 200 when every job existed, 409 for a key of another type, 413 beyond the maximum', async () => {
    const items = [{ type: 'quickJob', idempotencyKey: 'batch-1' }, { type: 'quickJob' }];
    assert.equal((await api.request('/api/v1/jobs/batch', json(admin, { jobs: items }))).status, 201);
    assert.equal((await api.request('/api/v1/jobs/batch', json(admin, { jobs: items.slice(0, 1) }))).status, 200);
    assert.equal((await api.request('/api/v1/jobs/batch', json(admin, { jobs: [{ type: 'slowJob', idempotencyKey: 'batch-1' }] }))).status, 409);
    const tooMany = await api.request('/api/v1/jobs/batch', json(admin, { jobs: Array.from({ length: 1_001 }, () => ({ type: 'quickJob' })) }));
    assert.equal(tooMany.body.code, 'BATCH_TOO_LARGE');
  });

  test('queue types: list, pause and resume (200), an unknown type (404)', async () => {
    assert.equal((await api.request('/api/v1/queues/quickJob/pause', { method: 'POST', headers: admin })).body.changed, true);
    const listed = await api.request('/api/v1/queues', { headers: admin });
    assert.equal(listed.body.queues.find((q: { type: string }) => q.type === 'quickJob').paused, true);
    assert.equal((await api.request('/api/v1/queues/quickJob/resume', { method: 'POST', headers: admin })).body.paused, false);
    for (const action of ['pause', 'resume']) assert.equal((await api.request(`/api/v1/queues/nope/${action}`, { method: 'POST', headers: admin })).status, 404);
  });

  test("seed 004's enqueue: 201, 200 for a repeated key, 409 for a key of another type, 400 for an unknown type", async () => {
    const body = { jobName: 'quickJob', tenantId: 'tenant-1', idempotencyKey: 'key-2' };
    const created = await api.request('/api/jobs/enqueue', json({ ...admin, traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' }, body));
    assert.equal(created.status, 201);
    assert.equal(created.body.meta.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
    assert.equal((await api.request('/api/jobs/enqueue', json(admin, body))).status, 200);
    assert.equal((await api.request('/api/jobs/enqueue', json(admin, { ...body, jobName: 'slowJob' }))).status, 409);
    assert.equal((await api.request('/api/jobs/enqueue', json(admin, { jobName: 'no.such.job' }))).body.code, 'UNKNOWN_JOB_TYPE');
  });

  test("the reference app's own routes (documented through routes({ documentRoutes })): every answer, and 507 on a full disk", async () => {
    const later = new Date(Date.now() + 86_400_000).toISOString();
    const created = await api.request('/api/preview-sessions', json(admin, { expiresAt: later }));
    assert.equal(created.status, 201);
    const token = created.body.token as string;
    assert.equal((await api.request(`/api/preview-sessions/${token}/validate`)).status, 200);
    assert.equal((await api.request(`/api/preview-sessions/${token}/revoke`, { method: 'POST', headers: admin })).status, 200);
    assert.equal((await api.request(`/api/preview-sessions/${token}/validate`)).body.code, 'REVOKED');
    const other = await api.request('/api/preview-sessions', json(admin, { expiresAt: later }));
    t.db.prepare(`UPDATE preview_sessions SET expires_at = 0 WHERE token = ?`).run(other.body.token);
    assert.equal((await api.request(`/api/preview-sessions/${other.body.token}/validate`)).body.code, 'EXPIRED');
    assert.equal((await api.request('/api/preview-sessions/nope/validate')).status, 404);
    assert.equal((await api.request('/api/preview-sessions/nope/revoke', { method: 'POST', headers: admin })).status, 404);
    assert.equal((await api.request('/api/i18n-cache', json(admin, { promptHash: 'greeting', value: 'Bonjour', expiresAt: later }))).status, 201);
    assert.equal((await api.request('/api/i18n-cache/stats', { headers: admin })).body.count, 1);

    // The app's writes on a full disk: SQLite's SQLITE_FULL reaches the kit's error handler.
    const full = new Hono();
    const sqliteFull = () => {
      throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    };
    full.route('/', appRoutes({ db: t.db, write: sqliteFull, jwtSecret: TEST_SECRET, bodyLimitBytes: 100 * 1024, logger: h.logs.pino }));
    const onFull = new ContractChecker(full, operations, seen);
    const answers = [
      await onFull.request('/api/preview-sessions', json(admin, { expiresAt: later })),
      await onFull.request(`/api/preview-sessions/${token}/revoke`, { method: 'POST', headers: admin }),
      await onFull.request('/api/i18n-cache', json(admin, { promptHash: 'greeting', value: 'Salut', expiresAt: later })),
    ];
    for (const a of answers) assert.deepEqual([a.status, a.body.code], [507, 'STORAGE_FULL']);
  });

  test('documentation and metrics: the document, the page, an asset (200, 304, 404), /metrics', async () => {
    assert.equal((await api.request('/api/openapi.json')).body.openapi, '3.1.0');
    assert.match((await api.request('/api/docs')).text, /<html/);
    const asset = await api.request('/api/docs/assets/docs.js');
    assert.equal((await api.request('/api/docs/assets/docs.js', { headers: { 'if-none-match': asset.headers.get('etag')! } })).status, 304);
    assert.equal((await api.request('/api/docs/assets/package.json')).status, 404);
    assert.match((await api.request('/metrics', { headers: admin })).text, /# TYPE /);
  });

  test('every body route: 400 VALIDATION_ERROR and INVALID_JSON, 413 and 415', async () => {
    for (const { method, template, operation } of operations.filter((o) => o.operation.requestBody)) {
      const path = concretePath(template);
      const send = (body: string, type = 'application/json') => api.request(path, { method, headers: { ...admin, 'content-type': type }, body });
      assert.equal((await send('[]')).body.code, 'VALIDATION_ERROR', `${operation.operationId} []`);
      assert.equal((await send('{')).body.code, 'INVALID_JSON', operation.operationId);
      assert.equal((await send('{}', 'text/plain')).status, 415, operation.operationId);
      assert.equal((await send(JSON.stringify({ pad: 'x'.repeat(101 * 1024) }))).status, 413, operation.operationId);
    }
  });

  test('a full disk: every operation that writes answers 507 STORAGE_FULL (the real disk: test/store/disk-full.test.ts)', async () => {
    const db = tempDb();
    others.push(db);
    const app = await testApp(db, { jobsDir: dir });
    await app.scheduler.start();
    const checker = new ContractChecker(app.app, operationsOf(await servedDocument(app.engine)), seen);
    const { id } = (await app.queue.enqueue({ type: 'quickJob' })).job;
    // What the store throws when SQLite answers SQLITE_FULL (src/store/sqlite/write-guard.ts).
    const full = () => {
      throw new StorageFullError(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }));
    };
    Object.assign(db.store.jobs, { insert: full, insertMany: full, cancel: full, retry: full, setPaused: full });
    Object.assign(db.store.runs, { start: full });
    try {
      const answers = [
        await checker.request('/api/v1/jobs', json(admin, { type: 'quickJob' })),
        await checker.request('/api/jobs/enqueue', json(admin, { jobName: 'quickJob' })),
        await checker.request('/api/v1/jobs/batch', json(admin, { jobs: [{ type: 'quickJob' }] })),
        await checker.request(`/api/v1/jobs/${id}`, { method: 'DELETE', headers: admin }),
        await checker.request('/api/v1/queues/quickJob/pause', { method: 'POST', headers: admin }),
        await checker.request('/api/v1/queues/quickJob/resume', { method: 'POST', headers: admin }),
        await checker.request(`/api/v1/jobs/${id}/retry`, { method: 'POST', headers: admin }),
        await checker.request('/api/jobs/run/quickJob', { method: 'POST', headers: admin }),
      ];
      for (const a of answers) assert.deepEqual([a.status, a.body.code], [507, 'STORAGE_FULL']);
    } finally {
      await app.scheduler.stop(1_000);
    }
  });

  test('every protected operation: 401 without a token, 403 for staff where owner/admin is required', async () => {
    for (const { method, template, operation } of operations.filter((o) => o.operation.security.length)) {
      const path = concretePath(template);
      assert.equal((await api.request(path, { method })).status, 401, operation.operationId);
      if (!operation.security[0].bearerJwt.includes('staff')) assert.equal((await api.request(path, { method, headers: staff })).status, 403, operation.operationId);
    }
  });

  test('every status and error code the document promises was produced above', (ctx) => {
    const promised = ContractChecker.promised(operations);
    assert.ok(promised.length > 60, `${promised.length} promised answers`);
    assert.deepEqual(promised.filter((answer) => !seen.has(answer)), []);
    ctx.diagnostic(`all ${promised.length} documented answers (operation, status, error code) produced`);
  });
});
