import { tempDb } from '/work/main/test/helpers/index.ts';
import { loadJobs } from '/work/main/src/jobs/load.ts';
import { enqueue } from '/work/main/src/queue/enqueue.ts';
import { readyCandidates, claimJobs } from '/work/main/src/queue/store/claim-jobs.ts';
import { randomUUID } from 'node:crypto';
const jobs = await loadJobs('/work/main/test/fixtures/queue-jobs');
const N = 20000, B = 128;
for (const mode of ['json', 'rows', 'json', 'rows', 'json', 'rows']) {
  const t = tempDb();
  t.db.transaction(() => { for (let i = 0; i < N; i++) enqueue(t.db, jobs, { type: 'test.noop' }); })();
  const per = t.db.prepare(`UPDATE queue_jobs SET status = 'processing', attempts = attempts + 1, lease_token = ?, run_id = ?, lease_owner = ?, lease_expires_at = ?, started_at = ?, updated_at = ? WHERE id = ? AND status = 'pending' RETURNING id, type, payload, tenant_id, actor_id, trace_id, request_id, attempts, max_attempts, lease_token, run_id`);
  let claimT = 0;
  for (let done = 0; done < N; ) {
    t.db.exec('BEGIN IMMEDIATE');
    const now = Date.now();
    const c = readyCandidates(t.db, now, B);
    const s = performance.now();
    if (mode === 'json') claimJobs(t.db, c.map((x) => ({ id: x.id, token: randomUUID(), runId: randomUUID() })), { owner: 'o', now, leaseMs: 30000 });
    else for (const x of c) per.get(randomUUID(), randomUUID(), 'o', now + 30000, now, now, x.id);
    claimT += performance.now() - s;
    t.db.exec('COMMIT');
    done += c.length;
  }
  console.log(mode, (claimT / N * 1000).toFixed(2), 'us/job');
  t.cleanup();
}
