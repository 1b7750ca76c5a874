// The CLI's process settings: engine log levels, and the package's own folder (for its version
// only: the app's database and jobs come from src/cli/project.ts, never from this folder).
import { fileURLToPath } from 'node:url';
import type { Env } from './project.ts';

export type { Env } from './project.ts';

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

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

