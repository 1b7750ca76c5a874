// Shutdown is bounded: stop(graceMs) asks running jobs to cancel, waits at most the grace period,
// then terminates what is left; both kinds of run are recorded 'cancelled'. And the real server
// (src/app/server.ts) does the same on SIGTERM and exits 0.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { REPO_ROOT, TEST_SECRET, tempDb, token, waitFor, type CapturedLogs, type TempDb } from '../helpers/index.ts';
import { SchedulerNotRunningError } from '../../src/scheduler/errors.ts';
import { BOUNDED, FIXTURE_DIRS, freePort, harness, runRow, runRows } from '../helpers/scheduler-fixtures.ts';

/** Resolves once the job's thread is inside run() (it logs a line, forwarded to the main thread). */
const working = (logs: CapturedLogs, runId: string) =>
  waitFor(() => logs.records.some((r) => r.msg === 'fixture job working' && r.runId === runId), { what: `run ${runId} to be working` });

test('stop() cancels a job that honors its signal, without waiting for the whole grace period', BOUNDED, async (t) => {
  const h = harness(t);
  const { scheduler, logs } = await h.scheduler(FIXTURE_DIRS.shutdown);
  await scheduler.start();
  const handle = await scheduler.runNow('fixture.honorsSignal'); // would run 60 s
  await working(logs, handle.runId);

  const graceMs = 10_000;
  const started = Date.now();
  await scheduler.stop(graceMs);
  const tookMs = Date.now() - started;

  assert.ok(tookMs < graceMs, `stop() took ${tookMs} ms: the job should have stopped on its signal`);
  const row = runRow(h.db, handle.runId)!;
  assert.equal(row.status, 'cancelled');
  assert.notEqual(row.ended_at, null);
  assert.equal((await handle.done).status, 'cancelled');
  assert.equal((await scheduler.getStatus()).role, 'stopped');
  assert.ok(logs.messages().includes('Jobs scheduler stopped'));
});

test('stop() terminates a job that ignores its signal after the grace period', BOUNDED, async (t) => {
  const h = harness(t);
  const { scheduler, logs } = await h.scheduler(FIXTURE_DIRS.shutdown);
  await scheduler.start();
  const handle = await scheduler.runNow('fixture.ignoresSignal'); // sleeps 60 s, deaf to cancel
  await working(logs, handle.runId);

  const graceMs = 1_000;
  const started = Date.now();
  await scheduler.stop(graceMs);
  const tookMs = Date.now() - started;

  assert.ok(tookMs >= graceMs - 50, `stop() gave the job its grace period (took ${tookMs} ms)`);
  assert.ok(tookMs < graceMs + 3_000, `stop() is bounded by the grace period (took ${tookMs} ms)`);
  const row = runRow(h.db, handle.runId)!;
  assert.equal(row.status, 'cancelled');
  assert.notEqual(row.ended_at, null);
  assert.ok(logs.records.some((r) => r.msg === 'Waiting for running jobs' && r.graceMs === graceMs));
});

interface ServerProcess {
  port: number;
  output(): string;
  messages(): { msg: string; [k: string]: unknown }[];
  exited: Promise<[number | null, NodeJS.Signals | null]>;
  kill(signal: NodeJS.Signals): void;
}

/**
 * `node --import tsx src/app/server.ts` on a temp database and a free port. Resolves once /api/health
 * answers 200 and, unless `untilHealthy`, once start-up has finished (the last test signals earlier
 * on purpose: the SIGTERM handler must already be in place while start-up goes on). The queue runner is off by default (QUEUE_WORKERS=0):
 * these tests are about the scheduler, and the scheduler's log lines are then the last of start-up.
 */
async function startServer(
  t: TestContext,
  env: Record<string, string> = {},
  { untilHealthy = false } = {},
): Promise<ServerProcess & { db: TempDb }> {
  const db = tempDb(); // its temp dir and migrated file; the server opens its own connection
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src', 'app', 'server.ts')], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_PATH: db.path,
      HOST: '127.0.0.1',
      PORT: String(port),
      JWT_SECRET: TEST_SECRET,
      LOG_FORMAT: 'json',
      JOBS_ENABLED: 'true',
      QUEUE_WORKERS: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    db.cleanup();
  });
  let out = '';
  child.stdout!.on('data', (chunk) => (out += chunk));
  child.stderr!.on('data', (chunk) => (out += chunk));
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`server exited early: ${out}`);
      const res = await fetch(`http://127.0.0.1:${port}/api/health`).catch(() => undefined);
      return res?.status === 200;
    },
    { timeoutMs: 20_000, intervalMs: 20, what: 'GET /api/health to answer 200' },
  );
  if (!untilHealthy) await waitFor(() => /"msg":"Jobs scheduler enabled"/.test(out), { what: 'the scheduler to start' });
  return {
    db,
    port,
    output: () => out,
    // LOG_FORMAT=json: one JSON record per line (stderr would only carry crashes, which fail parsing loudly).
    messages: () => out.split('\n').filter(Boolean).map((line) => JSON.parse(line)),
    exited,
    kill: (signal) => child.kill(signal),
  };
}

test('the server exits 0 on SIGTERM after stopping the scheduler', BOUNDED, async (t) => {
  const server = await startServer(t);

  server.kill('SIGTERM');
  const [code, signal] = await server.exited;

  assert.equal(signal, null, `killed by ${signal}: ${server.output()}`);
  assert.equal(code, 0, server.output());
  const messages = server.messages().map((r) => r.msg);
  assert.ok(messages.includes('Jobs scheduler enabled'), server.output());
  assert.ok(messages.includes('Shutting down'), server.output());
  assert.ok(messages.includes('Jobs scheduler stopped'), server.output());
  assert.equal(messages.at(-1), 'Stopped', server.output());
});

test('on SIGTERM the server terminates a running job after the grace period, records it, and exits 0', BOUNDED, async (t) => {
  const graceMs = 1_000;
  const server = await startServer(t, { JOBS_DIR: FIXTURE_DIRS.shutdown, SHUTDOWN_GRACE_MS: String(graceMs) });
  // Start the signal-deaf 60 s job over HTTP without waiting for its result (202 + run id).
  const res = await fetch(`http://127.0.0.1:${server.port}/api/jobs/run/fixture.ignoresSignal?wait=false`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await token('admin')}` },
  });
  assert.equal(res.status, 202, await res.clone().text());
  const { runId } = (await res.json()) as { runId: string };
  await waitFor(() => server.messages().some((r) => r.msg === 'fixture job working' && r.runId === runId), { what: 'the job to be working' });

  const started = Date.now();
  server.kill('SIGTERM');
  const [code] = await server.exited;
  const tookMs = Date.now() - started;

  assert.equal(code, 0, server.output());
  assert.ok(tookMs < graceMs + 3_000, `exit took ${tookMs} ms with a ${graceMs} ms grace period`);
  assert.equal(runRow(server.db.db, runId)?.status, 'cancelled');
  assert.equal(server.messages().at(-1)?.msg, 'Stopped');
});

test(
  'on SIGTERM a request awaiting a manual run gets the run\'s cancelled result before its connection is cut',
  BOUNDED,
  async (t) => {
    const server = await startServer(t, { JOBS_DIR: FIXTURE_DIRS.shutdown, SHUTDOWN_GRACE_MS: '5000', RUN_WAIT_MS: '20000' });
    // wait=true (the default): the response is held until the run ends.
    const response = fetch(`http://127.0.0.1:${server.port}/api/jobs/run/fixture.honorsSignal`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await token('admin')}` },
    }).then(async (res) => ({ status: res.status, body: (await res.json()) as { result?: { status?: string } } }));
    response.catch(() => undefined); // asserted below; keep an early rejection from going unhandled
    await waitFor(() => server.messages().some((r) => r.msg === 'fixture job working'), { what: 'the job to be working' });

    server.kill('SIGTERM');
    const [code] = await server.exited;

    assert.equal(code, 0);
    const { status, body } = await response;
    assert.equal(status, 200);
    assert.equal(body.result?.status, 'cancelled');
  },
);

test(
  'a SIGTERM sent as soon as /api/health answers 200 still shuts the server down cleanly',
  BOUNDED,
  async (t) => {
    // Default queue workers: starting their threads keeps start-up going ~0.4 s after the port opens.
    const server = await startServer(t, { QUEUE_WORKERS: '1' }, { untilHealthy: true });

    server.kill('SIGTERM'); // what an orchestrator may do right after the health check goes green
    const [code, signal] = await server.exited;

    assert.equal(signal, null, `killed by ${signal} before the shutdown handler was installed`);
    assert.equal(code, 0);
    assert.equal(server.messages().at(-1)?.msg, 'Stopped');
  },
);

test('once stop() has begun, no new run is accepted and every run ends recorded', BOUNDED, async (t) => {
  const h = harness(t);
  const { scheduler } = await h.scheduler(FIXTURE_DIRS.shutdown);
  await scheduler.start();
  const first = await scheduler.runNow('fixture.honorsSignal');
  const stopping = scheduler.stop(1_500);
  await assert.rejects(() => scheduler.runNow('fixture.ignoresSignal'), SchedulerNotRunningError);
  await stopping;
  assert.equal(runRow(h.db, first.runId)?.status, 'cancelled');
  assert.equal(runRows(h.db).filter((r) => r.status === 'running').length, 0);
});
