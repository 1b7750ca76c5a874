// Leases: only the current token holder can finish a job; expired or orphaned leases are recovered
// (the job runs again, its interrupted run is 'abandoned'); a runner that lost a lease lets go.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { after, before, describe, test } from 'node:test';
import { enqueue } from '../../src/queue/index.ts';
import { claimJobs } from '../../src/store/sqlite/jobs/claim.ts';
import { completeJobs } from '../../src/store/sqlite/jobs/finish.ts';
import { recoverStale } from '../../src/store/sqlite/jobs/leases.ts';
import { openRun } from '../../src/store/sqlite/runs/ledger.ts';
import { tempDb, waitFor, type TempDb } from '../helpers/index.ts';
import { harness, loadFixtureJobs, runsOf, waitForStatus } from './helpers.ts';
import type { Db } from '../../src/store/sqlite/open.ts';

const OTHER_HOST = 'some-other-host:4242:feedbeef';

/** Puts a job in the state a runner leaves it in while running it: claimed, with an open run. */
function claimAs(db: Db, id: string, owner: string, leaseMs: number, token = randomUUID()) {
  const now = Date.now();
  const runId = openRun(db, { name: 'test.echo', trigger: 'queue', owner, jobId: id, traceId: 'trace' });
  const [row] = claimJobs(db, [{ id, token, runId }], { owner, now, leaseMs });
  assert.ok(row, 'claimed');
  return { token, runId };
}

describe('lease tokens', () => {
  let t: TempDb;
  before(() => (t = tempDb()));
  after(() => t.cleanup());

  test('only the holder of the current token can complete a job', async () => {
    const jobs = await loadFixtureJobs();
    const { job } = enqueue(t.store, jobs, { type: 'test.echo', payload: {} });
    const first = claimAs(t.db, job.id, OTHER_HOST, -1); // already expired
    const recovered = recoverStale(t.db, Date.now(), () => false);
    assert.deepEqual(recovered.map((r) => [r.id, r.status, r.reason]), [[job.id, 'pending', 'lease_expired']]);
    const second = claimAs(t.db, job.id, OTHER_HOST, 60_000);
    const stale = completeJobs(t.db, [{ id: job.id, token: first.token, result: '"old"', processed: null, total: null }], Date.now());
    assert.deepEqual(stale, [], 'the old holder cannot complete it');
    const current = completeJobs(t.db, [{ id: job.id, token: second.token, result: '"new"', processed: null, total: null }], Date.now());
    assert.equal(current.length, 1);
    const row = t.db.prepare(`SELECT status, result, attempts FROM nightshift_queue_jobs WHERE id = ?`).get(job.id) as { status: string; result: string; attempts: number };
    assert.deepEqual(row, { status: 'completed', result: '"new"', attempts: 2 });
  });

  test('recovery fails a job whose attempts are used up, and honours a pending cancel', async () => {
    const jobs = await loadFixtureJobs();
    const exhausted = enqueue(t.store, jobs, { type: 'test.echo', payload: {}, maxAttempts: 1 }).job;
    const cancelled = enqueue(t.store, jobs, { type: 'test.echo', payload: {} }).job;
    const runA = claimAs(t.db, exhausted.id, OTHER_HOST, -1).runId;
    claimAs(t.db, cancelled.id, OTHER_HOST, -1);
    t.db.prepare(`UPDATE nightshift_queue_jobs SET cancel_requested = 1 WHERE id = ?`).run(cancelled.id);
    const recovered = recoverStale(t.db, Date.now(), () => false);
    const byId = new Map(recovered.map((r) => [r.id, r.status]));
    assert.equal(byId.get(exhausted.id), 'failed');
    assert.equal(byId.get(cancelled.id), 'cancelled');
    const run = t.db.prepare(`SELECT status, error FROM nightshift_job_runs WHERE id = ?`).get(runA) as { status: string; error: string };
    assert.equal(run.status, 'abandoned');
    assert.match(run.error, /lease expired/);
  });

  test('an attempt that died before its run row was written still gets an abandoned row', async () => {
    const jobs = await loadFixtureJobs();
    const { job } = enqueue(t.store, jobs, { type: 'test.echo', payload: {} });
    const runId = '01a20000-0000-7000-8000-000000000001';
    claimJobs(t.db, [{ id: job.id, token: randomUUID(), runId }], { owner: OTHER_HOST, now: Date.now() - 10, leaseMs: -5 });
    recoverStale(t.db, Date.now(), () => false);
    const run = t.db.prepare(`SELECT status, trigger, job_id, trace_id, owner FROM nightshift_job_runs WHERE id = ?`).get(runId);
    assert.deepEqual(run, { status: 'abandoned', trigger: 'queue', job_id: job.id, trace_id: job.envelope.traceId, owner: OTHER_HOST });
  });
});

describe('recovery by a runner', () => {
  test('an expired lease is recovered at start: the job runs again and the old run is abandoned', async () => {
    const h = await harness();
    try {
      const { job } = h.queue.enqueue({ type: 'test.echo', payload: { value: 'again' } });
      const { runId } = claimAs(h.t.db, job.id, OTHER_HOST, -1_000);
      await h.runner.start();
      const done = await waitForStatus(h.queue, job.id, 'completed');
      assert.equal(done.attempts, 2);
      assert.match(done.errorLog[0]!.message, /Attempt 1 abandoned: its lease expired/);
      const runs = runsOf(h.t.db, job.id);
      assert.deepEqual(runs.map((r) => [r.id === runId, r.status]), [[true, 'abandoned'], [false, 'success']]);
      assert.ok(h.logs.records.some((r) => r.msg === 'Recovered a job from a stopped runner' && r.jobId === job.id));
    } finally {
      await h.close();
    }
  });

  test('a valid lease held elsewhere is left alone until it expires, then recovered while running', async () => {
    const h = await harness({ leaseMs: 600 }); // recovery sweeps every 200 ms
    try {
      const { job } = h.queue.enqueue({ type: 'test.echo', payload: {} });
      claimAs(h.t.db, job.id, OTHER_HOST, 60_000);
      await h.runner.start();
      await new Promise((r) => setTimeout(r, 700)); // several recovery sweeps
      assert.equal((await h.queue.get(job.id))!.status, 'processing', 'not stolen while the lease is valid');
      // The other runner stops renewing: its lease runs out shortly.
      h.t.db.prepare(`UPDATE nightshift_queue_jobs SET lease_expires_at = ? WHERE id = ?`).run(Date.now() + 300, job.id);
      await waitForStatus(h.queue, job.id, 'completed', 5_000);
    } finally {
      await h.close();
    }
  });

  test('a job held by a dead process on this host is recovered at once, lease or not', async () => {
    const h = await harness();
    try {
      const { job } = h.queue.enqueue({ type: 'test.echo', payload: {} });
      const deadPid = 2 ** 22 + 12_345; // above pid_max on Linux: never a live process
      claimAs(h.t.db, job.id, `${hostname()}:${deadPid}:deadbeef`, 60_000);
      await h.runner.start();
      await waitForStatus(h.queue, job.id, 'completed', 3_000);
      assert.match((await h.queue.get(job.id))!.errorLog[0]!.message, /is gone/);
    } finally {
      await h.close();
    }
  });

  test('a runner that lost a lease aborts the handler and does not overwrite the new holder', async () => {
    const h = await harness({ leaseMs: 600 });
    try {
      await h.runner.start();
      const { job } = h.queue.enqueue({ type: 'test.slow', payload: { ms: 5_000 } });
      await waitForStatus(h.queue, job.id, 'processing');
      // Another runner took it over (as if ours had frozen past its lease).
      h.t.db.prepare(`UPDATE nightshift_queue_jobs SET lease_token = 'stolen', lease_owner = ?, lease_expires_at = ? WHERE id = ?`).run(OTHER_HOST, Date.now() + 60_000, job.id);
      await waitFor(() => h.logs.records.some((r) => r.msg === 'Queue job lost its lease; aborting it here' && r.jobId === job.id));
      await waitFor(() => h.runner.stats().running === 0, { what: 'the aborted handler to end' });
      const row = h.t.db.prepare(`SELECT status, lease_token FROM nightshift_queue_jobs WHERE id = ?`).get(job.id);
      assert.deepEqual(row, { status: 'processing', lease_token: 'stolen' });
    } finally {
      await h.close();
    }
  });
});
