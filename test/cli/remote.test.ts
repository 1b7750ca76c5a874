// The `nightshift` bin with --url against a real server started in this test (startRuntime on
// 127.0.0.1, port 0): the same commands through the admin API, the same JSON shapes, and exit 5
// when the server cannot be reached or refuses the token.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import { parseConfig } from '../../src/app/config.ts';
import { duration } from '../../src/cli/render/format.ts';
import { recordSkipped } from '../../src/store/sqlite/runs/ledger.ts';
import { startRuntime, type Runtime } from '../../src/app/runtime.ts';
import { JOBS_DIR, TEST_SECRET, tempDb, token, type TempDb } from '../helpers/index.ts';
import { freePort } from '../helpers/scheduler-fixtures.ts';
import { cli, explain } from './helpers.ts';

let t: TempDb;
let runtime: Runtime;

before(async () => {
  t = tempDb();
  runtime = await startRuntime(
    parseConfig({
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_PATH: t.path,
      JOBS_DIR,
      JWT_SECRET: TEST_SECRET,
      LOG_LEVEL: 'silent',
      QUEUE_POLL_INTERVAL_MS: '50',
    }),
  );
});

after(async () => {
  await runtime?.stop();
  t?.cleanup();
});

/** The CLI on this host: it signs its own short-lived admin token with the server's JWT_SECRET. */
const onHost = () => ({ JWT_SECRET: TEST_SECRET, DATABASE_PATH: join(t.dir, 'cli-side.db') });

test('--url status: the server view in the local JSON shape; a token from NIGHTSHIFT_TOKEN works too', async () => {
  const r = await cli(['status', '--url', runtime.url, '--json'], { env: onHost() });
  assert.equal(r.code, 0, explain(r));
  const view = r.json();
  assert.equal(view.mode, 'remote');
  assert.equal(view.target, runtime.url);
  assert.equal(view.scheduler.enabled, true);
  assert.equal(view.scheduler.running, true);
  assert.deepEqual(Object.keys(view.queue).sort(), ['cancelled', 'completed', 'failed', 'pending', 'processing']);
  assert.deepEqual(view.jobs.map((j: { name: string }) => j.name).sort(), ['cleanupI18nCache', 'cleanupPreviewSessions', 'pruneHistory']);

  const table = await cli(['status'], { env: { NIGHTSHIFT_URL: runtime.url, NIGHTSHIFT_TOKEN: await token('owner') } });
  assert.equal(table.code, 0, explain(table));
  assert.match(table.stdout, new RegExp(`^Target\\s+${runtime.url} \\(server\\)$`, 'm'));
  assert.match(table.stdout, /^Scheduler\s+running, lease held by \S+ until /m);
});

test('--url run <scheduled job>: the server runs it (manual trigger) and the CLI reports the result', async () => {
  const r = await cli(['run', 'cleanupI18nCache', '--url', runtime.url, '--json'], { env: onHost() });
  assert.equal(r.code, 0, explain(r));
  const out = r.json();
  assert.equal(out.kind, 'scheduled');
  assert.equal(out.run.status, 'success');
  assert.equal(out.run.trigger, 'manual');
  assert.equal(typeof out.run.details.cleanedCount, 'number');
  assert.match(r.stderr, new RegExp(`^cleanupI18nCache: run ${out.runId} started on ${runtime.url}`, 'm'));

  const runs = await cli(['runs', '--url', runtime.url, '--job', 'cleanupI18nCache', '--trigger', 'manual', '--json'], { env: onHost() });
  assert.equal(runs.code, 0, explain(runs));
  assert.deepEqual(runs.json().runs.map((x: { id: string }) => x.id), [out.runId]);
});

test('--url run <queue type>: enqueued on the server, followed with progress until completed', async () => {
  ensureHistory(300);
  const r = await cli(['run', 'exportRuns', '--url', runtime.url, '--data', '{"chunkSize":10,"pauseMs":40}'], { env: onHost() });
  assert.equal(r.code, 0, explain(r));
  assert.match(r.stdout, /^exportRuns: completed in .* \(waited .* in the queue, .* in all; job \S+, attempt 1 of 3\)\n {2}result: \{"file":".*\.csv","rows":3\d\d,"bytes":\d+\}\n$/);
  assert.match(r.stderr, /^exportRuns: processing \d+% \(\d+\/3\d\d\), /m);
});

test('--url run behind a processing job (one worker): pending says why, the result gives the queue wait', async () => {
  ensureHistory(300);
  // About 9 s of export on the server's only worker (QUEUE_WORKERS defaults to 1); cancelled as
  // soon as the CLI has said what it waits for, so the test does not sit through it.
  const { job: blocker } = await runtime.queue.enqueue({ type: 'exportRuns', payload: { chunkSize: 10, pauseMs: 300 } });
  await waitForStatus(blocker.id, 'processing');
  let released = false;
  const r = await cli(['run', 'system.ping', '--url', runtime.url, '--data', '{}'], {
    env: onHost(),
    onStderr(text) {
      if (!released && /pending: waiting for a free worker/.test(text)) {
        released = true;
        void runtime.queue.cancel(blocker.id);
      }
    },
  });
  assert.equal(r.code, 0, explain(r));
  assert.match(r.stderr, /^system\.ping: pending: waiting for a free worker \(1 job processing\), \d/m);
  const headline = /^system\.ping: completed in \S+ m?s \(waited (.+?) in the queue, .+? in all; job (\S+), attempt 1 of 3\)$/m.exec(r.stdout);
  assert.ok(headline, explain(r));
  const ours = (await runtime.queue.get(headline[2]!))!;
  assert.equal(headline[1], duration(Date.parse(ours.startedAt!) - Date.parse(ours.createdAt)));
  await waitForFinish(blocker.id);
  assert.equal((await runtime.queue.get(blocker.id))!.status, 'cancelled');
});

test('--url Ctrl-C while following: the job keeps running on the server, or is cancelled with --cancel-on-exit', async () => {
  ensureHistory(300);
  const slowExport = ['run', 'exportRuns', '--url', runtime.url, '--data', '{"chunkSize":10,"pauseMs":300}', '--json'];
  // One SIGINT per child, as soon as it reports the job processing (a second one would exit at once).
  const interrupted = new WeakSet<object>();
  const interruptOnceProcessing = {
    env: onHost(),
    onStderr(text: string, child: { kill(signal: NodeJS.Signals): boolean }) {
      if (!interrupted.has(child) && /processing/.test(text)) {
        interrupted.add(child);
        child.kill('SIGINT');
      }
    },
  };
  const followed = await cli(slowExport, interruptOnceProcessing);
  assert.equal(followed.code, 130, explain(followed));
  const left = followed.json();
  assert.equal(left.code, 'INTERRUPTED');
  assert.match(followed.stderr, /^nightshift: Stopped following job \S+ \(exportRuns\); it keeps running/m);
  assert.equal((await runtime.queue.get(left.jobId))!.status, 'processing');
  await runtime.queue.cancel(left.jobId); // not needed any more; lets the runner move on

  const cancelled = await cli([...slowExport, '--cancel-on-exit'], interruptOnceProcessing);
  assert.equal(cancelled.code, 130, explain(cancelled));
  const id = cancelled.json().jobId;
  assert.match(cancelled.stderr, new RegExp(`^nightshift: Interrupted: job ${id} \\(exportRuns\\) asked to cancel$`, 'm'));
  await waitForFinish(id);
  assert.equal((await runtime.queue.get(id))!.status, 'cancelled');
  await waitForFinish(left.jobId);
});

test('--url errors: unknown job 3, rejected data 2, cancel of a finished job 4, unknown id 3', async () => {
  const env = onHost();
  const unknown = await cli(['run', 'noSuchJob', '--url', runtime.url], { env });
  assert.equal(unknown.code, 3, explain(unknown));
  assert.equal(unknown.stderr, 'nightshift: Unknown job "noSuchJob": no scheduled job or queue job type has this name\n');

  const rejected = await cli(['enqueue', 'exportRuns', '--url', runtime.url, '--data', '{"chunkSize":1}', '--json'], { env });
  assert.equal(rejected.code, 2, explain(rejected));
  assert.equal(rejected.json().field, 'data.chunkSize');

  const { job } = await runtime.queue.enqueue({ type: 'system.ping' });
  await waitForFinish(job.id);
  const cancel = await cli(['cancel', job.id, '--url', runtime.url, '--json'], { env });
  assert.equal(cancel.code, 4, explain(cancel));
  assert.deepEqual(cancel.json(), { error: `Job ${job.id} is already completed`, code: 'CONFLICT', exitCode: 4, status: 'completed' });

  const missing = await cli(['job', '01900000-0000-7000-8000-000000000000', '--url', runtime.url], { env });
  assert.equal(missing.code, 3, explain(missing));
  assert.equal(missing.stderr, 'nightshift: Job 01900000-0000-7000-8000-000000000000 not found\n');
});

test('--url exit 5: nobody listening, a staff token, a bad token; exit 2 without any token', async () => {
  const closed = `http://127.0.0.1:${await freePort()}`;
  const down = await cli(['status', '--url', closed], { env: onHost() });
  assert.equal(down.code, 5, explain(down));
  assert.equal(down.stderr, `nightshift: Cannot reach ${closed}: ECONNREFUSED\n`);

  const staff = await cli(['jobs', '--url', runtime.url, '--token', await token('staff'), '--json'], { env: {} });
  assert.equal(staff.code, 5, explain(staff));
  assert.equal(staff.json().code, 'FORBIDDEN');

  const forged = await cli(['jobs', '--url', runtime.url, '--token', await token('admin', { secret: 'another-secret-that-is-32-bytes-long!!' })], { env: {} });
  assert.equal(forged.code, 5, explain(forged));
  assert.match(forged.stderr, /^nightshift: The server refused the token \(401\)/);

  const none = await cli(['jobs', '--url', runtime.url], { env: { DATABASE_PATH: join(t.dir, 'elsewhere', 'x.db') } });
  assert.equal(none.code, 2, explain(none));
  assert.match(none.stderr, /^nightshift: No token for http:\/\/127\.0\.0\.1:\d+\/?: pass --token or set NIGHTSHIFT_TOKEN/);
});

test('--url to a host other than this one: no token is signed and sent there, however the secret is at hand', async () => {
  // A typo or a look at another deployment must not hand that server a fresh admin token for ours.
  const r = await cli(['jobs', '--url', 'http://nightshift.invalid:3000', '--json'], { env: onHost() });
  assert.equal(r.code, 2, explain(r));
  assert.equal(r.json().code, 'NO_TOKEN');
  assert.match(r.stderr, /^nightshift: No token for http:\/\/nightshift\.invalid:3000\/?: pass --token or set NIGHTSHIFT_TOKEN.*only for a server on this host/);
});

/** Enough nightshift_job_runs rows for an export of several chunks, so it reports progress while the CLI polls. */
function ensureHistory(rows: number): void {
  const { n } = runtime.db.prepare(`SELECT count(*) AS n FROM nightshift_job_runs WHERE name = 'filler'`).get() as { n: number };
  runtime.db.transaction(() => {
    for (let i = n; i < rows; i++) recordSkipped(runtime.db, { name: 'filler', trigger: 'schedule', owner: 'test', reason: 'filler' });
  })();
}

async function waitForStatus(id: string, status: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await runtime.queue.get(id))!.status !== status) {
    if (Date.now() > deadline) throw new Error(`job ${id} is not ${status}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function waitForFinish(id: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!['completed', 'failed', 'cancelled'].includes((await runtime.queue.get(id))!.status)) {
    if (Date.now() > deadline) throw new Error(`job ${id} did not finish`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
