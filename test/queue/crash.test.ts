// Crash safety and multi-runner safety with real processes:
//   - a runner process killed with SIGKILL mid-job: a new runner finishes the job exactly once more,
//     and the interrupted run is recorded as 'abandoned';
//   - three runner processes (two threads each) on one database never run a job twice.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { enqueue } from '../../src/queue/index.ts';
import { REPO_ROOT, tempDb, waitFor } from '../helpers/index.ts';
import { harness, loadFixtureJobs, QUEUE_FIXTURES, RUNNER_CHILD, runsOf, waitForStatus } from './helpers.ts';

interface Child {
  proc: ChildProcess;
  ready: Promise<{ owner: string; pid: number }>;
  exited: Promise<number | null>;
}

function startRunner(dbPath: string, workers = 1): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', RUNNER_CHILD, dbPath, QUEUE_FIXTURES, String(workers), '20'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = new Promise<{ owner: string; pid: number }>((resolve, reject) => {
    const lines = createInterface({ input: proc.stdout! });
    lines.on('line', (line) => {
      try {
        const msg = JSON.parse(line);
        if (msg.ready) resolve(msg);
      } catch {
        /* a log line */
      }
    });
    proc.once('exit', (code) => reject(new Error(`runner exited early (${code})`)));
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return { proc, ready, exited };
}

test('kill -9 while a job runs: the next runner completes it exactly once more; the interrupted run is abandoned', async () => {
  const t = tempDb();
  const holdFile = join(t.dir, 'hold');
  writeFileSync(holdFile, '');
  t.db.exec(`CREATE TABLE events (n INTEGER PRIMARY KEY AUTOINCREMENT, job_id TEXT, kind TEXT, attempt INTEGER)`);
  const jobs = await loadFixtureJobs();
  try {
    const child = startRunner(t.path);
    await child.ready;
    // Holds while the file exists: the first attempt is still running when the process dies.
    const { job } = enqueue(t.store, jobs, { type: 'test.slow', payload: { holdFile } });
    await waitFor(() => t.db.prepare(`SELECT 1 FROM events WHERE job_id = ? AND kind = 'start'`).get(job.id), { what: 'the job to start in the child' });
    assert.equal((t.db.prepare(`SELECT status FROM nightshift_queue_jobs WHERE id = ?`).get(job.id) as { status: string }).status, 'processing');
    child.proc.kill('SIGKILL');
    await child.exited;
    rmSync(holdFile);

    // A fresh runner in this process: the dead owner's job is recovered at start and runs again.
    const h = await harness({ t, jobs });
    await h.runner.start();
    try {
      const done = await waitForStatus(h.queue, job.id, 'completed');
      assert.equal(done.attempts, 2);
      const events = t.db.prepare(`SELECT kind, attempt FROM events WHERE job_id = ? ORDER BY n`).all(job.id);
      assert.deepEqual(events, [
        { kind: 'start', attempt: 1 },
        { kind: 'start', attempt: 2 },
        { kind: 'finish', attempt: 2 },
      ], 'finished exactly once');
      const runs = runsOf(t.db, job.id);
      assert.deepEqual(runs.map((r) => r.status), ['abandoned', 'success']);
      assert.match(runs[0]!.error!, /is gone|lease expired/);
      assert.match(done.errorLog[0]!.message, /Attempt 1 abandoned/);
    } finally {
      await h.runner.stop();
    }
  } finally {
    t.cleanup();
  }
});

test('three runner processes with two threads each never run a job twice', { timeout: 60_000 }, async () => {
  const t = tempDb();
  t.db.exec(`CREATE TABLE seen (n INTEGER PRIMARY KEY AUTOINCREMENT, job_id TEXT NOT NULL, run_id TEXT NOT NULL)`);
  const jobs = await loadFixtureJobs();
  const children = [startRunner(t.path, 2), startRunner(t.path, 2), startRunner(t.path, 2)];
  try {
    const owners = await Promise.all(children.map((c) => c.ready));
    const N = 3_000;
    // In chunks, so the runners compete while jobs keep arriving.
    for (let i = 0; i < N; i += 250) {
      t.db.transaction(() => {
        for (let j = i; j < i + 250; j++) enqueue(t.store, jobs, { type: 'test.append' });
      })();
      await new Promise((r) => setTimeout(r, 5));
    }
    await waitFor(() => (t.db.prepare(`SELECT count(*) AS n FROM nightshift_queue_jobs WHERE status = 'completed'`).get() as { n: number }).n === N, {
      timeoutMs: 45_000,
      intervalMs: 50,
      what: 'all jobs to complete',
    });
    const stats = t.db.prepare(`SELECT count(*) AS total, count(DISTINCT job_id) AS distinctJobs FROM seen`).get() as { total: number; distinctJobs: number };
    assert.deepEqual(stats, { total: N, distinctJobs: N }, 'every job ran exactly once');
    const attempts = t.db.prepare(`SELECT max(attempts) AS m FROM nightshift_queue_jobs`).get() as { m: number };
    assert.equal(attempts.m, 1);
    const runs = t.db.prepare(`SELECT count(*) AS n, count(DISTINCT owner) AS owners FROM nightshift_job_runs WHERE status = 'success'`).get() as { n: number; owners: number };
    assert.equal(runs.n, N);
    assert.ok(runs.owners >= 2, `work was shared between runners (${runs.owners} of ${owners.length} took part)`);
  } finally {
    for (const c of children) c.proc.kill('SIGTERM');
    await Promise.all(children.map((c) => c.exited));
    t.cleanup();
  }
});
