// The reference app's JWT_SECRET rules in production (issue 12): a secret that is short, a
// placeholder or predictable is refused with a message saying how to make a good one.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { parseConfig } from '../../src/app/config.ts';
import { entropyBits, resolveJwtSecret } from '../../src/app/jwt-secret.ts';

const production = (secret: string) => parseConfig({ NODE_ENV: 'production', JWT_SECRET: secret, DATABASE_PATH: '/tmp/nightshift-never-opened.db' });

test('weak secrets are refused in production, each with the reason and how to make a good one', () => {
  for (const [secret, reason] of [
    ['a'.repeat(32), /too predictable/],
    ['changeme-changeme-changeme-change', /placeholder/],
    ['your-secret-here-your-secret-here-1234', /placeholder/],
    ['abcdabcdabcdabcdabcdabcdabcdabcdabcd', /too predictable/],
    ['0123456789012345678901234567890123456789', /too predictable/],
    ['short-but-random-Zq8', /shorter than 32 bytes/],
  ] as const) {
    assert.throws(() => resolveJwtSecret(production(secret)), (err: Error) => reason.test(err.message) && /randomBytes\(48\)/.test(err.message), secret);
  }
});

test('random secrets pass in production', () => {
  for (let i = 0; i < 20; i++) {
    const secret = randomBytes(48).toString('base64url');
    assert.equal(resolveJwtSecret(production(secret)), secret, `${secret} (${entropyBits(secret).toFixed(0)} bits)`);
  }
  // Random text that happens to contain a placeholder word is still random (found by CI: 1 in ~50 runs).
  const lucky = `${randomBytes(24).toString('base64url')}TesT${randomBytes(24).toString('base64url')}`;
  assert.equal(resolveJwtSecret(production(lucky)), lucky, 'a word inside random text');
  const hex = randomBytes(32).toString('hex');
  assert.equal(resolveJwtSecret(production(hex)), hex, '64 hex characters');
});

test('in development a weak secret is used as given (only a short one is warned about)', () => {
  const dev = parseConfig({ NODE_ENV: 'development', JWT_SECRET: 'x'.repeat(40), DATABASE_PATH: '/tmp/nightshift-never-opened.db' });
  assert.equal(resolveJwtSecret(dev), 'x'.repeat(40));
});
