// Placement rules (pure logic, no threads): which thread takes which job, and how many to claim.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JobTypes } from '../../src/queue/job-types.ts';
import { Placement, type ThreadView } from '../../src/queue/placement.ts';
import type { LoadedJob } from '../../src/jobs/load.ts';

const job = (name: string, extra: Record<string, unknown> = {}): LoadedJob => ({
  definition: { name, description: name, run() {}, ...extra } as never,
  file: `/jobs/${name}.ts`,
  timeoutMs: 1_000,
});
const types = new JobTypes([job('short'), job('slow'), job('new'), job('io', { threadConcurrency: 3 })]);
const threads = (...assigned: string[][]): ThreadView[] => assigned.map((a) => ({ ready: true, assigned: a.map((type) => ({ type })) }));
const candidates = (...names: string[]) => names.map((type, i) => ({ id: String(i), type }));

function placement() {
  const p = new Placement(types, { maxPrefetch: 8, queuedBudgetMs: 5 });
  for (let i = 0; i < 3; i++) {
    p.record('short', 0.01); // 10 us: up to maxPrefetch on one thread
    p.record('slow', 50); // never queued behind
  }
  return p;
}

test('an idle thread takes any job; nothing queues behind a slow or unmeasured job', async () => {
  const p = placement();
  assert.deepEqual(p.place(candidates('slow', 'short'), threads([]), new Map()).map(([c, t]) => [c.type, t]), [['slow', 0]]);
  assert.deepEqual(p.place(candidates('new', 'short'), threads([]), new Map()).map(([c]) => c.type), ['new']);
});

test('short jobs queue on a thread up to the budget (capped by maxPrefetch); work spreads across threads', async () => {
  const p = placement();
  const placed = p.place(candidates(...Array(20).fill('short')), threads([], []), new Map());
  assert.equal(placed.length, 16);
  assert.equal(placed.filter(([, t]) => t === 0).length, 8);
  assert.equal(p.room(threads(['short', 'short'])), 6);
  assert.equal(p.room(threads(['slow'])), 0);
  assert.equal(p.room(threads([])), 1, 'recent jobs include slow ones: an idle thread is not filled up front');
  const fast = new Placement(types, { maxPrefetch: 8, queuedBudgetMs: 5 });
  for (let i = 0; i < 3; i++) fast.record('short', 0.01);
  assert.equal(fast.room(threads([])), 8, 'recent jobs are short: an idle thread is filled up front');
});

test('a job of 1 ms queues about 5 deep (5 ms budget)', async () => {
  const p = new Placement(types, { maxPrefetch: 64, queuedBudgetMs: 5 });
  for (let i = 0; i < 3; i++) p.record('short', 1);
  assert.equal(p.depth('short'), 5);
});

test('I/O-bound jobs share a thread up to their threadConcurrency; a CPU job does not join them', async () => {
  const p = placement();
  assert.equal(p.place(candidates('io', 'io', 'io', 'io'), threads([]), new Map()).length, 3);
  assert.equal(p.place(candidates('slow'), threads(['io']), new Map()).length, 0);
});

test('per-type caps are respected while placing', async () => {
  const p = placement();
  const caps = new Map([['short', 2]]);
  assert.equal(p.place(candidates('short', 'short', 'short'), threads([], [], []), caps).length, 2);
  assert.equal(caps.get('short'), 0);
});
