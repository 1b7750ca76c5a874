// The dashboard's pure helpers: durations without zero sub-units, chart axes with round steps in
// one unit, the job page's success rate, and a queue job's history across retries by hand.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { attemptHistory } from '../../src/dashboard/data/attempt-history.ts';
import { successRate } from '../../src/dashboard/pages/job.tsx';
import { axisTicks } from '../../src/dashboard/views/chart.tsx';
import { formatAxisValue, formatDuration } from '../../src/dashboard/views/format.ts';
import type { QueueErrorEntry } from '../../src/queue/index.ts';
import type { JobRun, RunStatus } from '../../src/runs/types.ts';

const S = 1000;
const MIN = 60 * S;
const HOUR = 60 * MIN;

describe('formatDuration', () => {
  test('drops zero sub-units and a trailing ".0"', () => {
    const cases: [number, string][] = [
      [850, '850 ms'],
      [2_500, '2.5 s'],
      [7_000, '7 s'],
      [9_960, '10 s'],
      [42_000, '42 s'],
      [59_700, '1 min'],
      [10 * MIN, '10 min'],
      [30 * MIN, '30 min'],
      [2 * MIN + 5 * S, '2 min 5 s'],
      [HOUR, '1 h'],
      [HOUR + 30 * MIN, '1 h 30 min'],
      [2 * HOUR + 20 * S, '2 h'],
    ];
    for (const [ms, text] of cases) assert.equal(formatDuration(ms), text, String(ms));
    assert.equal(formatDuration(null), '—');
  });
});

describe('axisTicks', () => {
  const labels = (maxMs: number) => {
    const { ticks, unit } = axisTicks(maxMs);
    return ticks.map((t) => formatAxisValue(t, unit));
  };

  test('round steps (1, 2 or 5 times a power of ten) in one unit per axis', () => {
    // The reported axis: "0, 50 s, 1.7 min, 2.5 min, 3.3 min" for runs up to about 3.2 minutes.
    assert.deepEqual(labels(3.2 * MIN), ['0 min', '1 min', '2 min', '3 min', '4 min']);
    assert.deepEqual(labels(90 * S), ['0 s', '20 s', '40 s', '60 s', '80 s', '100 s']);
    assert.deepEqual(labels(7 * S), ['0 s', '2 s', '4 s', '6 s', '8 s']);
    assert.deepEqual(labels(2_000), ['0 s', '0.5 s', '1 s', '1.5 s', '2 s']);
    assert.deepEqual(labels(830), ['0 ms', '200 ms', '400 ms', '600 ms', '800 ms', '1000 ms']);
    assert.deepEqual(labels(5 * HOUR), ['0 h', '1 h', '2 h', '3 h', '4 h', '5 h']);
  });

  test('every step is 1, 2 or 5 times a power of ten, and the last tick covers the maximum', () => {
    for (let maxMs = 3; maxMs < 10 * HOUR; maxMs = Math.ceil(maxMs * 1.37)) {
      const { ticks, unit } = axisTicks(maxMs);
      const step = (ticks[1]! - ticks[0]!) / unit.ms;
      const mantissa = Number((step / 10 ** Math.floor(Math.log10(step))).toPrecision(6));
      assert.ok([1, 2, 5].includes(mantissa), `${maxMs}: step ${step} ${unit.label}`);
      assert.ok(ticks.at(-1)! >= maxMs, `${maxMs}: ${ticks}`);
      assert.ok(ticks.length >= 3 && ticks.length <= 6, `${maxMs}: ${ticks.length} ticks`);
    }
  });
});

let seq = 0;
function jobRun(status: RunStatus, startedAt: number, endedAt: number | null, error: string | null = null): JobRun {
  seq++;
  return {
    id: `run-${String(seq).padStart(4, '0')}`,
    name: 'exportRuns',
    status,
    trigger: 'queue',
    startedAt: new Date(startedAt).toISOString(),
    endedAt: endedAt === null ? null : new Date(endedAt).toISOString(),
    durationMs: endedAt === null ? null : endedAt - startedAt,
    details: null,
    error,
    jobId: 'job-1',
    traceId: 't',
  };
}

describe('successRate', () => {
  const at = Date.UTC(2025, 0, 1);
  test('counts success / (success + failed) and says what it leaves out', () => {
    const runs = [
      ...Array.from({ length: 8 }, (_, i) => jobRun('success', at + i, at + i + 1)),
      jobRun('failed', at, at + 1, 'boom'),
      jobRun('failed', at, at + 1, 'boom'),
      jobRun('cancelled', at, at + 1, 'Cancelled'),
      jobRun('cancelled', at, at + 1, 'Cancelled'),
      jobRun('cancelled', at, at + 1, 'Cancelled'),
      jobRun('skipped', at, at),
      jobRun('abandoned', at, at + 1, 'gone'),
      jobRun('running', at, null),
    ];
    assert.deepEqual(successRate(runs), { percent: 80, note: 'of the last 10 runs that succeeded or failed; 3 cancelled, 1 skipped, 1 abandoned not counted' });
  });

  test('nothing decided yet, and one run', () => {
    assert.deepEqual(successRate([jobRun('cancelled', at, at + 1)]), { percent: undefined, note: 'No run has succeeded or failed yet; 1 cancelled not counted' });
    assert.deepEqual(successRate([]), { percent: undefined, note: 'No run has succeeded or failed yet' });
    assert.deepEqual(successRate([jobRun('success', at, at + 1)]), { percent: 100, note: 'from a single run, which succeeded' });
    assert.deepEqual(successRate([jobRun('failed', at, at + 1, 'boom'), jobRun('cancelled', at, at + 1)]), { percent: 0, note: 'from a single run, which failed; 1 cancelled not counted' });
    assert.deepEqual(successRate([jobRun('success', at, at + 1), jobRun('failed', at, at + 1, 'boom')]), { percent: 50, note: 'of the last 2 runs that succeeded or failed' });
  });
});

describe('attemptHistory', () => {
  const t0 = Date.UTC(2025, 0, 1, 12);
  /** A failed or cancelled attempt as the queue stores it: an error entry and a run ended at the same instant. */
  const ended = (status: RunStatus, attempt: number, start: number, message: string) => {
    const run = jobRun(status, start, start + 500, message);
    const entry: QueueErrorEntry = { at: run.endedAt!, attempt, message };
    return { run, entry };
  };

  test('a job cancelled, retried by hand and running again: runs numbered in order, attempt 1 twice, one marker', () => {
    const first = ended('cancelled', 1, t0, 'Cancelled');
    const second = jobRun('running', t0 + MIN, null);
    const h = attemptHistory({ status: 'processing', attempts: 1, maxAttempts: 3, errorLog: [first.entry] }, [second, first.run]);
    assert.deepEqual(
      h.runs.map((r) => [r.number, r.run.id, r.attempt, r.retriedBefore]),
      [
        [1, first.run.id, 1, false],
        [2, second.id, 1, true],
      ],
    );
    assert.deepEqual(h.errors.map((e) => [e.runNumber, e.entry.attempt, e.retriedBefore]), [[1, 1, false]]);
    assert.equal(h.retries, 1);
  });

  test('failures with backoff, a final failure, a retry by hand, a shutdown and a success', () => {
    const a = ended('failed', 1, t0, 'disk full');
    const b = ended('failed', 2, t0 + MIN, 'disk full');
    const c = ended('failed', 1, t0 + 2 * MIN, 'still full'); // after the retry by hand
    const released = jobRun('abandoned', t0 + 3 * MIN, t0 + 3 * MIN + 10, 'Shutting down'); // no error entry: not counted
    const done = jobRun('success', t0 + 4 * MIN, t0 + 4 * MIN + 900);
    const h = attemptHistory(
      { status: 'completed', attempts: 2, maxAttempts: 2, errorLog: [a.entry, b.entry, c.entry] },
      [done, released, c.run, b.run, a.run],
    );
    assert.deepEqual(
      h.runs.map((r) => [r.number, r.attempt, r.counted, r.retriedBefore]),
      [
        [1, 1, true, false],
        [2, 2, true, false],
        [3, 1, true, true],
        [4, undefined, false, false],
        [5, 2, true, false],
      ],
    );
    assert.deepEqual(h.errors.map((e) => [e.runNumber, e.entry.attempt, e.retriedBefore]), [[1, 1, false], [2, 2, false], [3, 1, true]]);
    assert.equal(h.retries, 1);
  });

  test('a non-retryable failure retried by hand is told apart by the attempt number going back', () => {
    const a = ended('failed', 1, t0, 'bad payload');
    const b = ended('failed', 1, t0 + MIN, 'bad payload');
    const h = attemptHistory({ status: 'failed', attempts: 1, maxAttempts: 3, errorLog: [a.entry, b.entry] }, [b.run, a.run]);
    assert.deepEqual(h.runs.map((r) => r.retriedBefore), [false, true]);
    assert.deepEqual(h.errors.map((e) => e.retriedBefore), [false, true]);
  });

  test('error entries whose runs were pruned still show the rounds', () => {
    const log: QueueErrorEntry[] = [
      { at: new Date(t0).toISOString(), attempt: 1, message: 'x' },
      { at: new Date(t0 + 1).toISOString(), attempt: 2, message: 'x' },
      { at: new Date(t0 + 2).toISOString(), attempt: 1, message: 'x' },
    ];
    const h = attemptHistory({ status: 'pending', attempts: 1, maxAttempts: 3, errorLog: log }, []);
    assert.deepEqual(h.errors.map((e) => [e.runNumber, e.retriedBefore]), [[undefined, false], [undefined, false], [undefined, true]]);
    assert.equal(h.retries, 1);
  });
});
