// cleanupPreviewSessions, tested as a plain module (run(ctx) against a fresh temp database) and
// once through a real scheduler and worker thread, so the ledger row is proven too.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPreviewSession, findPreviewSession, revokePreviewSession } from '../src/app/domain/preview-sessions.ts';
import type { Db } from '../src/store/sqlite/open.ts';
import { BOUNDED, harness, jobContext, runJob, runThroughScheduler } from '../test/helpers/scheduler-fixtures.ts';
import job from './cleanup-preview-sessions.ts';

const HOUR = 60 * 60_000;
const count = (db: Db) => db.prepare(`SELECT COUNT(*) FROM preview_sessions`).pluck().get() as number;

/** Two live, two expired, one revoked-but-live, one expired-and-revoked session. */
function seed(db: Db) {
  const now = Date.now();
  const live = [createPreviewSession(db, new Date(now + HOUR)), createPreviewSession(db, new Date(now + 24 * HOUR))];
  const expired = [createPreviewSession(db, new Date(now - HOUR)), createPreviewSession(db, new Date(now - 1000))];
  const revoked = createPreviewSession(db, new Date(now + HOUR));
  revokePreviewSession(db, revoked.token);
  const expiredAndRevoked = createPreviewSession(db, new Date(now - HOUR));
  revokePreviewSession(db, expiredAndRevoked.token);
  return { live, expired, revoked, expiredAndRevoked };
}

test('deletes expired and revoked sessions, keeps live ones, returns the counts', async (t) => {
  const h = harness(t);
  const rows = seed(h.db);

  const details = await runJob(job, jobContext(h.db));

  // A session both expired and revoked is deleted by the "expired" pass, so it counts there.
  assert.equal(details.expiredCount, 3);
  assert.equal(details.revokedCount, 1);
  for (const s of rows.live) assert.ok(findPreviewSession(h.db, s.token), 'live session kept');
  for (const s of [...rows.expired, rows.revoked, rows.expiredAndRevoked]) {
    assert.equal(findPreviewSession(h.db, s.token), undefined, 'expired/revoked session deleted');
  }
  assert.equal(count(h.db), 2);
});

test('is idempotent: a second run removes nothing', async (t) => {
  const h = harness(t);
  seed(h.db);
  await runJob(job, jobContext(h.db));

  const second = await runJob(job, jobContext(h.db));

  assert.equal(second.expiredCount, 0);
  assert.equal(second.revokedCount, 0);
  assert.equal(count(h.db), 2);
});

test('deletes in several batches when there are more rows than one batch', async (t) => {
  const h = harness(t);
  const now = Date.now();
  // 5,000 expired + 1,200 revoked rows: far more than the default first batch of 500.
  const insert = h.db.prepare(`INSERT INTO preview_sessions (id, token, revoked, expires_at, created_at) VALUES (?, ?, ?, ?, ?)`);
  h.db.transaction(() => {
    for (let i = 0; i < 5_000; i++) insert.run(`e${i}`, `expired-${i}`, 0, now - HOUR, now - 2 * HOUR);
    for (let i = 0; i < 1_200; i++) insert.run(`r${i}`, `revoked-${i}`, 1, now + HOUR, now - HOUR);
    for (let i = 0; i < 300; i++) insert.run(`l${i}`, `live-${i}`, 0, now + HOUR, now);
  })();

  const details = await runJob(job, jobContext(h.db));

  assert.equal(details.expiredCount, 5_000);
  assert.equal(details.revokedCount, 1_200);
  assert.ok((details.batches as number) > 2, `expected several batches, got ${details.batches}`);
  assert.equal(count(h.db), 300, 'only the live rows are left');
});

test('stops between batches when its signal is aborted', async (t) => {
  const h = harness(t);
  const controller = new AbortController();
  controller.abort(new Error('Cancelled'));
  createPreviewSession(h.db, new Date(Date.now() - HOUR));

  await assert.rejects(() => runJob(job, jobContext(h.db, { signal: controller.signal })), /Cancelled/);
  assert.equal(count(h.db), 1, 'nothing deleted after cancel');
});

test('runs in a worker thread through the scheduler and lands in nightshift_job_runs', BOUNDED, async (t) => {
  const h = harness(t);
  seed(h.db);
  const details = await runThroughScheduler(h, new URL('./cleanup-preview-sessions.ts', import.meta.url), 'cleanupPreviewSessions');
  assert.equal(details.expiredCount, 3);
  assert.equal(details.revokedCount, 1);
  assert.equal(count(h.db), 2);
});
