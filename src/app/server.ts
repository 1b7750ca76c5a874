// `npm start`: configuration from the environment, then the reference app; SIGTERM/SIGINT stop it
// cleanly.
import { DatabaseOpenError, NightshiftOptionsError, SchemaTooNewError } from '../index.ts';
import { ConfigError, parseConfig } from './config.ts';
import { appLogger } from './logger.ts';
import { startRuntime } from './runtime.ts';

let config;
try {
  config = parseConfig(process.env);
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
const logger = appLogger({ level: config.logLevel, format: config.logFormat });

// Signal handlers go in before start-up finishes: the API answers health checks while the scheduler
// is still starting, and a SIGTERM in that window must still shut down cleanly.
const starting = startRuntime(config, logger);
let signals = 0;
const shutdown = async (signal: string) => {
  if (++signals > 1) return; // a second signal while stopping is ignored; the grace period is bounded
  logger.info({ signal, graceMs: config.shutdownGraceMs }, 'Shutting down');
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
  const operatorError = [ConfigError, DatabaseOpenError, SchemaTooNewError, NightshiftOptionsError].some((type) => err instanceof type);
  if (operatorError) logger.error((err as Error).message);
  else logger.error({ err: (err as Error).message, stack: (err as Error).stack }, 'Failed to start');
  process.exit(1);
}
