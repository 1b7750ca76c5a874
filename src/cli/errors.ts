// Exit codes scripts can rely on, and the one error type commands throw to choose one.
// main.ts turns a CliError into one line on stderr (and, with --json, one JSON document on stdout).

export const EXIT = {
  /** Done; for `run`, the run or job succeeded. */
  ok: 0,
  /** The run or queue job failed, was cancelled or abandoned (or an unexpected error). */
  failed: 1,
  /** Usage error or invalid input: unknown command or option, bad JSON, a payload the job's schema rejects. */
  usage: 2,
  /** No such job, run, queue job or job type. */
  notFound: 3,
  /** Refused in the current state: already running, not cancellable or retryable, jobs disabled. */
  conflict: 4,
  /** Cannot reach the engine: server unreachable or not Nightshift, token refused, no database file, no queue runner. */
  unreachable: 5,
  /** Interrupted (Ctrl-C) while following a run. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    /** A stable machine-readable code, e.g. NOT_FOUND or the server's own error code. */
    readonly code: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const usageError = (message: string, code = 'USAGE', extra?: Record<string, unknown>) => new CliError(EXIT.usage, message, code, extra);
export const notFoundError = (message: string, code = 'NOT_FOUND', extra?: Record<string, unknown>) => new CliError(EXIT.notFound, message, code, extra);
export const conflictError = (message: string, code = 'CONFLICT', extra?: Record<string, unknown>) => new CliError(EXIT.conflict, message, code, extra);
export const unreachableError = (message: string, code = 'UNREACHABLE', extra?: Record<string, unknown>) =>
  new CliError(EXIT.unreachable, message, code, extra);
