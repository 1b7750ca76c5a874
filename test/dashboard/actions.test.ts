// Dashboard actions, as plain form posts (the script posts the same forms): run now, enqueue with
// the job's own payload validation shown inline, cancel and retry. Each answers with a redirect and
// a one-shot message, or an HTML page saying what was wrong.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { getRun, listRuns, startRun } from '../../src/store/sqlite/runs/ledger.ts';
import { waitFor } from '../helpers/index.ts';
import { dashboardHarness, flashCookie, textOf, type DashboardHarness } from './helpers.ts';

let h: DashboardHarness;
let cookie: string;
let csrf: string;
before(async () => {
  h = await dashboardHarness({ start: true });
  cookie = await h.signIn();
  csrf = await h.csrf(cookie);
});
after(() => h.close());

/** Follows a 303 the way a browser would, with the flash cookie the redirect set. */
async function follow(res: Response): Promise<{ location: string; text: string }> {
  assert.equal(res.status, 303, await res.clone().text());
  const location = res.headers.get('location')!;
  const flash = flashCookie(res);
  const page = await h.get(location, flash ? `${cookie}; ${flash}` : cookie);
  return { location, text: textOf(await page.text()) };
}

describe('run now', () => {
  test('starts a manual run, goes back, and says so with a link to the run', async () => {
    const res = await h.post('/dashboard/jobs/cleanupI18nCache/run', { _csrf: csrf, back: '/dashboard' }, { cookie });
    const { location, text } = await follow(res);
    assert.equal(location, '/dashboard');
    assert.match(text, /Started a run of cleanupI18nCache\. View the run/);
    const [run] = listRuns(h.db, { name: 'cleanupI18nCache', limit: 1 });
    assert.equal(run!.trigger, 'manual');
    await waitFor(() => getRun(h.db, run!.id)!.status === 'success', { what: 'the run to finish' });
  });

  test('without a safe "back", it returns to the job page', async () => {
    const res = await h.post('/dashboard/jobs/pruneHistory/run', { _csrf: csrf, back: 'https://evil.example/' }, { cookie });
    assert.equal(res.headers.get('location'), '/dashboard/jobs/pruneHistory');
    await h.scheduler.idle();
  });

  test('a job that is already running is not started twice', async () => {
    const running = startRun(h.db, { name: 'cleanupPreviewSessions', trigger: 'manual', owner: h.scheduler.owner });
    assert.ok(running.started);
    const { text } = await follow(await h.post('/dashboard/jobs/cleanupPreviewSessions/run', { _csrf: csrf, back: '/dashboard' }, { cookie }));
    assert.match(text, /cleanupPreviewSessions is already running; a second run was not started\. View the running run/);
    assert.equal(listRuns(h.db, { name: 'cleanupPreviewSessions', limit: 10 }).length, 1);
  });

  test('an unknown job is a 404 page', async () => {
    const res = await h.post('/dashboard/jobs/noSuchJob/run', { _csrf: csrf }, { cookie });
    assert.equal(res.status, 404);
    assert.match(textOf(await res.text()), /Job not found/);
  });
});

describe('run now with jobs disabled', () => {
  test('says that jobs are disabled, and the buttons say why they are off', async () => {
    const off = await dashboardHarness({ enabled: false, start: true });
    try {
      const c = await off.signIn();
      const page = await off.html('/dashboard', c);
      assert.match(page, /title="Jobs are disabled \(JOBS_ENABLED=false\)" disabled=""/);
      const res = await off.post('/dashboard/jobs/cleanupI18nCache/run', { _csrf: await off.csrf(c), back: '/dashboard' }, { cookie: c });
      const flash = flashCookie(res)!;
      const text = textOf(await off.html('/dashboard', `${c}; ${flash}`));
      assert.match(text, /Jobs are disabled on this server \(JOBS_ENABLED=false\): nothing was started\./);
      assert.match(text, /Scheduler Disabled/);
    } finally {
      await off.close();
    }
  });
});

describe('enqueue', () => {
  test('a valid payload is enqueued with the session as actor and the request trace id, then shown', async () => {
    const res = await h.post(
      '/dashboard/queue/new',
      { _csrf: csrf, type: 'exportRuns', payload: '{"chunkSize":10,"pauseMs":200}', priority: '5', tenantId: 'acme' },
      { cookie, headers: { 'x-request-id': 'req-from-browser' } },
    );
    const { location, text } = await follow(res);
    const id = /^\/dashboard\/queue\/([0-9a-f-]{36})$/.exec(location)![1]!;
    const job = (await h.queue.get(id))!;
    assert.equal(job.type, 'exportRuns');
    assert.deepEqual(job.payload, { chunkSize: 10, pauseMs: 200 });
    assert.equal(job.priority, 5);
    assert.deepEqual(job.envelope, { tenantId: 'acme', actorId: 'test-admin', traceId: 'req-from-browser', requestId: 'req-from-browser' });
    assert.equal(job.createdBy, 'test-admin');
    assert.match(text, /Enqueued exportRuns\./);
    await h.queue.cancel(id);
  });

  const before = async () => (await h.queue.list({ limit: 1 })).total;

  test('invalid JSON is shown next to the field, with what was typed kept', async () => {
    const count = await before();
    const res = await h.post('/dashboard/queue/new', { _csrf: csrf, type: 'exportRuns', payload: '{"chunkSize": 10,' }, { cookie });
    assert.equal(res.status, 400);
    const page = await res.text();
    assert.match(page, /<textarea id="e-payload" name="payload"[^>]*aria-invalid="true"[^>]*aria-describedby="payload-fields payload-error"[^>]*>\{&quot;chunkSize&quot;: 10,<\/textarea>/);
    assert.match(textOf(page), /The job was not enqueued: Payload: is not valid JSON/);
    assert.equal(await before(), count);
  });

  test("the job's own schema decides: an out-of-range field is named, nothing is stored", async () => {
    const count = await before();
    const res = await h.post('/dashboard/queue/new', { _csrf: csrf, type: 'exportRuns', payload: '{"chunkSize": 5}' }, { cookie });
    assert.equal(res.status, 400);
    const text = textOf(await res.text());
    assert.match(text, /chunkSize: Too small: expected number to be >=10/);
    assert.equal(await before(), count);
    const reminder = textOf(await (await h.post('/dashboard/queue/new', { _csrf: csrf, type: 'requests.reminder', payload: '{}' }, { cookie })).text());
    assert.match(reminder, /Payload: requestId: /);
    const noPayload = textOf(await (await h.post('/dashboard/queue/new', { _csrf: csrf, type: 'system.ping', payload: '{"x":1}' }, { cookie })).text());
    assert.match(noPayload, /job "system\.ping" takes no payload/);
  });

  test('a missing or unknown type and bad options are refused inline', async () => {
    const text = textOf(await (await h.post('/dashboard/queue/new', { _csrf: csrf, type: '', payload: '{}', priority: 'high', maxAttempts: '0' }, { cookie })).text());
    assert.match(text, /Job type: choose a job type/);
    assert.match(text, /Priority: must be a whole number from -1000 to 1000/);
    assert.match(text, /Max attempts: must be a whole number from 1 to 100/);
    const unknown = await h.post('/dashboard/queue/new', { _csrf: csrf, type: 'nope', payload: '{}' }, { cookie });
    assert.equal(unknown.status, 400);
    assert.match(textOf(await unknown.text()), /no job file defines "nope"/);
  });

  test('a repeated idempotency key shows the existing job', async () => {
    const form = { _csrf: csrf, type: 'system.ping', payload: '', idempotencyKey: 'once-only' };
    const first = await follow(await h.post('/dashboard/queue/new', form, { cookie }));
    const second = await follow(await h.post('/dashboard/queue/new', form, { cookie }));
    assert.equal(second.location, first.location);
    assert.match(second.text, /A job with this idempotency key already exists: here it is\./);
  });
});

describe('cancel and retry', () => {
  test('cancel a pending job; cancelling again says it already finished', async () => {
    const job = h.queue.enqueue({ type: 'system.ping', runAt: Date.now() + 60 * 60_000 }).job;
    const first = await follow(await h.post(`/dashboard/queue/${job.id}/cancel`, { _csrf: csrf }, { cookie }));
    assert.equal(first.location, `/dashboard/queue/${job.id}`);
    assert.match(first.text, /Job cancelled\./);
    assert.match(first.text, /Queue job system\.ping Cancelled/);
    assert.equal((await h.queue.get(job.id))!.status, 'cancelled');
    const again = await follow(await h.post(`/dashboard/queue/${job.id}/cancel`, { _csrf: csrf }, { cookie }));
    assert.match(again.text, /This job already finished \(cancelled\): there was nothing to cancel\./);
  });

  test('retry a cancelled job: pending again; retrying a pending job is refused with a message', async () => {
    const job = h.queue.enqueue({ type: 'system.ping', runAt: Date.now() + 60 * 60_000 }).job;
    await h.queue.cancel(job.id);
    const retried = await follow(await h.post(`/dashboard/queue/${job.id}/retry`, { _csrf: csrf }, { cookie }));
    assert.match(retried.text, /Job retried: it is pending again\./);
    assert.equal((await h.queue.get(job.id))!.status, 'pending');
    const refused = await follow(await h.post(`/dashboard/queue/${job.id}/retry`, { _csrf: csrf }, { cookie }));
    assert.match(refused.text, /Only failed or cancelled jobs can be retried; this one is pending\./);
    await h.queue.cancel(job.id);
  });

  test('"Cancel requested" is shown while the job is stopping, and replaced once it has stopped', async () => {
    const job = h.queue.enqueue({ type: 'exportRuns', payload: { chunkSize: 10 }, runAt: Date.now() + 60 * 60_000 }).job;
    // Running on a worker (no runner in this harness: the row says so, as a runner's would).
    h.db.prepare(`UPDATE nightshift_queue_jobs SET status = 'processing', lease_token = 'lease', lease_owner = 'test', lease_expires_at = ?, attempts = 1, started_at = ? WHERE id = ?`).run(Date.now() + 60_000, Date.now(), job.id);
    const res = await h.post(`/dashboard/queue/${job.id}/cancel`, { _csrf: csrf }, { cookie });
    const flash = flashCookie(res)!;
    const stopping = await (await h.get(`/dashboard/queue/${job.id}`, `${cookie}; ${flash}`)).text();
    assert.match(stopping, /<div class="flash flash-info" data-until-settled=""><span>Cancel requested: the job stops at its next check/);
    assert.doesNotMatch(stopping, /data-settled/);
    // The runner records the cancel: the page marks the job settled (the script then drops the
    // message); a page rendered now with the same message says how it ended instead.
    h.db.prepare(`UPDATE nightshift_queue_jobs SET status = 'cancelled', completed_at = ?, last_error = 'Cancelled', lease_token = NULL WHERE id = ?`).run(Date.now(), job.id);
    const live = await (await h.get(`/dashboard/queue/${job.id}`, cookie, { 'x-nightshift-live': '1' })).text();
    assert.match(live, /<div class="progress-panel progress-cancelled" data-settled="">/);
    const stopped = await (await h.get(`/dashboard/queue/${job.id}`, `${cookie}; ${flash}`)).text();
    assert.doesNotMatch(stopped, /Cancel requested/);
    assert.match(textOf(stopped), /Job cancelled\./);
    // Other messages are left alone on a settled job.
    const again = await follow(await h.post(`/dashboard/queue/${job.id}/cancel`, { _csrf: csrf }, { cookie }));
    assert.match(again.text, /This job already finished \(cancelled\): there was nothing to cancel\./);
  });

  test('the confirmation pages exist for browsers without script, and only when the action applies', async () => {
    const job = h.queue.enqueue({ type: 'system.ping', runAt: Date.now() + 60 * 60_000 }).job;
    const confirm = await h.get(`/dashboard/queue/${job.id}/cancel`, cookie);
    assert.equal(confirm.status, 200);
    assert.match(await confirm.text(), new RegExp(`<form method="post" action="/dashboard/queue/${job.id}/cancel"`));
    const notRetryable = await h.get(`/dashboard/queue/${job.id}/retry`, cookie);
    assert.equal(notRetryable.status, 303);
    assert.equal(notRetryable.headers.get('location'), `/dashboard/queue/${job.id}`);
    await h.queue.cancel(job.id);
  });

  test('unknown jobs are 404 pages', async () => {
    for (const action of ['cancel', 'retry']) {
      const res = await h.post(`/dashboard/queue/00000000-0000-7000-8000-000000000000/${action}`, { _csrf: csrf }, { cookie });
      assert.equal(res.status, 404);
      assert.match(textOf(await res.text()), /Queue job not found/);
    }
  });
});
