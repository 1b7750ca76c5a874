// exportRuns: CSV of nightshift_job_runs under <database dir>/exports, in chunks with progress; cancel between
// chunks removes the partial file. As a module, and cancelled for real through the queue.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Db } from '../src/store/sqlite/open.ts';
import { loadJobs } from '../src/jobs/load.ts';
import { JOBS_DIR, tempDb } from '../test/helpers/index.ts';
import { fakeContext, harness, waitForStatus } from '../test/queue/helpers.ts';
import job, { csvField, exportDir } from './export-runs.ts';

function seed(db: Db, n: number) {
  const insert = db.prepare(`INSERT INTO nightshift_job_runs (id, name, status, trigger, started_at, ended_at, duration_ms, error) VALUES (?, ?, ?, 'manual', ?, ?, 5, ?)`);
  db.transaction(() => {
    for (let i = 0; i < n; i++) insert.run(`run-${i}`, i % 2 ? 'alpha' : 'beta', i % 3 ? 'success' : 'failed', 1_700_000_000_000 + i, 1_700_000_000_005 + i, i % 3 ? null : `bad "value", line ${i}\nsecond line`);
  })();
}

const parse = (payload: unknown) => job.payload!.parse(payload) as never;

test('csvField quotes commas, quotes and line breaks', async () => {
  assert.equal(csvField('plain'), 'plain');
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('two\nlines'), '"two\nlines"');
  assert.equal(csvField(null), '');
});

test('csvField neutralises cells a spreadsheet would run as formulas (OWASP: = + - @ tab CR)', async () => {
  assert.equal(csvField("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
  assert.equal(csvField('+1+1'), "'+1+1");
  assert.equal(csvField('-2+3'), "'-2+3");
  assert.equal(csvField('@SUM(A1:A2)'), "'@SUM(A1:A2)");
  assert.equal(csvField('\t=1'), "'\t=1");
  assert.equal(csvField('\r=1'), `"'\r=1"`, 'quoted too: it holds a line break');
  assert.equal(csvField('=HYPERLINK("http://x","y")'), `"'=HYPERLINK(""http://x"",""y"")"`);
  assert.equal(csvField('a=1'), 'a=1', 'only a leading sign is a formula');
});

test('exports every run in chunks, reporting progress, to data/exports next to the database', async () => {
  const t = tempDb();
  try {
    seed(t.db, 2_500);
    const { ctx, progress } = fakeContext(t.db, parse({ chunkSize: 1_000 }));
    const details = (await job.run(ctx)) as { file: string; rows: number };
    assert.equal(details.rows, 2_500);
    assert.match(details.file, /^exports\/job-runs-[\w-]+\.csv$/, 'relative to the database folder: no server path in the result');
    assert.equal(exportDir(t.path), join(t.dir, 'exports'));
    assert.deepEqual(progress, [[0, 2_500], [1_000, 2_500], [2_000, 2_500], [2_500, 2_500]]);
    const text = readFileSync(join(t.dir, details.file), 'utf8');
    assert.ok(text.startsWith('id,name,status,trigger,started_at,ended_at,duration_ms,job_id,trace_id,error,details\n'));
    assert.ok(text.includes('run-0,beta,failed,manual,2023-11-14T22:13:20.000Z,2023-11-14T22:13:20.005Z,5,,,"bad ""value"", line 0\nsecond line",\n'));
    assert.equal(text.match(/^run-/gm)?.length, 2_500);
    assert.deepEqual(readdirSync(exportDir(t.path)), [details.file.split('/').pop()], 'no partial file left behind');
    // An error message with a formula in it (user text can reach it) is written as text.
    t.db.prepare(`UPDATE nightshift_job_runs SET error = '=cmd|'' /C calc''!A0' WHERE id = 'run-1'`).run();
    const again = (await job.run(fakeContext(t.db, parse({})).ctx)) as { file: string };
    assert.ok(readFileSync(join(t.dir, again.file), 'utf8').includes(`,'=cmd|' /C calc'!A0,`));
    // Details and errors too large for an API list (summarised there) are exported whole.
    const big = { rows: Array.from({ length: 400 }, (_, i) => `row-${i}`) };
    t.db.prepare(`UPDATE nightshift_job_runs SET details = ?, error = ? WHERE id = 'run-2'`).run(JSON.stringify(big), 'e'.repeat(5_000));
    const whole = readFileSync(join(t.dir, ((await job.run(fakeContext(t.db, parse({})).ctx)) as { file: string }).file), 'utf8');
    assert.ok(whole.includes(`,${'e'.repeat(5_000)},`), 'the whole error');
    assert.ok(whole.includes(csvField(JSON.stringify(big))), 'the whole details');
  } finally {
    t.cleanup();
  }
});

test('filters by name and status', async () => {
  const t = tempDb();
  try {
    seed(t.db, 300);
    const { ctx } = fakeContext(t.db, parse({ name: 'alpha', status: 'failed' }));
    const details = (await job.run(ctx)) as { rows: number };
    assert.equal(details.rows, 50); // odd i (alpha) and i % 3 == 0 (failed): i = 3, 9, 15, ...
  } finally {
    t.cleanup();
  }
});

test('a cancel between chunks stops the export and removes the partial file', async () => {
  const t = tempDb();
  try {
    seed(t.db, 1_000);
    const fake = fakeContext(t.db, parse({ chunkSize: 100 }));
    const original = fake.ctx.progress;
    fake.ctx.progress = (processed, total) => {
      original(processed, total);
      if (processed === 300) fake.controller.abort(new Error('Cancelled'));
    };
    await assert.rejects(async () => job.run(fake.ctx), /Cancelled|aborted/);
    assert.equal(fake.progress.at(-1)![0], 300);
    assert.deepEqual(readdirSync(exportDir(t.path)), []);
  } finally {
    t.cleanup();
  }
});

test('through the queue: progress is visible while it runs, and a cancel stops it', async () => {
  const h = await harness({ jobs: await loadJobs(JOBS_DIR) });
  try {
    seed(h.t.db, 2_000);
    await h.runner.start();
    const { job: queued } = h.queue.enqueue({ type: 'exportRuns', payload: { chunkSize: 10, pauseMs: 20 } });
    const moving = await waitForStatus(h.queue, queued.id, 'processing');
    assert.ok(moving);
    await new Promise((r) => setTimeout(r, 600));
    const progress = (await h.queue.progress(queued.id))!;
    assert.equal(progress.totalItems, 2_000);
    assert.ok(progress.processedItems > 0 && progress.percent < 100, JSON.stringify(progress));
    assert.equal((await h.queue.cancel(queued.id)).outcome, 'cancelling');
    await waitForStatus(h.queue, queued.id, 'cancelled', 3_000);
    const dir = exportDir(h.t.path);
    assert.deepEqual(existsSync(dir) ? readdirSync(dir) : [], []);
  } finally {
    await h.close();
  }
});
