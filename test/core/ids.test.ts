// Ids every store relies on: UUIDv7 job and run ids sort in creation-time order (newest first is
// id DESC), and trace ids are 32 random hex characters, unique.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newTraceId, uuidv7, uuidv7Prefix } from '../../src/core/ids.ts';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('uuidv7: valid version-7 UUIDs, strictly increasing within a millisecond and across them', () => {
  const t0 = Date.UTC(2026, 11, 6, 12);
  const ids: string[] = [];
  for (let ms = t0; ms < t0 + 5; ms++) for (let i = 0; i < 2_000; i++) ids.push(uuidv7(ms)); // > 4,096 a ms overflows into the next
  for (const id of ids) assert.match(id, UUID_V7);
  for (let i = 1; i < ids.length; i++) assert.ok(ids[i - 1]! < ids[i]!, `id ${i} sorts after id ${i - 1}`);
  assert.ok(ids[0]!.startsWith(uuidv7Prefix(t0)), 'the timestamp is the time given');
  assert.ok(uuidv7(t0 + 10_000).startsWith(uuidv7Prefix(t0 + 10_000)), 'a new millisecond gets its own timestamp');
});

test('uuidv7: an earlier time than the newest issued still gets an id of that time, counting up', () => {
  const late = uuidv7(Date.UTC(2026, 11, 6, 13));
  const past = Date.UTC(2026, 11, 6, 11);
  const a = uuidv7(past);
  const b = uuidv7(past);
  assert.ok(a.startsWith(uuidv7Prefix(past)) && b.startsWith(uuidv7Prefix(past)));
  assert.ok(a < b && b < late);
});

test('newTraceId: 32 lowercase hex characters, unique over many pool refills', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 5_000; i++) {
    const id = newTraceId();
    assert.match(id, /^[0-9a-f]{32}$/);
    seen.add(id);
  }
  assert.equal(seen.size, 5_000);
});
