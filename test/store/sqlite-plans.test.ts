// The claim path's query plans on SQLite (issue 11): every statement a runner's tick runs to find
// and claim jobs reads through an index bounded by what it returns, never the pending set. Guarded
// by EXPLAIN QUERY PLAN rather than timings; bench/queue measures the effect (backlog scenarios).
// The plans are read on a database holding a backlog, so the planner's choice is the one it makes
// when it matters.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { newTraceId, uuidv7 } from '../../src/core/ids.ts';
import { CLAIM, PROMOTE, READY_OF_TYPE, RUNNING_BY_TYPE } from '../../src/store/sqlite/jobs/claim.ts';
import { READY_TYPES } from '../../src/store/sqlite/jobs/ready-types.ts';
import type { NewJob } from '../../src/store/types.ts';
import { tempDb, type TempDb } from '../helpers/index.ts';

let t: TempDb;
const NOW = Date.UTC(2026, 11, 6);

function job(i: number, over: Partial<NewJob>): NewJob {
  return {
    id: uuidv7(NOW + i), type: 'bench.noop', payload: null, tenantId: null, actorId: null, traceId: newTraceId(), requestId: null,
    priority: i % 5, runAt: NOW, maxAttempts: 3, idempotencyKey: null, createdBy: null, createdAt: NOW + i, ...over,
  };
}

before(() => {
  t = tempDb();
  // 2,000 jobs an hour ahead, 2,000 due jobs of a capped type, 100 due jobs of the runner's type.
  const rows = [
    ...Array.from({ length: 2_000 }, (_, i) => job(i, { runAt: NOW + 3_600_000 + i })),
    ...Array.from({ length: 2_000 }, (_, i) => job(2_000 + i, { type: 'capped' })),
    ...Array.from({ length: 100 }, (_, i) => job(4_000 + i, {})),
  ];
  t.store.jobs.insertMany(rows.slice(0, 1_000));
  t.store.jobs.insertMany(rows.slice(1_000, 2_000));
  t.store.jobs.insertMany(rows.slice(2_000, 3_000));
  t.store.jobs.insertMany(rows.slice(3_000));
});
after(() => t.cleanup());

function plan(sql: string, ...params: unknown[]): string[] {
  return (t.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail);
}

/** No step reads the queue table or an index from end to end, and nothing is sorted afterwards. */
function assertBounded(steps: string[], what: string, allowScanOf: string[] = []): void {
  for (const step of steps) {
    assert.doesNotMatch(step, /TEMP B-TREE/, `${what}: no sort after reading (${steps.join(' | ')})`);
    if (/^SCAN nightshift_queue_jobs/.test(step)) {
      assert.ok(allowScanOf.some((index) => step.includes(index)), `${what}: scans the table or an unbounded index (${steps.join(' | ')})`);
    }
  }
}

describe('claim path query plans (EXPLAIN QUERY PLAN)', () => {
  test("a type's next ready jobs: a search of its ready index, in claim order, no sort", () => {
    const steps = plan(READY_OF_TYPE, 'bench.noop', 10);
    assert.ok(steps.some((s) => /SEARCH nightshift_queue_jobs USING COVERING INDEX nightshift_queue_jobs_ready_by_type \(type=\?\)/.test(s)), steps.join(' | '));
    assertBounded(steps, 'ready read');
  });

  test('making due jobs ready: a range of the waiting index up to now', () => {
    const steps = plan(PROMOTE, { now: NOW, limit: 500 });
    assert.ok(steps.some((s) => /SEARCH nightshift_queue_jobs USING COVERING INDEX nightshift_queue_jobs_waiting_by_run_at \(run_at<\?\)/.test(s)), steps.join(' | '));
    assertBounded(steps, 'promotion');
  });

  test('counting running jobs for caps reads only processing rows', () => {
    const steps = plan(RUNNING_BY_TYPE, JSON.stringify(['capped']));
    assert.ok(steps.some((s) => s.includes('nightshift_queue_jobs_expired_leases')), steps.join(' | '));
    // Grouping the processing rows (a few per thread) by type is the only sort, and it is of those.
    const rest = steps.filter((s) => !s.includes('json_each') && s !== 'USE TEMP B-TREE FOR GROUP BY');
    assertBounded(rest, 'running count', ['nightshift_queue_jobs_expired_leases']);
  });

  test('the claim itself looks each chosen job up by primary key', () => {
    const steps = plan(CLAIM, { claims: '[]', owner: 'o', now: NOW, expires: NOW });
    assert.ok(steps.some((s) => /SEARCH nightshift_queue_jobs USING PRIMARY KEY \(id=\?\)/.test(s)), steps.join(' | '));
    assertBounded(steps.filter((s) => !s.includes('json_each')), 'claim');
  });

  test("the runner's check for types it does not handle: one index seek per type", () => {
    const steps = plan(READY_TYPES);
    assert.ok(steps.filter((s) => s.includes('SEARCH nightshift_queue_jobs USING COVERING INDEX nightshift_queue_jobs_ready_by_type')).length >= 1, steps.join(' | '));
    assertBounded(steps.filter((s) => !/SCAN next|SCAN CONSTANT ROW|SETUP|RECURSIVE STEP|CO-ROUTINE|SCALAR SUBQUERY/.test(s)), 'ready types');
    assert.deepEqual(t.db.prepare(READY_TYPES).all(), [{ type: 'bench.noop' }, { type: 'capped' }]);
  });

  test('the backlog is really there and really skipped: a claim of the runner type returns its due jobs only', () => {
    const ready = t.db.prepare(READY_OF_TYPE).all('bench.noop', 1_000) as { id: string; priority: number }[];
    assert.equal(ready.length, 100, 'only the 100 due jobs of the type are ready; the 2,000 future ones wait');
    assert.deepEqual(ready.map((r) => r.priority), [...ready.map((r) => r.priority)].sort((a, b) => b - a), 'in priority order');
  });
});
