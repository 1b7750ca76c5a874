// Lists are bounded in bytes (issue 12): a page of jobs whose payloads are each at the size limit
// stays small, with each large value replaced by a summary the client can detect (`truncated`
// names the field, the value is {truncated, bytes, preview}); the job's own page answers it whole.
// The same holds for results, error logs, error messages and run details.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_ENQUEUE_LIMITS } from '../../src/queue/index.ts';
import { LIST_PREVIEW_CHARS, LIST_VALUE_MAX_BYTES, boundListedJob, boundListedRun } from '../../src/store/list-bounds.ts';
import { REPO_ROOT, bearer, tempDb, testApp, type TempDb, type TestApp } from '../helpers/index.ts';

type Json = Record<string, any>;

const PAGE = 500;
/** The bound this suite states for a page of 500 max-size payloads: 2 KB a job (whole, it is ~16 MB). */
const PAGE_BOUND_BYTES = PAGE * 2048;

let t: TempDb;
let h: TestApp;
let admin: Record<string, string>;
const ids: string[] = [];

/** A payload whose stored JSON is exactly the limit; every third one multi-byte (bytes, not characters, count). */
function maxPayload(i: number): { text: string } {
  const overhead = Buffer.byteLength(JSON.stringify({ text: '' }));
  const room = DEFAULT_ENQUEUE_LIMITS.maxPayloadBytes - overhead;
  if (i % 3 === 0) return { text: '€'.repeat(Math.floor(room / 3)) + 'x'.repeat(room % 3) };
  return { text: `${i}:`.padEnd(room, 'x') };
}

before(async () => {
  t = tempDb();
  h = await testApp(t, { enabled: false, jobsDir: join(REPO_ROOT, 'test', 'fixtures', 'blob-jobs') });
  admin = await bearer('admin');
  const far = new Date(Date.now() + 300 * 86_400_000);
  t.db.transaction(() => {
    for (let i = 0; i < PAGE; i++) ids.push(h.queue.enqueue({ type: 'test.blob', payload: maxPayload(i), runAt: far }).job.id);
  })();
});
after(() => t.cleanup());

async function get(path: string) {
  const res = await h.app.request(path, { headers: admin });
  const text = await res.text();
  return { status: res.status, bytes: Buffer.byteLength(text), body: JSON.parse(text) as Json };
}

describe('queue job lists', () => {
  test(`a page of ${PAGE} max-size payloads stays under ${PAGE_BOUND_BYTES} bytes, each payload summarised`, async () => {
    const stored = (t.db.prepare(`SELECT sum(length(CAST(payload AS BLOB))) AS n FROM nightshift_queue_jobs`).get() as { n: number }).n;
    assert.ok(stored >= PAGE * (DEFAULT_ENQUEUE_LIMITS.maxPayloadBytes - 2), 'the payloads really are at the limit');
    const r = await get(`/api/v1/jobs?limit=${PAGE}`);
    assert.equal(r.status, 200);
    assert.equal(r.body.jobs.length, PAGE);
    assert.ok(r.bytes < PAGE_BOUND_BYTES, `page is ${r.bytes} bytes`);
    for (const job of r.body.jobs) {
      assert.deepEqual(job.truncated, ['payload']);
      assert.equal(job.payload.truncated, true);
      assert.equal(job.payload.bytes, DEFAULT_ENQUEUE_LIMITS.maxPayloadBytes);
      assert.equal(job.payload.preview.length, LIST_PREVIEW_CHARS);
      assert.ok(JSON.stringify({ text: maxPayload(ids.indexOf(job.id)).text }).startsWith(job.payload.preview));
      // The seed's fields are all still there.
      for (const field of ['id', 'type', 'status', 'payload', 'envelope', 'progress', 'result', 'errorLog', 'createdAt']) assert.ok(field in job, field);
    }
  });

  test("the job's own page answers the whole payload", async () => {
    for (const i of [0, 1, PAGE - 1]) {
      const r = await get(`/api/v1/jobs/${ids[i]}`);
      assert.equal(r.status, 200);
      assert.deepEqual(r.body.payload, maxPayload(i));
      assert.equal(r.body.truncated, undefined);
    }
  });

  test('a small payload is shown whole, with no truncated field', async () => {
    const small = h.queue.enqueue({ type: 'test.blob', payload: { text: 'short' } }).job;
    const r = await get(`/api/v1/jobs?limit=1`);
    assert.equal(r.body.jobs[0].id, small.id);
    assert.deepEqual(r.body.jobs[0].payload, { text: 'short' });
    assert.equal('truncated' in r.body.jobs[0], false);
  });

  test('a large result, error log and last error are summarised in the list and whole on the job', async () => {
    const { id } = h.queue.enqueue({ type: 'test.blob', payload: { text: 'r' } }).job;
    const result = { echoed: 'y'.repeat(10_000) };
    const errorLog = Array.from({ length: 100 }, (_, i) => ({ at: new Date(0).toISOString(), attempt: i + 1, message: `boom ${i} `.padEnd(1_000, 'z') }));
    const lastError = 'e'.repeat(5_000);
    t.db
      .prepare(`UPDATE nightshift_queue_jobs SET status = 'failed', result = ?, error_log = ?, last_error = ? WHERE id = ?`)
      .run(JSON.stringify(result), JSON.stringify(errorLog), lastError, id);
    const list = await get(`/api/v1/jobs?status=failed&limit=10`);
    const listed = list.body.jobs.find((j: Json) => j.id === id);
    assert.deepEqual(listed.truncated, ['result', 'errorLog', 'lastError']);
    assert.deepEqual(listed.payload, { text: 'r' });
    assert.equal(listed.result.truncated, true);
    assert.equal(listed.result.bytes, JSON.stringify(result).length);
    assert.equal(listed.errorLog.length, 1, 'only the newest entry');
    assert.equal(listed.errorLog[0].attempt, 100);
    assert.ok(listed.errorLog[0].message.startsWith('boom 99 '));
    assert.ok(listed.errorLog[0].message.length < 300);
    assert.ok(listed.lastError.startsWith('eee') && listed.lastError.length < 300);
    assert.ok(JSON.stringify(listed).length < 2 * LIST_VALUE_MAX_BYTES);
    const whole = await get(`/api/v1/jobs/${id}`);
    assert.deepEqual(whole.body.result, result);
    assert.deepEqual(whole.body.errorLog, errorLog);
    assert.equal(whole.body.lastError, lastError);
  });

  test('Queue.list (the library and the dashboard) is bounded the same way', async () => {
    const { jobs } = await h.queue.list({ limit: PAGE });
    assert.ok(Buffer.byteLength(JSON.stringify(jobs)) < PAGE_BOUND_BYTES);
    const page = await h.app.request('/dashboard/queue', { headers: admin });
    assert.ok(page.status < 500);
  });
});

describe('run lists', () => {
  test('large details and errors are summarised in /api/jobs/runs and whole in /api/jobs/runs/:id', async () => {
    const details = { rows: Array.from({ length: 500 }, (_, i) => ({ i, note: 'detail' })) };
    const error = 'x'.repeat(4_000);
    const started = await t.store.runs.start({ name: 'test.blob', trigger: 'manual', owner: 'test' });
    assert.ok(started.started);
    await t.store.runs.finish(started.runId, { status: 'failed', details, error });
    const list = await get('/api/jobs/runs?limit=500');
    const listed = list.body.runs.find((r: Json) => r.id === started.runId);
    assert.deepEqual(listed.truncated, ['details', 'error']);
    assert.equal(listed.details.truncated, true);
    assert.equal(listed.details.bytes, JSON.stringify(details).length);
    assert.ok(listed.error.length < 300);
    const whole = await get(`/api/jobs/runs/${started.runId}`);
    assert.deepEqual(whole.body.run.details, details);
    assert.equal(whole.body.run.error, error);
    assert.equal(whole.body.run.truncated, undefined);
  });
});

describe('the rule on values already in memory (a store that does not bound its query)', () => {
  test('boundListedJob and boundListedRun summarise what is too large and leave the rest', () => {
    const job = { payload: { a: 'b'.repeat(5000) }, result: { ok: true }, errorLog: [], lastError: null } as any;
    const bounded = boundListedJob(job);
    assert.deepEqual(bounded.truncated, ['payload']);
    assert.deepEqual(bounded.result, { ok: true });
    assert.deepEqual(boundListedJob(bounded), bounded, 'applying it twice changes nothing');
    const run = boundListedRun({ details: { n: 1 }, error: null } as any);
    assert.equal(run.truncated, undefined);
  });
});
