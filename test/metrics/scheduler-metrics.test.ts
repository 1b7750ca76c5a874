// Scheduler metrics from real runs in Bree worker threads: runs counted by job, status and trigger,
// duration histograms, skipped ticks, runs in progress, last success, abandoned runs, scheduler up.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadJobFile } from '../../src/jobs/load.ts';
import { createMetrics } from '../../src/metrics/metrics.ts';
import { Queue } from '../../src/queue/index.ts';
import { captureLogs } from '../helpers/index.ts';
import { BOUNDED, FIXTURE_DIRS, deadPid, harness, runRow, type Harness } from '../helpers/scheduler-fixtures.ts';
import { metricsApp, samplesOf, scrape, scrapeUntil, valueOf } from './helpers.ts';

/** A scheduler over `jobs` that reports to a fresh metrics registry, and the app serving it. */
async function observed(h: Harness, jobs: Parameters<Harness['scheduler']>[0]) {
  const { logger } = captureLogs();
  const metrics = createMetrics({ store: h.store, logger });
  const { scheduler } = await h.scheduler(jobs, { events: metrics.schedulerEvents });
  const queue = new Queue({ store: h.store, jobs: [], logger });
  metrics.attach({ scheduler, queue });
  return { scheduler, metrics, app: metricsApp({ store: h.store, scheduler, queue, logger, metrics }) };
}

test('a success and a failure are counted by job and status, with their durations', BOUNDED, async (t) => {
  const h = harness(t);
  const jobs = await Promise.all([
    loadJobFile(join(FIXTURE_DIRS.daily, 'daily-job.ts')),
    loadJobFile(join(FIXTURE_DIRS.failing, 'throws-job.ts')),
  ]);
  const { scheduler, app } = await observed(h, jobs);

  const before = await scrape(app);
  // Known jobs have zero series from the start (increase() needs a first sample).
  assert.equal(valueOf(before, 'nightshift_scheduler_runs_total', { job_name: 'fixture.daily', status: 'success', trigger: 'schedule' }), 0);
  assert.equal(valueOf(before, 'nightshift_scheduler_up'), 0, 'not started yet');
  assert.equal(valueOf(before, 'nightshift_scheduler_role', { role: 'stopped' }), 1);
  assert.equal(valueOf(before, 'nightshift_scheduler_jobs'), 2);

  await scheduler.start();
  const ok = await (await scheduler.runNow('fixture.daily')).done;
  const failed = await (await scheduler.runNow('fixture.throws')).done;
  assert.equal(ok.status, 'success');
  assert.equal(failed.status, 'failed');

  const m = await scrape(app);
  assert.equal(valueOf(m, 'nightshift_scheduler_runs_total', { job_name: 'fixture.daily', status: 'success', trigger: 'manual' }), 1);
  assert.equal(valueOf(m, 'nightshift_scheduler_runs_total', { job_name: 'fixture.throws', status: 'failed', trigger: 'manual' }), 1);
  assert.equal(valueOf(m, 'nightshift_scheduler_runs_total', { job_name: 'fixture.daily', status: 'failed', trigger: 'manual' }), undefined);
  for (const run of [ok, failed]) {
    const labels = { job_name: run.name, status: run.status };
    assert.equal(valueOf(m, 'nightshift_scheduler_run_duration_seconds_count', labels), 1, run.name);
    assert.equal(valueOf(m, 'nightshift_scheduler_run_duration_seconds_sum', labels), run.durationMs! / 1000, run.name);
    assert.equal(valueOf(m, 'nightshift_scheduler_run_duration_seconds_bucket', { ...labels, le: '+Inf' }), 1);
    assert.equal(valueOf(m, 'nightshift_scheduler_run_duration_seconds_bucket', { ...labels, le: '1800' }), 1);
  }
  // The last success comes from the ledger: the failing job has none.
  const endedAt = runRow(h.db, ok.runId)!.ended_at!;
  assert.equal(valueOf(m, 'nightshift_scheduler_last_success_timestamp_seconds', { job_name: 'fixture.daily' }), endedAt / 1000);
  assert.equal(valueOf(m, 'nightshift_scheduler_last_success_timestamp_seconds', { job_name: 'fixture.throws' }), undefined);
  assert.equal(valueOf(m, 'nightshift_scheduler_runs_in_progress', { job_name: 'fixture.daily' }), 0);
  assert.equal(valueOf(m, 'nightshift_scheduler_up'), 1, 'this scheduler holds the lease');
  assert.equal(valueOf(m, 'nightshift_scheduler_role', { role: 'leader' }), 1);
  assert.equal(valueOf(m, 'nightshift_scheduler_enabled'), 1);

  await scheduler.stop();
  const stopped = await scrape(app);
  assert.equal(valueOf(stopped, 'nightshift_scheduler_up'), 0);
  assert.equal(valueOf(stopped, 'nightshift_scheduler_role', { role: 'stopped' }), 1);
  assert.equal(valueOf(stopped, 'nightshift_scheduler_runs_total', { job_name: 'fixture.daily', status: 'success', trigger: 'manual' }), 1, 'counters outlive the runs');
});

test('cron ticks: a run in progress, the ticks it causes to skip, and its cancel at shutdown', BOUNDED, async (t) => {
  const h = harness(t);
  const { scheduler, app } = await observed(h, FIXTURE_DIRS.slow); // every second, runs 2.5 s
  await scheduler.start();
  const during = await scrapeUntil(
    app,
    (m) =>
      (valueOf(m, 'nightshift_scheduler_runs_total', { job_name: 'fixture.slow', status: 'skipped', trigger: 'schedule' }) ?? 0) >= 1 &&
      valueOf(m, 'nightshift_scheduler_runs_in_progress', { job_name: 'fixture.slow' }) === 1,
    'a skipped tick while the slow run is in progress',
    15_000,
  );
  // Skipped ticks ran nothing: no duration observed for them.
  assert.equal(valueOf(during, 'nightshift_scheduler_run_duration_seconds_count', { job_name: 'fixture.slow', status: 'skipped' }), undefined);

  await scheduler.stop(); // the slow run honours its signal: cancelled
  const after = await scrape(app);
  // The first run of an every-second job may be a catch-up or a scheduled one: count both triggers.
  const cancelled = samplesOf(after, 'nightshift_scheduler_runs_total')
    .filter((s) => s.labels.job_name === 'fixture.slow' && s.labels.status === 'cancelled')
    .reduce((sum, s) => sum + s.value, 0);
  assert.equal(cancelled, 1, 'the run in flight at shutdown is counted cancelled');
  const rows = h.db.prepare(`SELECT count(*) AS n FROM nightshift_job_runs WHERE name = 'fixture.slow' AND status = 'cancelled'`).get() as { n: number };
  assert.equal(rows.n, 1, 'as the ledger says');
  assert.equal(valueOf(after, 'nightshift_scheduler_runs_in_progress', { job_name: 'fixture.slow' }), 0);
});

test('runs abandoned by a dead process are counted when a scheduler closes them', BOUNDED, async (t) => {
  const h = harness(t);
  const dead = `${hostname()}:${deadPid()}:deadbeef`;
  for (let i = 0; i < 2; i++) {
    h.db.prepare(`INSERT INTO nightshift_job_runs (id, name, status, trigger, started_at, owner) VALUES (?, 'fixture.daily', 'running', 'schedule', ?, ?)`)
      .run(randomUUID(), Date.now() - 60_000 - i, dead);
  }
  const { scheduler, app } = await observed(h, FIXTURE_DIRS.daily);
  assert.equal(valueOf(await scrape(app), 'nightshift_scheduler_runs_in_progress', { job_name: 'fixture.daily' }), 2, 'read from the ledger');
  await scheduler.start();
  const m = await scrape(app);
  assert.equal(valueOf(m, 'nightshift_scheduler_abandoned_runs_total'), 2);
  assert.equal(valueOf(m, 'nightshift_scheduler_runs_in_progress', { job_name: 'fixture.daily' }), 0);
});
