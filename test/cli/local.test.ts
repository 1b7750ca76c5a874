// The `nightshift` bin against a database file (the default mode), spawned as a child process the
// way a person or a script runs it: tables and JSON on stdout, one-line errors on stderr, and the
// documented exit codes (0 ok, 1 failed, 2 usage, 3 not found, 4 conflict, 5 unreachable, 130 Ctrl-C).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { verify } from 'hono/jwt';
import { createPreviewSession } from '../../src/app/domain/preview-sessions.ts';
import { duration, shortTime } from '../../src/cli/render/format.ts';
import { getRun, listRuns, startRun } from '../../src/store/sqlite/runs/ledger.ts';
import { JOBS_DIR, REPO_ROOT, TEST_SECRET, tempDb, type TempDb } from '../helpers/index.ts';
import { FIXTURE_DIRS } from '../helpers/scheduler-fixtures.ts';
import { cli, explain } from './helpers.ts';

const QUEUE_FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'http-queue-jobs');

function envFor(t: TempDb, jobsDir = JOBS_DIR): Record<string, string> {
  return { DATABASE_PATH: t.path, JOBS_DIR: jobsDir, JWT_SECRET: TEST_SECRET };
}

function withDb(fn: (t: TempDb) => Promise<void>) {
  return async () => {
    const t = tempDb();
    try {
      await fn(t);
    } finally {
      t.cleanup();
    }
  };
}

test('status: a table of the scheduled jobs, and the same facts as one JSON document', withDb(async (t) => {
  const table = await cli(['status'], { env: envFor(t) });
  assert.equal(table.code, 0, explain(table));
  assert.match(table.stdout, /^Target\s+.*test\.db \(local database\)$/m);
  assert.match(table.stdout, /^Scheduler\s+not running: no scheduler holds the lease/m);
  assert.match(table.stdout, /^Queue\s+0 pending, 0 processing, 0 completed, 0 failed, 0 cancelled$/m);
  assert.match(table.stdout, /^JOB\s+CRON\s+SCHEDULE\s+LAST RUN\s+NEXT RUN$/m);
  assert.match(table.stdout, /^cleanupPreviewSessions\s+0 \*\/6 \* \* \*\s+On the hour, every 6 hours\s+never\s+in /m);
  assert.equal(table.stderr, '');

  const json = await cli(['status', '--json'], { env: envFor(t) });
  assert.equal(json.code, 0, explain(json));
  const view = json.json();
  assert.equal(view.mode, 'local');
  assert.equal(view.target, t.path);
  assert.deepEqual(view.queue, { pending: 0, processing: 0, completed: 0, failed: 0, cancelled: 0 });
  assert.deepEqual(view.jobs.map((j: { name: string }) => j.name).sort(), ['cleanupI18nCache', 'cleanupPreviewSessions', 'pruneHistory']);
  assert.equal(view.scheduler.running, false);
}));

test('run <scheduled job>: runs it in a worker thread, recorded as a manual run, result on stdout', withDb(async (t) => {
  createPreviewSession(t.db, new Date(Date.now() - 60_000));
  const r = await cli(['run', 'cleanupPreviewSessions', '--json'], { env: envFor(t) });
  assert.equal(r.code, 0, explain(r));
  const out = r.json();
  assert.equal(out.kind, 'scheduled');
  assert.equal(out.run.status, 'success');
  assert.equal(out.run.details.expiredCount, 1);
  // The ledger row is the one the API would have written for a manual trigger.
  const row = getRun(t.db, out.runId)!;
  assert.equal(row.trigger, 'manual');
  assert.equal(row.status, 'success');
  // Progress went to stderr (plain lines: not a terminal), stdout holds only the document.
  assert.match(r.stderr, /^cleanupPreviewSessions: run \S+ started in this process/m);

  const runs = await cli(['runs', '--job', 'cleanupPreviewSessions'], { env: envFor(t) });
  assert.equal(runs.code, 0, explain(runs));
  assert.match(runs.stdout, /^ID\s+JOB\s+STATUS\s+TRIGGER\s+STARTED\s+DURATION\s+DETAILS \/ ERROR$/m);
  assert.match(runs.stdout, new RegExp(`^${out.runId}\\s+cleanupPreviewSessions\\s+success\\s+manual\\s.*"expiredCount":1`, 'm'));
}));

test('run: a failing job exits 1; a job already running in another process exits 4; an unknown name exits 3', withDb(async (t) => {
  const failing = await cli(['run', 'fixture.throws'], { env: envFor(t, FIXTURE_DIRS.failing) });
  assert.equal(failing.code, 1, explain(failing));
  assert.match(failing.stdout, /^fixture\.throws: failed in .*\n {2}error: fixture job blew up$/m);

  // A live process (this test) holds a running row of the job: the ledger refuses an overlap.
  const held = startRun(t.db, { name: 'cleanupI18nCache', trigger: 'manual', owner: `${hostname()}:${process.pid}:other` });
  assert.ok(held.started);
  const busy = await cli(['run', 'cleanupI18nCache', '--json'], { env: envFor(t) });
  assert.equal(busy.code, 4, explain(busy));
  assert.deepEqual({ code: busy.json().code, runId: busy.json().runId, exitCode: busy.json().exitCode }, { code: 'ALREADY_RUNNING', runId: held.runId, exitCode: 4 });
  assert.match(busy.stderr, /^nightshift: Job "cleanupI18nCache" is already running \(run /m);
  assert.equal(listRuns(t.db, { name: 'cleanupI18nCache', limit: 10 }).length, 1, 'no second run was opened');

  const unknown = await cli(['run', 'noSuchJob'], { env: envFor(t) });
  assert.equal(unknown.code, 3, explain(unknown));
  assert.equal(unknown.stderr, 'nightshift: Unknown job "noSuchJob": no scheduled job or queue job type has this name\n');
  assert.equal(unknown.stdout, '');
}));

test('enqueue: bad JSON and schema rejections exit 2 naming the problem, unknown types 3; nothing invalid is stored', withDb(async (t) => {
  const badJson = await cli(['enqueue', 'system.ping', '--data', '{oops'], { env: envFor(t) });
  assert.equal(badJson.code, 2, explain(badJson));
  assert.match(badJson.stderr, /^nightshift: --data is not valid JSON: /);

  const rejected = await cli(['enqueue', 'requests.reminder', '--data', '{}', '--json'], { env: envFor(t) });
  assert.equal(rejected.code, 2, explain(rejected));
  assert.equal(rejected.json().code, 'VALIDATION_ERROR');
  assert.equal(rejected.json().field, 'data.requestId');

  const unknown = await cli(['enqueue', 'no.such.type'], { env: envFor(t) });
  assert.equal(unknown.code, 3, explain(unknown));
  assert.match(unknown.stderr, /Unknown job type "no\.such\.type"/);
  assert.equal((t.db.prepare('SELECT count(*) AS n FROM nightshift_queue_jobs').get() as { n: number }).n, 0);

  const ok = await cli(['enqueue', 'requests.reminder', '--data', '{"requestId":"r-1"}', '--idempotency-key', 'k1', '--json'], { env: envFor(t) });
  assert.equal(ok.code, 0, explain(ok));
  const { job, created } = ok.json();
  assert.equal(created, true);
  assert.equal(job.status, 'pending');
  assert.deepEqual(job.payload, { requestId: 'r-1' });

  const again = await cli(['enqueue', 'requests.reminder', '--data', '{"requestId":"r-1"}', '--idempotency-key', 'k1'], { env: envFor(t) });
  assert.equal(again.code, 0, explain(again));
  assert.equal(again.stdout, `Job ${job.id} already holds this idempotency key (requests.reminder, pending); nothing new was enqueued.\n`);
}));

test('jobs, job <id>, cancel and retry: tables, details and the conflict exit codes', withDb(async (t) => {
  const enq = await cli(['enqueue', 'system.ping', '--priority', '5', '--json'], { env: envFor(t) });
  assert.equal(enq.code, 0, explain(enq));
  const id: string = enq.json().job.id;

  const list = await cli(['jobs', '--status', 'pending'], { env: envFor(t) });
  assert.equal(list.code, 0, explain(list));
  assert.match(list.stdout, /^ID\s+TYPE\s+STATUS\s+PROGRESS\s+ATTEMPTS\s+CREATED\s+LAST ERROR$/m);
  assert.match(list.stdout, new RegExp(`^${id}\\s+system\\.ping\\s+pending\\s+-\\s+0/3\\s`, 'm'));
  assert.match(list.stdout, /^Showing 1-1 of 1\.$/m);

  const detail = await cli(['job', id], { env: envFor(t) });
  assert.equal(detail.code, 0, explain(detail));
  assert.match(detail.stdout, new RegExp(`^Job\\s+${id} \\(system\\.ping\\)$`, 'm'));
  assert.match(detail.stdout, /^Status\s+pending, attempt 0 of 3$/m);
  assert.match(detail.stdout, /^Priority\s+5$/m);

  const missing = await cli(['job', '01900000-0000-7000-8000-000000000000'], { env: envFor(t) });
  assert.equal(missing.code, 3, explain(missing));
  assert.equal(missing.stderr, 'nightshift: Job 01900000-0000-7000-8000-000000000000 not found\n');

  const cancel = await cli(['cancel', id], { env: envFor(t) });
  assert.equal(cancel.code, 0, explain(cancel));
  assert.equal(cancel.stdout, `Cancelled job ${id} (system.ping).\n`);

  const cancelAgain = await cli(['cancel', id, '--json'], { env: envFor(t) });
  assert.equal(cancelAgain.code, 4, explain(cancelAgain));
  assert.deepEqual(cancelAgain.json(), { error: `Job ${id} is already cancelled`, code: 'CONFLICT', exitCode: 4, status: 'cancelled' });

  const retry = await cli(['retry', id, '--json'], { env: envFor(t) });
  assert.equal(retry.code, 0, explain(retry));
  assert.equal(retry.json().job.status, 'pending');

  const retryAgain = await cli(['retry', id], { env: envFor(t) });
  assert.equal(retryAgain.code, 4, explain(retryAgain));
  assert.match(retryAgain.stderr, /is pending; only failed or cancelled jobs can be retried/);
}));

test('run <queue type> without any runner: says so after --runner-timeout, exits 5, the job stays queued', withDb(async (t) => {
  const r = await cli(['run', 'exportRuns', '--runner-timeout', '1', '--json'], { env: envFor(t) });
  assert.equal(r.code, 5, explain(r));
  const err = r.json();
  assert.equal(err.code, 'NO_RUNNER');
  assert.match(err.error, /No queue runner picked up job \S+ \(exportRuns\) in 1 s: start the server \(npm start\), or run it here with --local-runner/);
  const row = t.db.prepare('SELECT status, attempts FROM nightshift_queue_jobs WHERE id = ?').get(err.jobId) as { status: string; attempts: number };
  assert.deepEqual({ ...row }, { status: 'pending', attempts: 0 });
}));

test('run <queue type> --local-runner: processes it here and follows its progress to the end', withDb(async (t) => {
  const r = await cli(['run', 'test.slow', '--local-runner', '--data', '{"steps":40}'], { env: envFor(t, QUEUE_FIXTURES) });
  assert.equal(r.code, 0, explain(r));
  assert.match(r.stdout, /^test\.slow: completed in .* \(waited .* in the queue, .* in all; job \S+, attempt 1 of 3\)\n {2}result: \{"steps":40\}\n$/);
  // Not a terminal: plain progress lines (an intro, then status changes and 10% steps).
  assert.match(r.stderr, /^test\.slow: job \S+ enqueued \(running in this process; Ctrl-C stops it\)$/m);
  assert.match(r.stderr, /^test\.slow: processing \d+% \(\d+\/40\), /m);
  const row = t.db.prepare(`SELECT status, processed_items FROM nightshift_queue_jobs WHERE type = 'test.slow'`).get() as { status: string; processed_items: number };
  assert.deepEqual({ ...row }, { status: 'completed', processed_items: 40 });
}));

test('run <queue type> behind a processing job: the heartbeat says it waits for a free worker, the result gives the queue wait', withDb(async (t) => {
  const env = { ...envFor(t, QUEUE_FIXTURES), QUEUE_POLL_INTERVAL_MS: '50' };
  // An older job of the same type: the local runner (one worker) takes it first, ours waits.
  const blocker = await cli(['enqueue', 'test.slow', '--data', '{"steps":40}', '--json'], { env });
  assert.equal(blocker.code, 0, explain(blocker));
  const r = await cli(['run', 'test.slow', '--local-runner', '--data', '{"steps":3}'], { env });
  assert.equal(r.code, 0, explain(r));
  assert.match(r.stderr, /^test\.slow: pending: waiting for a free worker \(1 job processing\), \d/m);

  const headline = /^test\.slow: completed in (.+?) \(waited (.+?) in the queue, (.+?) in all; job (\S+), attempt 1 of 3\)$/m.exec(r.stdout);
  assert.ok(headline, explain(r));
  const row = (id: string) =>
    t.db.prepare('SELECT created_at, started_at, completed_at FROM nightshift_queue_jobs WHERE id = ?').get(id) as { created_at: number; started_at: number; completed_at: number };
  const ours = row(headline[4]!);
  const first = row(blocker.json().job.id);
  assert.ok(ours.started_at >= first.completed_at, 'ours started once the blocker was done');
  // The three figures are the job row's own: run time, enqueue -> start, enqueue -> end.
  assert.deepEqual(headline.slice(1, 4), [
    duration(ours.completed_at - ours.started_at),
    duration(ours.started_at - ours.created_at),
    duration(ours.completed_at - ours.created_at),
  ]);
}));

test('run --run-at: pending says when the job is due, and the result counts the wait for that time', withDb(async (t) => {
  const env = { ...envFor(t, QUEUE_FIXTURES), QUEUE_POLL_INTERVAL_MS: '50' };
  // Whole seconds, 8 s ahead: enough for the CLI to start and enqueue before that time.
  const runAt = new Date(Math.ceil(Date.now() / 1000) * 1000 + 8_000).toISOString();
  const r = await cli(['run', 'test.slow', '--local-runner', '--run-at', runAt, '--data', '{"steps":2}', '--json'], { env });
  assert.equal(r.code, 0, explain(r));
  assert.match(r.stderr, new RegExp(`^test\\.slow: pending: due at ${shortTime(runAt)} \\((in \\d+s|just now)\\), \\d`, 'm'));
  const { job, timing } = r.json();
  assert.equal(job.runAt, runAt);
  assert.ok(Date.parse(job.startedAt) >= Date.parse(runAt), 'not started before its time');
  assert.equal(timing.waitedMs, Date.parse(job.startedAt) - Date.parse(job.createdAt));
  assert.equal(timing.runMs, Date.parse(job.completedAt) - Date.parse(job.startedAt));
  assert.equal(timing.totalMs, Date.parse(job.completedAt) - Date.parse(job.createdAt));

  // The same, for a person: the wait says what was asked for (--run-at) and what was not.
  const later = new Date(Math.ceil(Date.now() / 1000) * 1000 + 8_000).toISOString();
  const text = await cli(['run', 'test.slow', '--local-runner', '--run-at', later, '--data', '{"steps":2}'], { env });
  assert.equal(text.code, 0, explain(text));
  assert.match(text.stdout, /^test\.slow: completed in \S+ m?s \(waited \S+ m?s in the queue( until its run-at time|, \S+ m?s of it after its run-at time), \S+ m?s in all; job \S+, attempt 1 of 3\)$/m);
}));

test('Ctrl-C during a local scheduled run cancels it (it runs in this process) and exits 130', withDb(async (t) => {
  let sent = false;
  const r = await cli(['run', 'fixture.slow'], {
    env: envFor(t, FIXTURE_DIRS.slow),
    onStderr(text, child) {
      if (!sent && /running/.test(text)) {
        sent = true;
        child.kill('SIGINT');
      }
    },
  });
  assert.equal(r.code, 130, explain(r));
  assert.match(r.stderr, /^nightshift: Interrupted: run \S+ of fixture\.slow ran in this process and ended cancelled$/m);
  const [run] = listRuns(t.db, { name: 'fixture.slow', limit: 1 });
  assert.equal(run?.status, 'cancelled');
}));

test('usage errors exit 2, a missing database file exits 5, before anything is touched', withDb(async (t) => {
  const cases: [string[], RegExp][] = [
    [['frobnicate'], /^nightshift: Unknown command "frobnicate"/],
    [['runs', '--limit', '0'], /^nightshift: --limit must be an integer from 1 to 500$/m],
    [['runs', '--status', 'sleeping'], /^nightshift: --status must be one of: running, success/],
    [['jobs', '--job', 'x'], /^nightshift: "jobs" does not take --job$/m],
    [['job'], /^nightshift: "job" needs an argument: nightshift job <id>$/m],
    [['status', '--token', 'x'], /^nightshift: --token is for a server: use it with --url$/m],
    // Past what a Date can hold: a usage error, not an "unexpected error" (exit 1).
    [['token', '--ttl', '99999999999999'], /^nightshift: --ttl must be a whole number of seconds from 1 to 31536000 \(a year\)$/m],
    // The API refuses dates past 9999 (400); the local mode must refuse them too, not store them.
    [['enqueue', 'system.ping', '--run-at', '99999-01-01'], /^nightshift: --run-at must be a date and time between 1970 and 9999/m],
  ];
  for (const [args, message] of cases) {
    const r = await cli(args, { env: envFor(t) });
    assert.equal(r.code, 2, `${args.join(' ')}: ${explain(r)}`);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1, 'one line, no stack trace');
  }
  const missing = await cli(['status'], { env: { ...envFor(t), DATABASE_PATH: join(t.dir, 'nope', 'x.db') } });
  assert.equal(missing.code, 5, explain(missing));
  assert.match(missing.stderr, /^nightshift: No database at .*x\.db \(from DATABASE_PATH\): start the app once so Nightshift creates it, or fix the setting\n$/);
}));

test('token: --json for scripts; plain output is the token alone on stdout, the sign-in link on stderr; npm run token matches', withDb(async (t) => {
  const json = await cli(['token', '--role', 'admin', '--sub', 'ops', '--ttl', '120', '--json'], { env: { ...envFor(t), PORT: '4100' } });
  assert.equal(json.code, 0, explain(json));
  const minted = json.json();
  const claims = await verify(minted.token, TEST_SECRET, 'HS256');
  assert.equal(claims.role, 'admin');
  assert.equal(claims.sub, 'ops');
  assert.equal((claims.exp as number) - (claims.iat as number), 120);
  assert.equal(minted.signInUrl, `http://localhost:4100/dashboard/sign-in#token=${minted.token}`);

  const plain = await cli(['token', '--role', 'owner'], { env: envFor(t) });
  assert.equal(plain.code, 0, explain(plain));
  const token = plain.stdout.trim();
  assert.equal(plain.stdout, token + '\n', 'stdout is the token alone, for TOKEN=$(nightshift token)');
  assert.equal((await verify(token, TEST_SECRET, 'HS256')).role, 'owner');
  assert.match(plain.stderr, new RegExp(`^Dashboard sign-in \\(owner, until \\S+\\): http://localhost:3000/dashboard/sign-in#token=${token.replace(/\./g, '\\.')}\n$`));

  const bad = await cli(['token', '--role', 'root'], { env: envFor(t) });
  assert.equal(bad.code, 2, explain(bad));
  assert.equal(bad.stderr, 'nightshift: --role must be one of: owner, admin, staff\n');

  // `npm run token` (scripts/token.ts) shares the code: the token alone on stdout when captured.
  const script = await run(process.execPath, ['--import', 'tsx', 'scripts/token.ts', '--role', 'admin', '--sub', 'verify-admin', '--ttl', '900'], envFor(t));
  assert.equal(script.code, 0, script.stderr);
  const scripted = script.stdout.trim();
  assert.equal(script.stdout, scripted + '\n');
  const scriptedClaims = await verify(scripted, TEST_SECRET, 'HS256');
  assert.deepEqual([scriptedClaims.role, scriptedClaims.sub], ['admin', 'verify-admin']);
  assert.match(script.stderr, /^Dashboard sign-in \(admin, until \S+\): http:\/\/localhost:3000\/dashboard\/sign-in#token=/);
  const refused = await run(process.execPath, ['--import', 'tsx', 'scripts/token.ts', '--role', 'root'], envFor(t));
  assert.deepEqual([refused.code, refused.stderr], [2, '--role must be one of: owner, admin, staff\n']);
}));

test('token --role staff: no dashboard sign-in link (the dashboard refuses staff), a note saying what the token is for', withDb(async (t) => {
  const note = 'staff tokens can call staff-level API routes only (e.g. GET /api/v1/jobs/<id>/progress); they cannot open the dashboard or drive nightshift --url';
  const json = await cli(['token', '--role', 'staff', '--sub', 'ops', '--json'], { env: envFor(t) });
  assert.equal(json.code, 0, explain(json));
  const minted = json.json();
  assert.equal((await verify(minted.token, TEST_SECRET, 'HS256')).role, 'staff');
  assert.equal(minted.signInUrl, null);
  assert.equal(minted.note, note);

  const plain = await cli(['token', '--role', 'staff'], { env: envFor(t) });
  assert.equal(plain.code, 0, explain(plain));
  const token = plain.stdout.trim();
  assert.equal(plain.stdout, token + '\n', 'stdout is still the token alone');
  assert.equal((await verify(token, TEST_SECRET, 'HS256')).role, 'staff');
  assert.match(plain.stderr, /^Staff token \(until \S+\): staff tokens can call staff-level API routes only .*cannot open the dashboard/);
  assert.equal(plain.stderr.split('\n').length, 2, 'one line');
  assert.doesNotMatch(plain.stderr, /sign-in/);

  const script = await run(process.execPath, ['--import', 'tsx', 'scripts/token.ts', '--role', 'staff'], envFor(t));
  assert.equal(script.code, 0, script.stderr);
  assert.equal((await verify(script.stdout.trim(), TEST_SECRET, 'HS256')).role, 'staff');
  assert.equal(script.stderr, `Staff token (until ${/until (\S+)\)/.exec(script.stderr)?.[1]}): ${note}\n`);
}));

/** Any command, with the same clean environment as cli(). */
function run(command: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env } }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') return reject(err);
      resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
    });
  });
}
