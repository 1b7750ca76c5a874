// One scheduler per database across processes: a child process holding the lease keeps this
// process's scheduler on standby; when the child is killed (-9, no cleanup), this one takes over
// because it sees the holder's pid is gone, long before the child's 60 s lease would expire.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { readLease } from '../../src/store/sqlite/leader.ts';
import { REPO_ROOT, waitFor } from '../helpers/index.ts';
import { BOUNDED, FIXTURE_DIRS, HOLD_LEASE_SCRIPT, harness } from '../helpers/scheduler-fixtures.ts';

/** Starts test/fixtures/hold-lease.ts on `databasePath` and resolves once it prints "ready". */
async function holdLeaseInChild(databasePath: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', HOLD_LEASE_SCRIPT, databasePath], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk) => (out += chunk));
  child.stderr!.on('data', (chunk) => (err += chunk));
  await waitFor(() => out.includes('ready') || child.exitCode !== null || out.includes('not leader'), {
    timeoutMs: 15_000,
    what: 'the child to hold the lease',
  });
  assert.ok(out.includes('ready'), `child did not take the lease: ${out} ${err}`);
  return child;
}

test('a scheduler in another process keeps this one on standby until it dies, then this one leads', BOUNDED, async (t) => {
  const h = harness(t);
  const child = await holdLeaseInChild(h.path);
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const holder = readLease(h.db);
  assert.equal(holder?.pid, child.pid, 'the child holds the lease');

  const { scheduler, logs } = await h.scheduler(FIXTURE_DIRS.daily, { leaseMs: 1_000 });
  await scheduler.start();
  assert.equal((await scheduler.getStatus()).role, 'standby');
  assert.equal((await scheduler.getStatus()).running, false);
  assert.ok(!logs.messages().includes('Jobs scheduler enabled'), 'a standby scheduler does not announce itself');

  // kill -9: the child cannot release anything. Wait until the OS has reaped it, so its pid is gone.
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
  const killedAt = Date.now();

  await waitFor(async () => (await scheduler.getStatus()).role === 'leader', { timeoutMs: 10_000, what: 'takeover after the child died' });
  const tookMs = Date.now() - killedAt;
  assert.ok(tookMs < 10_000, `took over in ${tookMs} ms, well before the child's 60 s lease expired`);
  assert.equal(readLease(h.db)?.owner, scheduler.owner);
  assert.equal((await scheduler.getStatus()).running, true);
  assert.ok(logs.messages().includes('Jobs scheduler enabled'));
});
