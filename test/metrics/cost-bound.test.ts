// CostBoundedRead: a cheap read is fresh on every scrape; a slow one is reused long enough that it
// takes at most maxShare of the time; one scrape never reads twice.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CostBoundedRead } from '../../src/metrics/cost-bound.ts';

/** A read that "takes" `costMs` on a fake clock and returns how many times it ran. */
function fakeRead(costMs: () => number) {
  let now = 0;
  let reads = 0;
  const read = new CostBoundedRead(
    () => {
      now += costMs();
      return ++reads;
    },
    { clock: () => now, freeMs: 10, maxShare: 0.01 },
  );
  return { read, advance: (ms: number) => (now += ms) };
}

test('a cheap read is fresh on every scrape, and shared within one', async () => {
  const { read, advance } = fakeRead(() => 2);
  assert.equal(await read.get(1), 1);
  assert.equal(await read.get(1), 1, 'same scrape: no second read');
  advance(1);
  assert.equal(await read.get(2), 2);
  assert.equal(await read.get(3), 3);
});

test('a slow read is reused for took / maxShare, then read again', async () => {
  let cost = 50;
  const { read, advance } = fakeRead(() => cost);
  assert.equal(await read.get(1), 1); // took 50 ms: reused until 100 x 50 ms = 5 s after it started
  advance(4_000);
  assert.equal(await read.get(2), 1, 'within the window');
  advance(1_001);
  cost = 1;
  assert.equal(await read.get(3), 2, 'after the window');
  assert.equal(await read.get(4), 3, 'fast again: fresh every scrape');
});
