// `npm start`: configuration from the environment, then the engine; SIGTERM/SIGINT stop it cleanly.
import { SchemaTooNewError } from './store/errors.ts';
import { ConfigError, parseConfig } from './config/config.ts';
import { DatabaseOpenError } from './db/open.ts';
import { createLogger } from './log/logger.ts';
import { startRuntime } from './runtime.ts';

let config;
try {
  config = parseConfig(process.env);
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
const logger = createLogger({ level: config.logLevel, format: config.logFormat });

// Signal handlers go in before start-up finishes: the API answers health checks while the scheduler
// is still starting, and a SIGTERM in that window must still shut down cleanly.
const starting = startRuntime(config, logger);
let signals = 0;
const shutdown = async (signal: string) => {
  if (++signals > 1) return; // a second signal while stopping is ignored; the grace period is bounded
  logger.info('Shutting down', { signal, graceMs: config.shutdownGraceMs });
  const runtime = await starting.catch(() => undefined);
  await runtime?.stop();
  logger.info('Stopped');
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

try {
  await starting;
} catch (err) {
  // A wrong setting or database path is the operator's to fix: one line, in the log's own format,
  // says what and where. Anything else is a bug, and its stack is what a bug report needs.
  if (err instanceof ConfigError || err instanceof DatabaseOpenError || err instanceof SchemaTooNewError) logger.error(err.message);
  else logger.error('Failed to start', { err: (err as Error).message, stack: (err as Error).stack });
  process.exit(1);
}
