// Nightshift's logger: pino underneath, a message-first interface on top that the code base calls.
// JSON lines in production, one readable line per record in development, or records to a sink (tests,
// job threads). A host app's own pino-compatible logger can stand in for all of it: see host.ts.
import { pino, type Logger as PinoLogger } from 'pino';
import { formatPretty } from './pretty.ts';
import type { Fields, LogLevel, LogRecord, LogSink, Logger } from './types.ts';

export type { LogLevel, LogRecord, LogSink, Logger } from './types.ts';
export { fromHostLogger, type PinoLike } from './host.ts';
export { escapeControl, formatPretty } from './pretty.ts';

/** Anything pino can write finished lines to; each write is one record ending in '\n'. */
export interface LogDestination {
  write(line: string): unknown;
}

export interface LoggerOptions {
  level?: LogLevel | 'silent';
  format?: 'json' | 'pretty';
  /** Where records go as objects instead of text; tests pass an array pusher, job threads a poster. */
  sink?: LogSink;
  /** Where text lines go when there is no sink; defaults to stdout. Tests pass a capturing stream. */
  destination?: LogDestination;
}

// Looks process.stdout up at each write, as the hand-written logger did, and writes synchronously
// (stdout is synchronous for files, and for pipes and terminals on Linux), so the last lines before
// process.exit() are not lost.
const stdout: LogDestination = { write: (line) => process.stdout.write(line) };

/** A destination that turns pino's JSON line back into a record for `onRecord`. */
function recordDestination(onRecord: (record: LogRecord) => void): LogDestination {
  return { write: (line) => onRecord(JSON.parse(line) as LogRecord) };
}

function destinationFor(options: LoggerOptions, format: 'json' | 'pretty'): LogDestination {
  if (options.sink) return recordDestination(options.sink);
  const out = options.destination ?? stdout;
  if (format === 'json') return out;
  return recordDestination((record) => out.write(formatPretty(record) + '\n'));
}

/**
 * Our own pino gets the message inside the fields object, ahead of them, so JSON lines read
 * level, time, bindings, msg, fields: the hand-written logger's order, which people scanning raw
 * lines and pattern matches like /"msg":"Shutting down".*"signal"/ rely on. Handed as a separate
 * argument, pino would append msg after every field. Fields still win over msg, as they did.
 */
function messageFirst(logger: PinoLogger): Logger {
  return {
    debug: (msg: string, fields?: Fields) => logger.debug({ msg, ...fields }),
    info: (msg: string, fields?: Fields) => logger.info({ msg, ...fields }),
    warn: (msg: string, fields?: Fields) => logger.warn({ msg, ...fields }),
    error: (msg: string, fields?: Fields) => logger.error({ msg, ...fields }),
    child: (bindings: Fields) => messageFirst(logger.child(bindings)),
  };
}

export function createLogger(options: LoggerOptions = {}, bindings: Fields = {}): Logger {
  const root = createPinoLogger(options);
  // A binding repeated as a field is written twice in JSON; parsers keep the last one, the field,
  // which is what the hand-written logger's object spread did.
  return messageFirst(Object.keys(bindings).length > 0 ? root.child(bindings) : root);
}

/**
 * Nightshift's default logger as a pino logger (pino's argument order: fields, then message): what
 * an app without its own logger can share with Nightshift (createNightshift({ logger })).
 */
export function createPinoLogger(options: LoggerOptions = {}): PinoLogger {
  const format = options.format ?? 'pretty';
  return pino(
    {
      level: options.level ?? 'info',
      // Level as its label ("info"), not pino's number (30): LogRecord.level is a label that job
      // threads post and the main thread calls by name, and people and our tests read the JSON lines.
      formatters: { level: (label) => ({ level: label }) },
      timestamp: pino.stdTimeFunctions.isoTime,
      // pid and hostname (pino's default base) help when JSON lines from many hosts meet in one store;
      // in records and development lines they are noise.
      ...(options.sink || format === 'pretty' ? { base: null } : {}),
    },
    destinationFor(options, format),
  );
}

export const silentLogger: Logger = createLogger({ level: 'silent' });

/** A sink writing records to stdout as the given format would; for callers that pick the stream themselves. */
export function stdoutSink(format: 'json' | 'pretty'): LogSink {
  return (r) => process.stdout.write((format === 'json' ? JSON.stringify(r) : formatPretty(r)) + '\n');
}

/** Error to a loggable shape: message always, stack only for logs (never for API clients). */
export function errorFields(err: unknown): Fields {
  if (err instanceof Error) return { err: err.message, stack: err.stack };
  return { err: String(err) };
}
