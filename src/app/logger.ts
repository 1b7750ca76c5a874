// The reference app's logger: Nightshift's default pino logger (JSON in production, one readable
// line per record in development), shared with Nightshift so both write one stream.
import { createLogger } from '../index.ts';

export type AppLogger = ReturnType<typeof createLogger>;

export function appLogger(options: { level: 'debug' | 'info' | 'warn' | 'error' | 'silent'; format: 'json' | 'pretty' }): AppLogger {
  return createLogger(options);
}
