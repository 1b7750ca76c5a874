// What an operator sees: start-up logs that list each job with its cron and a human description,
// a start and an end line per run carrying the run id, and getStatus()/getJobStatus() with lastRun
// and nextRun filled in.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextDue } from '../../src/jobs/cron.ts';
import { JOBS_DIR } from '../helpers/index.ts';
import { BOUNDED, FIXTURE_DIRS, harness } from '../helpers/scheduler-fixtures.ts';

test('start-up logs name the scheduler and list every shipped job with its cron and a description', BOUNDED, async (t) => {
  const h = harness(t);
  const { scheduler, logs } = await h.scheduler(JOBS_DIR);
  await scheduler.start();

  const messages = logs.messages();
  assert.ok(messages.includes('Jobs scheduler enabled'), messages.join('\n'));
  // One line per job: its name, cronstrue's description (lower-cased), then the cron expression.
  const jobLines = (job: string) => logs.records.filter((r) => r.job === job && r.schedule !== undefined).map((r) => r.msg);
  const [preview, ...morePreview] = jobLines('cleanupPreviewSessions');
  assert.deepEqual(morePreview, []);
  assert.match(preview ?? '', /^ {2}- cleanupPreviewSessions: (on the hour, )?every 6 hours \(0 \*\/6 \* \* \*\)$/);
  assert.deepEqual(jobLines('cleanupI18nCache'), ['  - cleanupI18nCache: at 03:00 (0 3 * * *)']);
  // The job list comes after the "enabled" line, as one block.
  assert.ok(messages.indexOf('Scheduled jobs:') > messages.indexOf('Jobs scheduler enabled'));
});

test('each run logs "Job run started" and "Job run finished" with its run id', BOUNDED, async (t) => {
  const h = harness(t);
  const { scheduler, logs } = await h.scheduler(JOBS_DIR);
  await scheduler.start();

  const handle = await scheduler.runNow('cleanupPreviewSessions');
  await handle.done;

  const forRun = logs.records.filter((r) => r.runId === handle.runId);
  const started = forRun.find((r) => r.msg === 'Job run started');
  const finished = forRun.find((r) => r.msg === 'Job run finished');
  assert.ok(started, 'start line with the run id');
  assert.equal(started.job, 'cleanupPreviewSessions');
  assert.equal(started.trigger, 'manual');
  assert.ok(finished, 'end line with the run id');
  assert.equal(finished.status, 'success');
  assert.equal(typeof finished.durationMs, 'number');
  assert.ok(forRun.indexOf(started) < forRun.indexOf(finished));
  // The job's own log line, written in the worker thread, reaches the main log with the same run id.
  assert.ok(forRun.some((r) => r.msg === 'Preview sessions cleaned'), 'worker log forwarded with the run id');
});

test('getStatus() and getJobStatus() report lastRun and nextRun', BOUNDED, async (t) => {
  const h = harness(t);
  const { scheduler } = await h.scheduler(FIXTURE_DIRS.daily);
  await scheduler.start();

  const before = (await scheduler.getJobStatus('fixture.daily'))!;
  assert.equal(before.lastRun, null, 'no run yet on a fresh database');
  assert.equal(before.nextRun, nextDue('0 3 * * *', 'UTC')!.toISOString(), 'the next 03:00 UTC');
  assert.ok(Date.parse(before.nextRun!) > Date.now());
  assert.equal(before.schedule, '0 3 * * *');
  assert.equal(before.scheduleText, 'At 03:00');
  assert.equal(before.description, 'Daily fixture job');

  const handle = await scheduler.runNow('fixture.daily');
  await handle.done;

  const status = await scheduler.getStatus();
  assert.equal(status.enabled, true);
  assert.equal(status.running, true);
  assert.equal(status.role, 'leader');
  assert.equal(status.leaseHolder?.owner, scheduler.owner);
  assert.equal(status.jobs.length, 1);
  const job = status.jobs[0]!;
  assert.deepEqual(job, await scheduler.getJobStatus('fixture.daily'));
  assert.equal(job.running, false);
  assert.equal(job.lastRun?.id, handle.runId);
  assert.equal(job.lastRun?.status, 'success');
  assert.equal(job.lastRun?.trigger, 'manual');
  assert.ok(job.lastRun?.endedAt && job.lastRun.durationMs !== null);
  assert.ok(job.nextRun && Date.parse(job.nextRun) > Date.now());
  assert.equal(await scheduler.getJobStatus('no.such.job'), undefined);
});
