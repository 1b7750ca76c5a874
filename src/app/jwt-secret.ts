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

export function resolveJwtSecret(config: Config, logger?: AppLogger): string {
  if (config.jwtSecret !== undefined) {
    if (Buffer.byteLength(config.jwtSecret) < MIN_SECRET_BYTES) {
      if (config.env === 'production') {
        throw new ConfigError(`JWT_SECRET must be at least ${MIN_SECRET_BYTES} bytes in production`);
      }
      logger?.warn('JWT_SECRET is shorter than 32 bytes; this would be refused in production');
    }
    return config.jwtSecret;
  }
  if (config.env === 'production') {
    throw new ConfigError('JWT_SECRET is required in production (at least 32 bytes)');
  }
  const file = secretFilePath(config.databasePath);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dirname(file), { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  logger?.warn({ file }, 'JWT_SECRET not set: generated a development secret');
  return secret;
}
