import { tempDb } from '/work/main/test/helpers/index.ts';
import { loadJobs } from '/work/main/src/jobs/load.ts';
import { enqueue } from '/work/main/src/queue/enqueue.ts';
import { readyCandidates, claimJobs } from '/work/main/src/queue/store/claim-jobs.ts';
import { openRuns, succeedRuns } from '/work/main/src/queue/store/runs.ts';
import { completeJobs } from '/work/main/src/queue/store/finish-jobs.ts';
import { uuidv7 } from '/work/main/src/queue/ids.ts';
import { randomUUID } from 'node:crypto';
const jobs = await loadJobs('/work/main/test/fixtures/queue-jobs');
const variant = process.env.V ?? '';
const t = tempDb();

if (variant.includes('b')) t.db.exec('drop index queue_jobs_by_status_newest_first');

if (variant.includes('d')) t.db.exec('drop index job_runs_by_job_id');
if (variant.includes('e')) t.db.exec('drop index queue_jobs_by_type_newest_first');
if (process.env.NOCK) t.db.pragma('wal_autocheckpoint = 0');
const N = 20000, B = Number(process.env.B ?? 32);
t.db.transaction(() => { for (let i = 0; i < N; i++) enqueue(t.db, jobs, { type: 'test.noop' }); })();
const T = { cand: 0, claim: 0, open: 0, complete: 0, succeed: 0, commit: 0 };
const lap = (k: keyof typeof T, s: number) => { const n = performance.now(); T[k] += n - s; return n; };
const all0 = performance.now();
for (let done = 0; done < N; ) {
  let s = performance.now();
  t.db.exec('BEGIN IMMEDIATE');
  const now = Date.now();
  const c = readyCandidates(t.db, now, B); s = lap('cand', s);
  const rows = claimJobs(t.db, c.map((x) => ({ id: x.id, token: randomUUID(), runId: uuidv7(now) })), { owner: 'o', now, leaseMs: 30000 }); s = lap('claim', s);
  openRuns(t.db, rows.map((r) => ({ runId: r.run_id!, type: r.type, jobId: r.id, traceId: r.trace_id })), 'o', now); s = lap('open', s);
  t.db.exec('COMMIT'); s = lap('commit', s);
  t.db.exec('BEGIN IMMEDIATE');
  const acc = completeJobs(t.db, rows.map((r) => ({ id: r.id, token: r.lease_token!, result: null, processed: null, total: null })), now); s = lap('complete', s);
  succeedRuns(t.db, acc.map((a) => ({ runId: a.run_id, details: null })), now); s = lap('succeed', s);
  t.db.exec('COMMIT'); s = lap('commit', s);
  done += rows.length;
}
const total = performance.now() - all0;
console.log(variant || 'base', 'B', B, 'us/job', Object.fromEntries(Object.entries(T).map(([k, v]) => [k, +(v / N * 1000).toFixed(2)])), 'total us/job', (total / N * 1000).toFixed(1));
t.cleanup();
