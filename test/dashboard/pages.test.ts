// Each dashboard page shows the right data from a real database: the overview, run history with
// its filters and pages, a run, a job with its duration chart, the queue with filters and pages,
// and a queue job with payload, envelope, attempts, error log and progress. Everything the
// database holds is escaped on the way out, and no page carries inline script or style.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { describeCron } from '../../src/jobs/cron.ts';
import { finishRun, openRun } from '../../src/store/sqlite/runs/ledger.ts';
import { dashboardHarness, regionOf, textOf, type DashboardHarness } from './helpers.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

let h: DashboardHarness;
let cookie: string;
before(async () => {
  h = await dashboardHarness({ start: true });
  cookie = await h.signIn();
});
after(() => h.close());

/** A finished run of `name` that started `agoMs` ago and lasted `durationMs`. */
function run(name: string, agoMs: number, durationMs: number, status: 'success' | 'failed' | 'abandoned' | 'cancelled' = 'success', extra: { error?: string; details?: Record<string, unknown>; trigger?: 'schedule' | 'manual' | 'queue'; jobId?: string } = {}) {
  const start = Date.now() - agoMs;
  const id = openRun(h.db, { name, trigger: extra.trigger ?? 'schedule', owner: 'test', jobId: extra.jobId, traceId: 'trace-1', now: start });
  finishRun(h.db, id, { status, error: extra.error ?? (status === 'success' ? null : 'boom'), details: extra.details ?? null, now: start + durationMs });
  return id;
}

function setJob(id: string, columns: Record<string, string | number | null>) {
  const sets = Object.keys(columns).map((c) => `${c} = @${c}`).join(', ');
  h.db.prepare(`UPDATE nightshift_queue_jobs SET ${sets} WHERE id = @id`).run({ ...columns, id });
}

describe('overview', () => {
  test('scheduler, scheduled jobs with cron in words, last and next run, run-now buttons', async () => {
    run('cleanupI18nCache', 2 * HOUR, 1_234, 'success', { details: { cleanedCount: 7 } });
    const page = await h.html('/dashboard', cookie);
    const stats = textOf(regionOf(page, 'overview-stats'));
    assert.match(stats, /Scheduler Running Leader for this database/);
    const jobs = regionOf(page, 'scheduled-jobs');
    for (const job of (await h.scheduler.getStatus()).jobs) {
      const row = textOf(jobs.slice(jobs.indexOf(`<tr data-job="${job.name}"`)));
      assert.ok(row.startsWith(` ${job.name} ${job.description} ${describeCron(job.schedule)} ${job.schedule} `), row.slice(0, 200));
      assert.match(jobs, new RegExp(`aria-label="Run now: ${job.name}"`));
      assert.match(jobs, new RegExp(`<time datetime="${job.nextRun}"`));
    }
    const row = textOf(jobs.slice(jobs.indexOf('<tr data-job="cleanupI18nCache"')));
    assert.match(row, /Success 1\.2 s · \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
    assert.match(textOf(regionOf(page, 'scheduled-jobs')), /Never run/);
  });

  test('queue counts by status and by type', async () => {
    const a = h.queue.enqueue({ type: 'system.ping' }).job;
    h.queue.enqueue({ type: 'system.ping' });
    const failed = h.queue.enqueue({ type: 'requests.reminder', payload: { requestId: 'r1' } }).job;
    setJob(failed.id, { status: 'failed', last_error: 'Request "r1" not found', attempts: 1 });
    setJob(a.id, { status: 'completed' });
    const page = await h.html('/dashboard', cookie);
    const stats = textOf(regionOf(page, 'overview-stats'));
    assert.match(stats, /Pending 1 queue jobs Processing 0 queue jobs Completed 1 queue jobs Failed 1 queue jobs Cancelled 0 queue jobs/);
    const byType = textOf(regionOf(page, 'queue-by-type'));
    assert.match(byType, /requests\.reminder 0 0 0 1 0 1/);
    assert.match(byType, /system\.ping 1 0 1 0 0 2/);
  });

  test('recent failures come first, newest first, from the last day only', async () => {
    run('cleanupPreviewSessions', 3 * HOUR, 50, 'failed', { error: 'disk full' });
    run('pruneHistory', 1 * HOUR, 50, 'abandoned', { error: 'The process running this job stopped before it finished' });
    run('pruneHistory', 30 * HOUR, 50, 'failed', { error: 'too old to list' });
    const page = await h.html('/dashboard', cookie);
    const failures = textOf(regionOf(page, 'overview-failures'));
    const order = ['requests.reminder', 'pruneHistory', 'cleanupPreviewSessions'].map((n) => failures.indexOf(n));
    assert.ok(order.every((i) => i >= 0), failures);
    assert.deepEqual([...order].sort((x, y) => x - y), order, 'newest first');
    assert.doesNotMatch(failures, /too old to list/);
    assert.ok(page.indexOf('id="overview-failures"') < page.indexOf('id="scheduled-jobs"'), 'failures before the job list');
  });
});

describe('run history', () => {
  test('filters by job, status, trigger and start time', async () => {
    const a = run('history.a', 5 * HOUR, 100, 'success', { trigger: 'schedule' });
    const b = run('history.a', 4 * HOUR, 200, 'failed', { trigger: 'manual', error: 'bad input' });
    const c = run('history.b', 3 * HOUR, 300, 'success', { trigger: 'queue' });
    const ids = (html: string) => [...regionOf(html, 'runs-table').matchAll(/data-run-id="([^"]+)"/g)].map((m) => m[1]);
    const only = async (query: string) => ids(await h.html(`/dashboard/runs?${query}`, cookie)).filter((id) => [a, b, c].includes(id!));
    assert.deepEqual(await only('job=history.a'), [b, a]);
    assert.deepEqual(await only('job=history.a&status=failed'), [b]);
    assert.deepEqual(await only('trigger=queue'), [c]);
    const at = (ago: number) => new Date(Date.now() - ago).toISOString().slice(0, 16);
    assert.deepEqual(await only(`from=${at(4.5 * HOUR)}&to=${at(3.5 * HOUR)}`), [b]);
    assert.deepEqual(await only(`from=${at(3.5 * HOUR)}`), [c]);
    const page = await h.html('/dashboard/runs?job=history.a&status=failed', cookie);
    assert.match(page, /<option value="history\.a" selected="">history\.a<\/option>/);
    assert.match(page, /<option value="failed" selected="">Failed<\/option>/);
    assert.match(textOf(regionOf(page, 'runs-table')), /Failed \(open run\) history\.a Manual .* 200 ms bad input/);
  });

  test('filters that cannot be read are reported on the page, not a 500', async () => {
    const res = await h.get('/dashboard/runs?from=yesterday&status=exploded&page=-3', cookie);
    assert.equal(res.status, 200);
    const text = textOf(await res.text());
    assert.match(text, /The "from" time was not understood, so it is not applied\./);
    assert.match(text, /There is no run status "exploded"\./);
  });

  test('pages of 50, newest first, with Newer and Older links', async () => {
    for (let i = 0; i < 120; i++) run('history.paged', (200 - i) * MIN, 10);
    const rowsOf = (html: string) => [...regionOf(html, 'runs-table').matchAll(/<tr data-run-id=/g)].length;
    const first = await h.html('/dashboard/runs?job=history.paged', cookie);
    assert.equal(rowsOf(first), 50);
    assert.match(first, /href="\/dashboard\/runs\?job=history\.paged&amp;page=2" rel="next"/);
    const third = await h.html('/dashboard/runs?job=history.paged&page=3', cookie);
    assert.equal(rowsOf(third), 20);
    assert.doesNotMatch(third, /rel="next"/);
    assert.match(third, /href="\/dashboard\/runs\?job=history\.paged&amp;page=2" rel="prev"/);
    assert.match(textOf(third), /Runs 101–120 \(end of history\)/);
  });

  test('a run page shows timing, error, details, queue job and trace id; an unknown run is a 404 page', async () => {
    const job = h.queue.enqueue({ type: 'system.ping' }).job;
    const id = run('system.ping', 10 * MIN, 1_500, 'failed', { error: 'connection reset', trigger: 'queue', jobId: job.id, details: { tried: 2 } });
    const page = await h.html(`/dashboard/runs/${id}`, cookie);
    const text = textOf(page);
    assert.match(text, /Run system\.ping Failed/);
    assert.match(text, /Error connection reset/);
    assert.match(page, /<div class="error-box" role="note" aria-label="Error">/);
    assert.match(text, /Duration 1\.5 s/);
    // Detail pages show the exact UTC time (the script adds "(2 min ago)" after it, not instead).
    assert.match(page, /Started<\/dt><dd><time datetime="[^"]+" data-rel="full">\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC<\/time>/);
    assert.match(page, /Ended<\/dt><dd><time datetime="[^"]+" data-rel="full">/);
    assert.match(page, new RegExp(`href="/dashboard/queue/${job.id}"`));
    assert.match(text, /Trace id trace-1/);
    assert.match(page, /&quot;tried&quot;: 2/);
    const missing = await h.get('/dashboard/runs/nope', cookie);
    assert.equal(missing.status, 404);
    assert.match(missing.headers.get('content-type')!, /text\/html/);
    assert.match(textOf(await missing.text()), /Run not found/);
  });

  test('a cancelled run is a neutral note with its time, not a red error; a longer message is shown', async () => {
    const plain = run('system.ping', 5 * MIN, 800, 'cancelled', { error: 'Cancelled' });
    const page = await h.html(`/dashboard/runs/${plain}`, cookie);
    const detail = regionOf(page, 'run-detail');
    assert.doesNotMatch(detail, /error-box/);
    assert.match(detail, /<div class="outcome-note" role="note" aria-label="Cancelled"><p class="outcome-note-title">Cancelled at <time datetime="[^"]+" data-rel="full">[^<]+ UTC<\/time><\/p><\/div>/);
    const terminated = run('system.ping', 4 * MIN, 900, 'cancelled', { error: 'Cancelled; the handler did not stop within 500 ms, so its thread was terminated' });
    const detail2 = regionOf(await h.html(`/dashboard/runs/${terminated}`, cookie), 'run-detail');
    assert.doesNotMatch(detail2, /error-box/);
    assert.match(textOf(detail2), /Cancelled at \S+ \S+ UTC Cancelled; the handler did not stop within 500 ms, so its thread was terminated/);
  });
});

describe('job page', () => {
  test('a duration chart of recent runs: inline SVG with a title, a summary and the data as a table', async () => {
    const durations = [400, 800, 1_200, 1_600, 2_000];
    durations.forEach((d, i) => run('cleanupPreviewSessions', (10 - i) * HOUR, d, i === 2 ? 'failed' : 'success'));
    const page = await h.html('/dashboard/jobs/cleanupPreviewSessions', cookie);
    const chart = regionOf(page, 'job-chart');
    assert.match(chart, /<svg viewBox="0 0 960 260" role="img" aria-labelledby="chart-title-cleanupPreviewSessions chart-desc-cleanupPreviewSessions"/);
    assert.match(chart, /<title id="chart-title-cleanupPreviewSessions">Duration of the last 6 runs of cleanupPreviewSessions<\/title>/);
    assert.match(chart, /<desc id="chart-desc-cleanupPreviewSessions">6 runs, oldest on the left\. Shortest 50 ms, median 800 ms/);
    assert.equal([...chart.matchAll(/<rect [^>]*class="chart-bar /g)].length, 6);
    assert.equal([...chart.matchAll(/class="chart-bar chart-bar-bad"/g)].length, 2);
    assert.match(chart, /<summary>Show the chart&#39;s data as a table<\/summary>/);
    assert.equal([...regionOf(page, 'job-chart').matchAll(/<td class="num">/g)].length, 6);
    assert.match(textOf(regionOf(page, 'job-summary')), /Success rate 67%/);
    assert.match(page, /aria-label="Run now: cleanupPreviewSessions"/);
  });

  test('the chart axis has round steps in one unit, the median sits in the legend, the success rate leaves out cancelled runs', async () => {
    const name = 'legacyReport'; // runs in the history, no job file: the page still shows them
    [40_000, 95_000, 190_000, 7_000].forEach((d, i) => run(name, (20 - i) * HOUR, d, i === 3 ? 'failed' : 'success'));
    const cancelled = openRun(h.db, { name, trigger: 'manual', owner: 'test', now: Date.now() - 2 * HOUR });
    finishRun(h.db, cancelled, { status: 'cancelled', error: 'Cancelled', now: Date.now() - 2 * HOUR + 3_000 });
    const skipped = openRun(h.db, { name, trigger: 'schedule', owner: 'test', now: Date.now() - HOUR });
    finishRun(h.db, skipped, { status: 'skipped', now: Date.now() - HOUR });
    const page = await h.html(`/dashboard/jobs/${name}`, cookie);
    const chart = regionOf(page, 'job-chart');
    const ticks = [...chart.matchAll(/<text x="56" [^>]*>([^<]+)<\/text>/g)].map((m) => m[1]);
    assert.deepEqual(ticks, ['0 min', '1 min', '2 min', '3 min', '4 min']);
    assert.doesNotMatch(chart, /<text[^>]*>median/, 'no median label drawn over the bars');
    assert.match(textOf(chart), /median 40 s/);
    assert.match(textOf(regionOf(page, 'job-summary')), /Success rate 75% of the last 4 runs that succeeded or failed; 1 cancelled, 1 skipped not counted/);
  });

  test('one run: a single time label under one centred bar of the usual width; the success note says so', async () => {
    const name = 'history.single'; // runs only, no job file: it lives under the run history
    run(name, 3 * HOUR, 2_000);
    const page = await h.html(`/dashboard/jobs/${name}`, cookie);
    const chart = regionOf(page, 'job-chart');
    const bars = [...chart.matchAll(/<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"/g)].map((m) => ({ x: Number(m[1]), w: Number(m[2]) }));
    assert.equal(bars.length, 1);
    assert.equal(bars[0]!.w, 36, 'a bar as wide as in a full chart, not stretched');
    assert.equal(bars[0]!.x + bars[0]!.w / 2, 64 + (960 - 64 - 12) / 2, 'centred in the plot');
    const labels = [...chart.matchAll(/<text x="([\d.]+)" y="252" text-anchor="(\w+)" class="chart-label chart-time">([^<]+)<\/text>/g)];
    assert.equal(labels.length, 1, 'one time label, not the same time twice');
    assert.equal(labels[0]![2], 'middle');
    assert.equal(Number(labels[0]![1]), 506);
    assert.match(chart, /<title id="chart-title-history\.single">Duration of the last run of history\.single<\/title>/);
    assert.match(chart, /<desc id="chart-desc-history\.single">1 run\. Shortest 2 s, median 2 s/);
    assert.match(textOf(regionOf(page, 'job-summary')), /Success rate 100% from a single run, which succeeded/);
    assert.match(page, /<a href="\/dashboard\/runs" aria-current="page">Runs<\/a>/);
    assert.match(page, /<nav class="breadcrumbs" aria-label="Breadcrumb"><a href="\/dashboard\/runs">Runs<\/a>/);
  });

  test('two runs in the same minute: two labels with seconds, each growing away from its own bar', async () => {
    const name = 'history.pair';
    const start = Date.UTC(2026, 0, 5, 10, 0, 5);
    for (const offset of [0, 30_000]) {
      const id = openRun(h.db, { name, trigger: 'manual', owner: 'test', now: start + offset });
      finishRun(h.db, id, { status: 'success', now: start + offset + 1_000 });
    }
    const chart = regionOf(await h.html(`/dashboard/jobs/${name}`, cookie), 'job-chart');
    const bars = [...chart.matchAll(/<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"/g)].map((m) => ({ left: Number(m[1]), right: Number(m[1]) + Number(m[2]) }));
    const labels = [...chart.matchAll(/<text x="([\d.]+)" y="252" text-anchor="(\w+)" class="chart-label chart-time">([^<]+)<\/text>/g)].map((m) => ({ x: Number(m[1]), anchor: m[2], text: m[3] }));
    assert.deepEqual(labels, [
      { x: bars[0]!.right, anchor: 'end', text: '2026-01-05 10:00:05' },
      { x: bars[1]!.left, anchor: 'start', text: '2026-01-05 10:00:35' },
    ]);
  });

  test('a queue job type lives under Queue: nav, breadcrumb and a link to its jobs in the queue', async () => {
    const page = await h.html('/dashboard/jobs/system.sleep', cookie);
    assert.match(page, /<a href="\/dashboard\/queue" aria-current="page">Queue<\/a>/);
    assert.doesNotMatch(page, /<a href="\/dashboard" aria-current="page">/);
    assert.match(page, /<nav class="breadcrumbs" aria-label="Breadcrumb"><a href="\/dashboard\/queue">Queue<\/a><span aria-hidden="true">\/<\/span><span aria-current="page">system\.sleep<\/span><\/nav>/);
    assert.match(page, /<a class="button button-ghost" href="\/dashboard\/queue\?type=system\.sleep">Jobs in the queue<\/a>/);
    // A scheduled job stays under the overview, where the scheduled jobs are listed.
    const scheduled = await h.html('/dashboard/jobs/pruneHistory', cookie);
    assert.match(scheduled, /<a href="\/dashboard" aria-current="page">Overview<\/a>/);
    assert.match(scheduled, /<nav class="breadcrumbs" aria-label="Breadcrumb"><a href="\/dashboard">Overview<\/a>/);
  });

  test('settings show durations without zero sub-units', async () => {
    assert.match(textOf(await h.html('/dashboard/jobs/cleanupPreviewSessions', cookie)), /Timeout 10 min Max attempts/);
    assert.match(textOf(await h.html('/dashboard/jobs/exportRuns', cookie)), /Timeout 30 min Max attempts/);
    assert.match(textOf(await h.html('/dashboard/jobs/system.sleep', cookie)), /Timeout 2 h Max attempts/);
  });

  test('queue-only job types have a page with an Enqueue link; unknown jobs are a 404 page', async () => {
    const page = await h.html('/dashboard/jobs/exportRuns', cookie);
    assert.match(textOf(page), /Queue job type exportRuns Export run history/);
    assert.match(page, /href="\/dashboard\/queue\/new\?type=exportRuns"/);
    assert.doesNotMatch(page, /aria-label="Run now: exportRuns"/);
    const missing = await h.get('/dashboard/jobs/noSuchJob', cookie);
    assert.equal(missing.status, 404);
    assert.match(textOf(await missing.text()), /Job not found/);
  });
});

describe('queue', () => {
  test('the list filters by status and type and pages by 25 with the total', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push(h.queue.enqueue({ type: 'exportRuns', payload: { chunkSize: 10 }, runAt: Date.now() + HOUR }).job.id);
    setJob(ids[0]!, { status: 'cancelled' });
    const rows = (html: string) => [...regionOf(html, 'queue-table').matchAll(/data-queue-job="([^"]+)"/g)].map((m) => m[1]!);
    const first = await h.html('/dashboard/queue?type=exportRuns', cookie);
    assert.equal(rows(first).length, 25);
    assert.equal(rows(first)[0], ids[29], 'newest first');
    assert.match(textOf(first), /1–25 of 30 · page 1 of 2/);
    const second = await h.html('/dashboard/queue?type=exportRuns&page=2', cookie);
    assert.equal(rows(second).length, 5);
    assert.deepEqual(rows(await h.html('/dashboard/queue?status=cancelled&type=exportRuns', cookie)), [ids[0]]);
    const tabs = textOf(regionOf(first, 'queue-tabs'));
    assert.match(tabs, /Cancelled 1/);
    assert.match(first, /<a href="\/dashboard\/queue\?type=exportRuns" class="tab" aria-current="page">/);
  });

  test('a job page shows payload, envelope, attempts, error log, progress and the runs of its attempts', async () => {
    const job = h.queue.enqueue({ type: 'exportRuns', payload: { chunkSize: 25, pauseMs: 5 }, tenantId: 'acme', actorId: 'alice', traceId: 'trace-xyz', requestId: 'req-9', maxAttempts: 5, runAt: Date.now() + HOUR }).job;
    const log = [
      { at: new Date(Date.now() - 5 * MIN).toISOString(), attempt: 1, message: 'disk full' },
      { at: new Date(Date.now() - 2 * MIN).toISOString(), attempt: 2, message: 'still full' },
    ];
    setJob(job.id, { status: 'processing', lease_token: 'lease', lease_owner: 'test', lease_expires_at: Date.now() + HOUR, attempts: 3, processed_items: 420, total_items: 1000, error_log: JSON.stringify(log), last_error: 'still full', started_at: Date.now() });
    const attempt = run('exportRuns', 5 * MIN, 900, 'failed', { trigger: 'queue', jobId: job.id, error: 'disk full' });
    const page = await h.html(`/dashboard/queue/${job.id}`, cookie);
    const text = textOf(page);
    assert.match(text, /Queue job exportRuns Processing/);
    assert.match(page, /&quot;chunkSize&quot;: 25/);
    assert.match(text, /Tenant acme Actor alice Trace id trace-xyz Request id req-9/);
    assert.match(text, /Attempts 3 of 5/);
    assert.match(page, /<progress id="job-progress" class="progress-big" max="100" value="42" aria-labelledby="job-progress-label" aria-valuetext="42% · 420 of 1,000 items"/);
    const errors = textOf(regionOf(page, 'queue-job-errors'));
    assert.ok(errors.indexOf('still full') < errors.indexOf('disk full'), 'newest error first');
    assert.match(errors, /Attempt 2 .* still full .*Attempt 1 .* disk full/);
    assert.match(regionOf(page, 'queue-job-attempts'), new RegExp(`data-run-id="${attempt}"`));
    // A real button (not a link styled as one), in a form that GETs the confirmation page without script.
    assert.match(page, new RegExp(`<form method="get" action="/dashboard/queue/${job.id}/cancel" class="inline-form"><button type="submit" class="button button-danger" data-dialog="cancel-dialog" aria-haspopup="dialog" id="cancel-button">Cancel job</button></form>`));
    assert.doesNotMatch(page, /<a [^>]*data-dialog/);
    assert.doesNotMatch(regionOf(page, 'queue-job-head'), /Retry job/);
    assert.match(page, /<dialog id="cancel-dialog" class="dialog" aria-labelledby="cancel-dialog-title"/);
    const confirm = await h.html(`/dashboard/queue/${job.id}/cancel`, cookie);
    assert.match(textOf(confirm), /Cancel this job\?.*Cancel job Keep it/);
    const missing = await h.get('/dashboard/queue/not-a-job', cookie);
    assert.equal(missing.status, 404);
  });

  test('a job running again after a retry by hand: runs numbered in order, attempts per round, the old error quiet', async () => {
    const job = h.queue.enqueue({ type: 'exportRuns', payload: { chunkSize: 25 }, maxAttempts: 3, runAt: Date.now() + HOUR }).job;
    // Attempt 1 was cancelled while running: the queue wrote an error entry and ended the run at the same instant.
    const cancelledAt = Date.now() - 10 * MIN;
    const first = openRun(h.db, { name: 'exportRuns', trigger: 'queue', owner: 'test', jobId: job.id, traceId: 'trace-1', now: cancelledAt - 4_000 });
    finishRun(h.db, first, { status: 'cancelled', error: 'Cancelled', now: cancelledAt });
    // Then retried by hand (the count starts again) and running attempt 1 of the new round.
    const second = openRun(h.db, { name: 'exportRuns', trigger: 'queue', owner: 'test', jobId: job.id, traceId: 'trace-1', now: Date.now() - MIN });
    setJob(job.id, {
      status: 'processing', attempts: 1, lease_token: 'lease', lease_owner: 'test', lease_expires_at: Date.now() + HOUR, started_at: Date.now() - MIN,
      error_log: JSON.stringify([{ at: new Date(cancelledAt).toISOString(), attempt: 1, message: 'Cancelled' }]), last_error: 'Cancelled',
    });
    const page = await h.html(`/dashboard/queue/${job.id}`, cookie);
    const head = regionOf(page, 'queue-job-head');
    assert.match(textOf(head), /Previous attempt: Cancelled/);
    assert.doesNotMatch(head, /error-box|Last error/);
    assert.match(textOf(regionOf(page, 'queue-job-facts')), /Attempts 1 of 3, counted since the retry by hand/);
    const attempts = regionOf(page, 'queue-job-attempts');
    assert.match(textOf(attempts), /Run Attempt Status .* Run 2 1 of 3 Running .* Retried by hand: the attempt count started again Run 1 1 of 3 Cancelled/);
    assert.ok(attempts.indexOf(second) < attempts.indexOf(first), 'newest first');
    assert.match(textOf(regionOf(page, 'queue-job-errors')), /Run 1 Attempt 1 of 3 .* Cancelled/);

    // Once it has failed for good, its error is an alert again.
    setJob(job.id, { status: 'failed', lease_token: null, lease_owner: null, lease_expires_at: null, last_error: 'disk full' });
    const failed = regionOf(await h.html(`/dashboard/queue/${job.id}`, cookie), 'queue-job-head');
    assert.match(failed, /class="error-box" role="note" aria-label="Last error"/);
    assert.match(textOf(failed), /Last error disk full/);
  });

  test('a cancelled job is a neutral note with when it happened; a thread that had to be terminated is said too', async () => {
    const job = h.queue.enqueue({ type: 'system.ping', runAt: Date.now() + HOUR }).job;
    await h.queue.cancel(job.id);
    const head = regionOf(await h.html(`/dashboard/queue/${job.id}`, cookie), 'queue-job-head');
    assert.doesNotMatch(head, /error-box|Last error/);
    assert.match(head, /<div class="outcome-note" role="note" aria-label="Cancelled"><p class="outcome-note-title">Cancelled by an operator at <time datetime="[^"]+" data-rel="full">[^<]+ UTC<\/time><\/p><\/div>/);
    const message = 'Cancelled; the handler did not stop within 500 ms, so its thread was terminated';
    setJob(job.id, { last_error: message, error_log: JSON.stringify([{ at: new Date().toISOString(), attempt: 1, message }]) });
    const page = await h.html(`/dashboard/queue/${job.id}`, cookie);
    const terminated = regionOf(page, 'queue-job-head');
    assert.doesNotMatch(terminated, /error-box|Last error/);
    assert.match(terminated, /class="outcome-note"/);
    assert.match(textOf(terminated), new RegExp(`Cancelled by an operator at \\S+ \\S+ UTC ${message}`));
    assert.match(regionOf(page, 'queue-job-errors'), /<li class="error-log-entry error-log-entry-neutral">/);
    // The list shows its message muted, not as an error.
    const list = regionOf(await h.html('/dashboard/queue?status=cancelled&type=system.ping', cookie), 'queue-table');
    assert.match(list, /<td class="cell-muted">Cancelled; the handler did not stop/);
    // Facts carry exact times too.
    assert.match(regionOf(page, 'queue-job-facts'), /Created<\/dt><dd><time datetime="[^"]+" data-rel="full">/);
  });

  test('the enqueue form lists every job type, with an example payload and the schema fields', async () => {
    const page = await h.html('/dashboard/queue/new?type=exportRuns', cookie);
    for (const type of h.queue.types.all()) assert.match(page, new RegExp(`<option value="${type.name.replace('.', '\\.')}"`));
    assert.match(page, /<label for="e-payload">Payload \(JSON\)<\/label>/);
    assert.match(page, /&quot;chunkSize&quot;: 1000,\n {2}&quot;pauseMs&quot;: 0/);
    assert.match(page, /<code>chunkSize<\/code>: integer, 10–10000, default 1000/);
  });
});

describe('safety of the output', () => {
  test('a job error with <script> is shown as text, wherever it appears', async () => {
    const evil = '<script>alert("pwned")</script><img src=x onerror=alert(1)>';
    const runId = run('cleanupI18nCache', 1 * MIN, 10, 'failed', { error: evil, details: { note: evil } });
    const job = h.queue.enqueue({ type: 'requests.reminder', payload: { requestId: evil }, tenantId: `"><b>${evil}` }).job;
    setJob(job.id, { status: 'failed', last_error: evil, error_log: JSON.stringify([{ at: new Date().toISOString(), attempt: 1, message: evil }]) });
    for (const path of ['/dashboard', `/dashboard/runs/${runId}`, '/dashboard/runs', `/dashboard/queue/${job.id}`, '/dashboard/queue', '/dashboard/jobs/cleanupI18nCache']) {
      const page = await h.html(path, cookie);
      assert.doesNotMatch(page, /<script>alert|<img src=x|<b>/, path);
      assert.match(page, /&lt;script&gt;alert\(&quot;pwned&quot;\)&lt;\/script&gt;|&lt;script&gt;alert\(\\&quot;pwned/, path);
    }
  });

  test('no page has inline script, inline style or event-handler attributes (the CSP forbids them)', async () => {
    const job = h.queue.enqueue({ type: 'system.ping' }).job;
    for (const path of ['/dashboard', '/dashboard/runs', '/dashboard/queue', '/dashboard/queue/new', `/dashboard/queue/${job.id}`, `/dashboard/queue/${job.id}/cancel`, '/dashboard/jobs/pruneHistory', '/dashboard/sign-in']) {
      const page = await h.html(path, cookie);
      for (const tag of page.match(/<script[^>]*>/g) ?? []) assert.match(tag, / src="\/dashboard\/assets\//, `${path}: ${tag}`);
      assert.doesNotMatch(page, /<script[^>]*>[^<]+<\/script>/, path);
      assert.doesNotMatch(page, /<style/, path);
      for (const tag of page.match(/<[a-z][^>]*>/g) ?? []) assert.doesNotMatch(tag, /\s(style|on[a-z]+)=/, `${path}: ${tag}`);
    }
  });

  test('assets are public, with their content types, and cached for good only at their current version', async () => {
    const page = await (await h.get('/dashboard/sign-in')).text();
    const css = /href="(\/dashboard\/assets\/theme\.css\?v=[0-9a-f]+)"/.exec(page)![1]!;
    const js = /src="(\/dashboard\/assets\/dashboard\.js\?v=[0-9a-f]+)"/.exec(page)![1]!;
    const cssRes = await h.get(css);
    assert.equal(cssRes.headers.get('content-type'), 'text/css; charset=utf-8');
    assert.match(cssRes.headers.get('cache-control')!, /immutable/);
    const jsRes = await h.get(js);
    assert.equal(jsRes.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(jsRes.headers.get('x-content-type-options'), 'nosniff');
    assert.equal((await h.get('/dashboard/assets/dashboard.js')).headers.get('cache-control'), 'no-cache');
    assert.equal((await h.get('/dashboard/assets/nope.js')).status, 404);
  });

  test('an unexpected error is an HTML page with a trace id, never the error itself', async () => {
    const countsByType = h.queue.countsByType;
    h.queue.countsByType = () => {
      throw new Error('SQLITE_IOERR at /srv/secret/path.db');
    };
    try {
      const res = await h.get('/dashboard', cookie, { 'x-request-id': 'trace-for-support' });
      assert.equal(res.status, 500);
      assert.match(res.headers.get('content-type')!, /text\/html/);
      const page = await res.text();
      assert.match(textOf(page), /Something went wrong .* \(trace id trace-for-support\)/);
      assert.doesNotMatch(page, /SQLITE_IOERR|secret|at [\w/]+\.ts/);
      assert.ok(h.logs.records.some((r) => r.msg === 'Dashboard request failed' && r.traceId === 'trace-for-support'));
    } finally {
      h.queue.countsByType = countsByType;
    }
  });

  test('a live refresh gets the same regions and leaves the one-shot message for the page', async () => {
    const res = await h.post('/dashboard/jobs/pruneHistory/run', { _csrf: await h.csrf(cookie), back: '/dashboard' }, { cookie });
    const flash = res.headers.getSetCookie().find((c) => c.startsWith('nightshift_flash='))!.split(';')[0]!;
    await h.scheduler.idle();
    const live = await h.get('/dashboard', `${cookie}; ${flash}`, { 'x-nightshift-live': '1' });
    const liveHtml = await live.text();
    for (const id of ['overview-stats', 'overview-failures', 'scheduled-jobs', 'recent-runs', 'queue-by-type']) assert.ok(regionOf(liveHtml, id));
    assert.doesNotMatch(liveHtml, /Started a run of pruneHistory/);
    assert.equal(live.headers.getSetCookie().length, 0);
    const full = await h.html('/dashboard', `${cookie}; ${flash}`);
    assert.match(textOf(full), /Started a run of pruneHistory\. View the run/);
  });
});
