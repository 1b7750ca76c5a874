// cleanupI18nCache, tested as a plain module (run(ctx) against a fresh temp database) and once
// through a real scheduler and worker thread, so the ledger row is proven too.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Db } from '../src/store/sqlite/open.ts';
import { putCacheEntry } from '../src/app/domain/i18n-cache.ts';
import { BOUNDED, harness, jobContext, runJob, runThroughScheduler } from '../test/helpers/scheduler-fixtures.ts';
import job, { MAX_AGE_DAYS } from './cleanup-i18n-cache.ts';

const DAY = 24 * 60 * 60_000;
const hashes = (db: Db) => db.prepare(`SELECT prompt_hash FROM i18n_cache ORDER BY prompt_hash`).pluck().all() as string[];

/**
 * Two live entries (one fresh, one 29 days old), one expired yesterday, one 31 days old that has
 * not expired (the age rule alone must remove it), one both old and expired.
 */
function seed(db: Db) {
  const now = Date.now();
  const put = (promptHash: string, expiresInDays: number, ageDays: number) =>
    putCacheEntry(db, { promptHash, value: `value of ${promptHash}`, expiresAt: new Date(now + expiresInDays * DAY), createdAt: new Date(now - ageDays * DAY) });
  put('live-fresh', 7, 0);
  put('live-29-days-old', 7, MAX_AGE_DAYS - 1);
  put('expired-yesterday', -1, 3);
  put('old-not-expired', 365, MAX_AGE_DAYS + 1);
  put('old-and-expired', -10, 60);
}

test('deletes expired entries and entries older than 30 days, keeps the rest', async (t) => {
  const h = harness(t);
  seed(h.db);

  const details = await runJob(job, jobContext(h.db));

  assert.equal(details.cleanedCount, 3);
  assert.deepEqual(hashes(h.db), ['live-29-days-old', 'live-fresh']);
});

test('is idempotent: a second run removes nothing', async (t) => {
  const h = harness(t);
  seed(h.db);
  await runJob(job, jobContext(h.db));

  const second = await runJob(job, jobContext(h.db));

  assert.equal(second.cleanedCount, 0);
  assert.deepEqual(hashes(h.db), ['live-29-days-old', 'live-fresh']);
});

test('deletes in several batches when there are more rows than one batch', async (t) => {
  const h = harness(t);
  const now = Date.now();
  // 3,000 expired + 2,000 old-but-unexpired entries: far more than the default first batch of 500.
  const insert = h.db.prepare(`INSERT INTO i18n_cache (id, prompt_hash, value, expires_at, created_at) VALUES (?, ?, 'v', ?, ?)`);
  h.db.transaction(() => {
    for (let i = 0; i < 3_000; i++) insert.run(`e${i}`, `expired-${i}`, now - DAY, now - 2 * DAY);
    for (let i = 0; i < 2_000; i++) insert.run(`o${i}`, `old-${i}`, now + DAY, now - 40 * DAY);
    for (let i = 0; i < 250; i++) insert.run(`l${i}`, `live-${i}`, now + DAY, now);
  })();

  const details = await runJob(job, jobContext(h.db));

  assert.equal(details.cleanedCount, 5_000);
  assert.ok((details.batches as number) > 1, `expected several batches, got ${details.batches}`);
  assert.equal(hashes(h.db).length, 250, 'only the live entries are left');
});

test('runs in a worker thread through the scheduler and lands in nightshift_job_runs', BOUNDED, async (t) => {
  const h = harness(t);
  seed(h.db);
  const details = await runThroughScheduler(h, new URL('./cleanup-i18n-cache.ts', import.meta.url), 'cleanupI18nCache');
  assert.equal(details.cleanedCount, 3);
  assert.deepEqual(hashes(h.db), ['live-29-days-old', 'live-fresh']);
});
