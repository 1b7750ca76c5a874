// The queue wired into startRuntime: a runner when JOBS_ENABLED and QUEUE_WORKERS > 0, woken by
// in-process enqueues, stopped (bounded) by runtime.stop().
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseConfig } from '../../src/app/config.ts';
import { startRuntime } from '../../src/app/runtime.ts';
import { captureLogs, JOBS_DIR, TEST_SECRET, tempDb } from '../helpers/index.ts';
import { waitForStatus } from './helpers.ts';

function config(dir: string, extra: Record<string, string> = {}) {
  return parseConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_PATH: join(dir, 'runtime.db'),
    JOBS_DIR,
    JWT_SECRET: TEST_SECRET,
    LOG_LEVEL: 'debug',
    QUEUE_WORKERS: '1',
    ...extra,
  });
}

test('startRuntime runs queue jobs: system.ping completes and logs with its trace id', async () => {
  const t = tempDb();
  const logs = captureLogs();
  const runtime = await startRuntime(config(t.dir), logs.pino);
  try {
    assert.ok(runtime.runner, 'a runner with QUEUE_WORKERS=1');
    const { job } = runtime.queue.enqueue({ type: 'system.ping', traceId: 'runtime-trace' });
    await waitForStatus(runtime.queue, job.id, 'completed');
    assert.ok(logs.records.some((r) => r.msg === 'ping received' && r.traceId === 'runtime-trace'));
  } finally {
    await runtime.stop();
    t.cleanup();
  }
  assert.ok(logs.messages().includes('Queue runner stopped'));
});

test('no runner with QUEUE_WORKERS=0 or JOBS_ENABLED=false; enqueue still works', async () => {
  const variants: Record<string, string>[] = [{ QUEUE_WORKERS: '0' }, { JOBS_ENABLED: 'false' }];
  for (const extra of variants) {
    const t = tempDb();
    const runtime = await startRuntime(config(t.dir, extra), captureLogs().pino);
    try {
      assert.equal(runtime.runner, undefined);
      const { job } = runtime.queue.enqueue({ type: 'system.ping' });
      assert.equal((await runtime.queue.get(job.id))!.status, 'pending');
    } finally {
      await runtime.stop();
      t.cleanup();
    }
  }
});
