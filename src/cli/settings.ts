// The CLI's view of the configuration: the same environment variables as the server (parsed by
// src/config), except that an unset DATABASE_PATH or JOBS_DIR means the project's own data/ and
// jobs/ folders rather than ones under the current directory. `npm start` runs from the project
// root, so `nightshift status` from any subfolder (or `npx nightshift` anywhere in the repo) finds
// the database the server uses.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { ConfigError, parseConfig, type Config } from '../app/config.ts';
import { createLogger, formatPretty, type Logger } from '../log/logger.ts';
import { usageError } from './errors.ts';

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export type Env = Record<string, string | undefined>;

export function cliConfig(env: Env): Config {
  const filled = { ...env };
  if (!filled.DATABASE_PATH) filled.DATABASE_PATH = join(PROJECT_ROOT, 'data', 'nightshift.db');
  if (!filled.JOBS_DIR) filled.JOBS_DIR = join(PROJECT_ROOT, 'jobs');
  try {
    return parseConfig(filled);
  } catch (err) {
    if (err instanceof ConfigError) throw usageError(err.message);
    throw err;
  }
}

export type EngineLogLevel = 'debug' | 'info' | 'silent';

/**
 * Engine logs (job threads, queue runner) are off by default: the command reports outcomes itself.
 * --verbose shows them, NIGHTSHIFT_DEBUG=1 adds debug lines; always on stderr, so stdout stays the
 * command's output.
 */
export function engineLogLevel(verbose: boolean, env: Env): EngineLogLevel {
  if (env.NIGHTSHIFT_DEBUG === '1') return 'debug';
  return verbose ? 'info' : 'silent';
}

export function cliLogger(level: EngineLogLevel): Logger {
  return createLogger({ level, sink: (r) => process.stderr.write(formatPretty(r) + '\n') });
}
