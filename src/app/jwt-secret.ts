// JWT_SECRET rules: production refuses to start without a strong secret; development generates one
// once and keeps it under data/ so tokens survive restarts.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError, type Config } from './config.ts';
import type { AppLogger } from './logger.ts';

export const MIN_SECRET_BYTES = 32;

export function secretFilePath(databasePath: string): string {
  return join(dirname(databasePath), '.jwt-secret');
}

/** How to make a good one, in every refusal. */
const HOW = `generate one with: node -e "console.log(require('crypto').randomBytes(48).toString('base64url'))"`;

// Words of example and placeholder secrets ("changeme-changeme-...", "your-secret-here").
const PLACEHOLDER = /change.?me|secret|password|passw0rd|example|replace|your.?(key|token)|default|dummy|test|todo|xxx/i;
/** Below this estimate (bits), a secret is guessable however long it is ("a" x 32 is 0 bits). */
const MIN_ENTROPY_BITS = 128;

/**
 * A rough upper bound of the secret's entropy: its length times the Shannon entropy of its own
 * character frequencies. A random 48-byte base64url string scores about 370 bits; a repeated
 * pattern or a word scores far less. It cannot prove a secret random, only catch the weak ones.
 */
export function entropyBits(secret: string): number {
  const counts = new Map<string, number>();
  const chars = [...secret];
  for (const ch of chars) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let perChar = 0;
  for (const n of counts.values()) perChar -= (n / chars.length) * Math.log2(n / chars.length);
  return perChar * chars.length;
}

/** True when the secret is one short pattern over and over ("0123456789" x 4, "abcd" x 9). */
function isRepeated(secret: string): boolean {
  for (let period = 1; period <= secret.length / 2; period++) {
    let repeats = true;
    for (let i = period; i < secret.length && repeats; i++) repeats = secret[i] === secret[i % period];
    if (repeats) return true;
  }
  return false;
}

/** Why a secret is too weak for production, or undefined when it is fine. */
export function secretWeakness(secret: string): string | undefined {
  if (Buffer.byteLength(secret) < MIN_SECRET_BYTES) return `it is shorter than ${MIN_SECRET_BYTES} bytes`;
  // A placeholder word counts only when what is left without it is not a secret on its own: a random
  // 64-character string contains "test" or "xxx" now and then, and must not be refused for it.
  if (PLACEHOLDER.test(secret)) {
    const rest = secret.replace(new RegExp(PLACEHOLDER.source, 'gi'), '');
    if (Buffer.byteLength(rest) < MIN_SECRET_BYTES || entropyBits(rest) < MIN_ENTROPY_BITS) return 'it looks like a placeholder';
  }
  if (isRepeated(secret) || entropyBits(secret) < MIN_ENTROPY_BITS) return 'it is too predictable (repeated or few distinct characters)';
  return undefined;
}

export function resolveJwtSecret(config: Config, logger?: AppLogger): string {
  if (config.jwtSecret !== undefined) {
    if (config.env === 'production') {
      const weakness = secretWeakness(config.jwtSecret);
      if (weakness) throw new ConfigError(`JWT_SECRET is too weak for production: ${weakness}; ${HOW}`);
    } else if (Buffer.byteLength(config.jwtSecret) < MIN_SECRET_BYTES) {
      logger?.warn(`JWT_SECRET is shorter than ${MIN_SECRET_BYTES} bytes; this would be refused in production`);
    }
    return config.jwtSecret;
  }
  if (config.env === 'production') {
    throw new ConfigError(`JWT_SECRET is required in production (at least 32 bytes); ${HOW}`);
  }
  const file = secretFilePath(config.databasePath);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dirname(file), { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  logger?.warn({ file }, 'JWT_SECRET not set: generated a development secret');
  return secret;
}
