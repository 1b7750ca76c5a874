// The logging interface the rest of Nightshift codes against: message first, then structured fields.
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type Fields = Record<string, unknown>;

/** One log line as an object: what sinks receive and what job threads post to the main thread. */
export interface LogRecord extends Fields {
  level: LogLevel;
  /** ISO 8601, UTC. */
  time: string;
  msg: string;
}

export type LogSink = (record: LogRecord) => void;

export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
  /** A logger whose every line carries `bindings` (job, runId, traceId) as well as this one's. */
  child(bindings: Fields): Logger;
}
