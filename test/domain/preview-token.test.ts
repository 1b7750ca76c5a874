// Preview tokens sort by creation time (what keeps the cleanup's deletes contiguous in the token
// index) and still carry 144 random bits.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { previewToken } from '../../src/app/domain/preview-sessions.ts';

test('tokens sort in creation order, whatever their random part', () => {
  const times = [0, 1, 999, 1_700_000_000_000, 1_700_000_000_001, Date.UTC(9999, 0, 1)];
  const tokens = times.map((t) => previewToken(t));
  assert.deepEqual([...tokens].sort(), tokens);
  const sameMs = Array.from({ length: 100 }, () => previewToken(1_700_000_000_000));
  assert.equal(new Set(sameMs).size, 100, 'the random part makes tokens of the same ms distinct');
});

test('a token is 12 hex chars of time then 24 base64url chars of randomness', () => {
  const token = previewToken(1_700_000_000_000, Buffer.alloc(18, 0xff));
  assert.equal(token, '018bcfe56800' + '________________________');
  assert.match(previewToken(Date.now()), /^[0-9a-f]{12}[A-Za-z0-9_-]{24}$/);
});
