// Job threads run at a lower CPU priority (nice 10) than the API thread, so a CPU-bound job cannot
// compete with request handling as an equal (see bench/RESULTS-core.md, isolation).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { WORKER_ENTRY } from '../../src/threads/paths.ts';
import { REPO_ROOT } from '../helpers/index.ts';

const niceOf = (tid: number) => Number(readFileSync(`/proc/${process.pid}/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]);

test('threads started from worker-entry.mjs are niced; the main thread is not', { skip: process.platform !== 'linux' }, async () => {
  const worker = new Worker(WORKER_ENTRY, { workerData: { entry: join(REPO_ROOT, 'test/fixtures/threads/report-tid.mjs') } });
  try {
    const tid = await new Promise<number>((resolve, reject) => worker.once('message', resolve).once('error', reject));
    assert.equal(niceOf(tid), 10);
    assert.equal(niceOf(process.pid), 0);
  } finally {
    await worker.terminate();
  }
});
