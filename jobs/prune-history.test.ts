// pruneHistory: finished queue jobs and nightshift_job_runs rows older than RETENTION_DAYS go, in batches;
// unfinished jobs, running runs and recent history stay. As a module and as a scheduled job.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Db } from '../src/store/sqlite/open.ts';
import { loadJobs } from '../src/jobs/load.ts';
import { captureLogs, JOBS_DIR, tempDb } from '../test/helpers/index.ts';
import { fakeContext } from '../test/queue/helpers.ts';
import { JobScheduler } from '../src/scheduler/scheduler.ts';
import { uuidv7Prefix } from '../src/core/ids.ts';
import job, { DEFAULT_RETENTION_DAYS, retentionDays } from './prune-history.ts';

const DAY = 24 * 60 * 60_000;

function seed(db: Db) {
  const now = Date.now();
  const job = db.prepare(
    `INSERT INTO nightshift_queue_jobs (id, type, status, trace_id, run_at, max_attempts, created_at, updated_at, completed_at, lease_token)
     VALUES (?, ?, ?, 't', 0, 3, ?, ?, ?, ?)`,
  );
  // Time-ordered ids of the job's creation time, as enqueue makes them; the name goes in `type`.
  let n = 0;
  const addJob = (name: string, status: string, ageDays: number) =>
    job.run(`${uuidv7Prefix(now - ageDays * DAY)}-7000-8000-${String(++n).padStart(12, '0')}`, name, status, now - ageDays * DAY, now, status === 'pending' || status === 'processing' ? null : now - ageDays * DAY, status === 'processing' ? 'token' : null);
  addJob('old-completed', 'completed', 40);
  addJob('old-failed', 'failed', 31);
  addJob('old-cancelled', 'cancelled', 45);
  addJob('recent-completed', 'completed', 5);
  addJob('old-pending', 'pending', 60);
  addJob('old-processing', 'processing', 60);
  const run = db.prepare(`INSERT INTO nightshift_job_runs (id, name, status, trigger, started_at, ended_at) VALUES (?, 'x', ?, 'manual', ?, ?)`);
  const addRun = (id: string, status: string, ageDays: number) => run.run(id, status, now - ageDays * DAY, status === 'running' ? null : now - ageDays * DAY + 10);
  addRun('old-success', 'success', 40);
  addRun('old-failed', 'failed', 35);
  addRun('recent-success', 'success', 2);
  addRun('old-running', 'running', 50);
  for (let i = 0; i < 1_200; i++) addRun(`bulk-${i}`, 'success', 90);
}

const ids = (db: Db, table: string) =>
  table === 'nightshift_queue_jobs'
    ? db.prepare(`SELECT type FROM nightshift_queue_jobs ORDER BY type`).pluck().all()
    : db.prepare(`SELECT id FROM nightshift_job_runs WHERE id NOT LIKE 'bulk-%' ORDER BY id`).pluck().all();

test('RETENTION_DAYS: read from the environment, default 30', async () => {
  assert.equal(retentionDays({}), DEFAULT_RETENTION_DAYS);
  assert.equal(retentionDays({ RETENTION_DAYS: '7' }), 7);
  assert.equal(retentionDays({ RETENTION_DAYS: 'soon' }), DEFAULT_RETENTION_DAYS);
  assert.equal(job.schedule, '30 4 * * *');
});

test('deletes finished jobs and old runs past the retention age, and nothing else', async () => {
  const t = tempDb();
  try {
    seed(t.db);
    const { ctx } = fakeContext(t.db, undefined);
    const details = (await job.run(ctx)) as Record<string, number>;
    assert.equal(details.retentionDays, 30);
    assert.equal(details.queueJobsDeleted, 3);
    assert.equal(details.runsDeleted, 1_202);
    assert.ok(details.batches >= 3, 'in batches');
    assert.deepEqual(ids(t.db, 'nightshift_queue_jobs'), ['old-pending', 'old-processing', 'recent-completed']);
    assert.deepEqual(ids(t.db, 'nightshift_job_runs'), ['old-running', 'recent-success']);
    const again = (await job.run(fakeContext(t.db, undefined).ctx)) as Record<string, number>;
    assert.equal(again.queueJobsDeleted + again.runsDeleted, 0, 'idempotent');
  } finally {
    t.cleanup();
  }
});

test('an enqueued run can ask for a different age', async () => {
  const t = tempDb();
  try {
    seed(t.db);
    await job.run(fakeContext(t.db, { olderThanDays: 3 }).ctx);
    assert.deepEqual(ids(t.db, 'nightshift_queue_jobs'), ['old-pending', 'old-processing']);
  } finally {
    t.cleanup();
  }
});

test('runs as a scheduled job in a Bree worker thread', async () => {
  const t = tempDb();
  const scheduler = new JobScheduler({ store: t.store, jobs: await loadJobs(JOBS_DIR), logger: captureLogs().logger, enabled: true, leaseMs: 2_000, shutdownGraceMs: 2_000 });
  try {
    seed(t.db);
    await scheduler.start();
    assert.ok(scheduler.has('pruneHistory'));
    const outcome = await (await scheduler.runNow('pruneHistory')).done;
    assert.equal(outcome.status, 'success', outcome.error ?? '');
    assert.equal(outcome.details?.queueJobsDeleted, 3, JSON.stringify(outcome));
  } finally {
    await scheduler.stop();
    t.cleanup();
  }
});
