// A small structured logger: one JSON object per line in production, a readable line in development.
// Child loggers carry bindings (job, runId, traceId) so every line a job writes can be correlated.
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
type Fields = Record<string, unknown>;

const RANK: Record<LogLevel | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export interface LogRecord extends Fields {
  level: LogLevel;
  time: string;
  msg: string;
}

export type LogSink = (record: LogRecord) => void;

export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
  child(bindings: Fields): Logger;
}

export interface LoggerOptions {
  level?: LogLevel | 'silent';
  format?: 'json' | 'pretty';
  /** Where records go; defaults to stdout in the chosen format. Tests pass an array pusher. */
  sink?: LogSink;
}

export function formatPretty(r: LogRecord): string {
  const { level, time, msg, ...rest } = r;
  const extra = Object.entries(rest)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${time.slice(11, 23)} ${level.toUpperCase().padEnd(5)} ${msg}${extra ? ' ' + extra : ''}`;
}

export function stdoutSink(format: 'json' | 'pretty'): LogSink {
  return (r) => process.stdout.write((format === 'json' ? JSON.stringify(r) : formatPretty(r)) + '\n');
}

export function createLogger(options: LoggerOptions = {}, bindings: Fields = {}): Logger {
  const min = RANK[options.level ?? 'info'];
  const sink = options.sink ?? stdoutSink(options.format ?? 'pretty');
  const write = (level: LogLevel, msg: string, fields?: Fields) => {
    if (RANK[level] < min) return;
    sink({ level, time: new Date().toISOString(), msg, ...bindings, ...fields });
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (more) => createLogger({ ...options, sink }, { ...bindings, ...more }),
  };
}

export const silentLogger: Logger = createLogger({ level: 'silent' });

/** Error to a loggable shape: message always, stack only for logs (never for API clients). */
export function errorFields(err: unknown): Fields {
  if (err instanceof Error) return { err: err.message, stack: err.stack };
  return { err: String(err) };
}
